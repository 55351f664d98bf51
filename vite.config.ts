/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The production page may load only from its own origin; onnxruntime-web compiles WebAssembly
 * (wasm-unsafe-eval), d3 and React set inline styles. No eval, no other host.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`),
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  // One stylesheet, in the head: a view's CSS chunk arriving later restyled and relaid the whole page (a long task each, five of them at start-up).
  build: { target: 'es2022', sourcemap: true, cssCodeSplit: false },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Vitest's default (cores − 1) trains the test files one at a time on a 2-core machine, where
    // its main process mostly waits; two workers there cut the unit step of `npm test` by about a third.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
