/**
 * The worker's ActivationSource in the browser: models/xor-and.onnx and onnxruntime-web's wasm
 * binary are Vite assets, so both are fetched from our own origin and nothing else is
 * contacted. The runtime itself is imported on first use only.
 */
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import xorAndUrl from '../../models/xor-and.onnx?url&no-inline';
import type { ActivationSource } from './onnxData.ts';

let defaultBytes: Promise<Uint8Array> | null = null;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The browser's source: same-origin assets, the wasm-only runtime build, one thread. */
export function browserActivationSource(): ActivationSource {
  return {
    defaultModelBytes: () => {
      defaultBytes ??= fetchBytes(xorAndUrl);
      // A failed fetch is retried next time rather than remembered.
      defaultBytes.catch(() => (defaultBytes = null));
      return defaultBytes;
    },
    // The wasm-only build inlines its JavaScript glue, so the .wasm binary is its only fetch.
    ort: { wasmPaths: { wasm: ortWasmUrl }, load: () => import('onnxruntime-web/wasm') },
  };
}
