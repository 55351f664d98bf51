import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'e2e/screenshots'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-globals': ['error', { name: 'eval', message: 'no eval (CSP)' }],
    },
  },
  {
    // core/ is pure: no DOM, no worker, no other project folder.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['../../gpu/*', '../../onnx/*', '../../worker/*', '../../state/*', '../../views/*', '../../app/*', 'react', 'react-dom', 'd3', 'd3-*', 'zustand'], message: 'src/core must stay pure TypeScript' },
      ] }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use core/random.ts' }],
    },
  },
);
