import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'dist-*', 'node_modules', 'test-results', 'playwright-report', 'e2e/screenshots'] },
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
  ...layerRules(),
);

/**
 * The floors' boundaries (STYLE.md "The shape of the house"): views → state → worker → gpu | onnx
 * → core; views reach neither worker nor onnx, and state reaches onnx only through the worker. An import string is relative, so each rule is written per folder depth: from
 * src/X/a.ts "../" leaves X, from src/X/y/a.ts "../../" does.
 */
function layerRules() {
  const leave = (depth) => `^(\\.\\./){${depth}}`;
  const packages = (names, message) => names.map((name) => ({ group: [name, `${name}/*`], message }));
  const pure = packages(['react', 'react-dom', 'd3', 'd3-*', 'zustand', 'idb-keyval', 'onnxruntime-web', 'webgpu'], 'src/core must stay pure TypeScript');
  const rules = [];
  for (const depth of [1, 2, 3]) {
    const files = [`src/core/${'*/'.repeat(depth - 1)}*.ts`];
    rules.push({
      files,
      rules: {
        'no-restricted-imports': ['error', { patterns: [
          { regex: leave(depth), message: 'src/core imports nothing outside src/core' },
          ...pure,
        ] }],
        'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use core/random.ts' }],
      },
    });
    for (const [folder, allowed, message, only] of [
      ['gpu', '(core)/', 'src/gpu imports only src/core'],
      ['onnx', '(core)/', 'src/onnx imports only src/core'],
      ['worker', '(core|gpu|onnx|worker)/|\\.\\./models/', 'src/worker imports neither state nor views'],
      ['state', '(core|worker|state)/', 'src/state imports neither views nor onnx (it reaches onnx through the worker)'],
      ['views', '(core|state|views)/', 'src/views imports only src/core and src/state (it reaches the workers through state)'],
      // A view's test may also pin a CLI's wording (scripts/).
      ['views', '(core|state|views)/|\\.\\./scripts/', 'src/views imports only src/core and src/state (its tests also scripts/)', '*.test.ts'],
    ]) {
      rules.push({
        files: [`src/${folder}/${'*/'.repeat(depth - 1)}${only ?? '*.{ts,tsx}'}`],
        rules: {
          'no-restricted-imports': ['error', { patterns: [
            { regex: `${leave(depth)}(?!${allowed})`, message },
            ...(folder === 'state' || folder === 'worker' || folder === 'views' ? [] : packages(['react', 'react-dom', 'd3', 'zustand', 'idb-keyval'], message)),
          ] }],
        },
      });
    }
  }
  return rules;
}
