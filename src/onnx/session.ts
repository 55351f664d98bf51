/**
 * Runs a base model with onnxruntime-web. The runtime is imported on first use, so importing
 * this module costs nothing until a model runs.
 */
import type * as OrtModule from 'onnxruntime-web';
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import type { ForwardResult } from '../core/model/baseModel.ts';
import { inputName, maskName, mlpInName, mlpOutName, RESID_FINAL } from './names.ts';
import { validateOnnx } from './validate.ts';
import type { ModelInfo } from '../core/model/modelInfo.ts';
import type { Result } from '../core/result.ts';

export { baseModelFromOnnx } from './reconstruct.ts';

export type Ort = typeof OrtModule;

export interface OrtOptions {
  /** Where the runtime's .wasm/.mjs files are served from (our own origin in the app): a prefix or one URL per file. */
  wasmPaths?: string | { wasm?: string; mjs?: string };
  /** Execution providers in order of preference; wasm by default. */
  executionProviders?: string[];
  /**
   * Imports the runtime; `import('onnxruntime-web')` by default. The app's worker passes the
   * wasm-only build, which fetches one .wasm file instead of the larger WebGPU-enabled one.
   */
  load?: () => Promise<Ort>;
}

let ortPromise: Promise<Ort> | null = null;

/**
 * Node's default (tests, scripts). The specifier is a variable so that bundlers do not ship the
 * full WebGPU-enabled build and its 28 MB wasm next to the wasm-only one the app's worker loads.
 */
const DEFAULT_PACKAGE = 'onnxruntime-web';
const defaultLoad = (): Promise<Ort> => import(/* @vite-ignore */ DEFAULT_PACKAGE) as Promise<Ort>;

/** Loads onnxruntime-web once; single-threaded so it needs no cross-origin isolation. */
async function loadOrt(options: OrtOptions): Promise<Ort> {
  ortPromise ??= (options.load ?? defaultLoad)().then((ort) => {
    ort.env.wasm.numThreads = 1;
    return ort;
  });
  // A failed import (say, offline) must not poison every later attempt.
  ortPromise.catch(() => (ortPromise = null));
  const ort = await ortPromise;
  // In Node the package finds its own dist/ files; the app points this at its own origin.
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  return ort;
}

/** An open base model: runs any batch of input rows under per-layer cut masks. */
export interface OnnxModel {
  info: ModelInfo;
  /** Rows are N × n_inputs; masks are one length-D 0/1 array per layer. */
  run(inputs: Float64Array, masks: readonly Float64Array[]): Promise<ForwardResult>;
  release(): Promise<void>;
}

function toFloat64(t: Tensor): Float64Array {
  return Float64Array.from(t.data as Float32Array);
}

/** Validates an ONNX file and opens an inference session on it. */
export async function openOnnxModel(bytes: Uint8Array, options: OrtOptions = {}): Promise<Result<OnnxModel>> {
  const checked = validateOnnx(bytes);
  if (!checked.ok) return checked;
  const info = checked.value;
  const ort = await loadOrt(options);
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: options.executionProviders ?? ['wasm'] });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `onnxruntime-web could not load the model (${why}); check that it was exported as models/README.md shows.` };
  }
  const fetches: string[] = [RESID_FINAL];
  for (let l = 0; l < info.layers; l++) fetches.push(mlpInName(l), mlpOutName(l));

  const run = async (inputs: Float64Array, masks: readonly Float64Array[]): Promise<ForwardResult> => {
    const k = info.nInputs;
    const D = info.dims;
    // Wrong sizes here are caller bugs: the page builds inputs and masks from `info`.
    if (inputs.length % k !== 0) throw new Error(`inputs length ${inputs.length} is not a multiple of ${k}`);
    if (masks.length !== info.layers || masks.some((m) => m.length !== D)) throw new Error(`need ${info.layers} masks of length ${D}`);
    const n = inputs.length / k;
    const feeds: Record<string, Tensor> = { [inputName]: new ort.Tensor('float32', Float32Array.from(inputs), [n, k]) };
    masks.forEach((m, l) => (feeds[maskName(l)] = new ort.Tensor('float32', Float32Array.from(m), [D])));
    const out = await session.run(feeds, fetches);
    const result: ForwardResult = { n, mlpIn: [], mlpOut: [], hidden: [], resid: toFloat64(out[RESID_FINAL]) };
    for (let l = 0; l < info.layers; l++) {
      result.mlpIn.push(toFloat64(out[mlpInName(l)]));
      result.mlpOut.push(toFloat64(out[mlpOutName(l)]));
      // The convention exposes no neuron activations.
      result.hidden.push(new Float64Array(0));
    }
    for (const t of Object.values(out)) t.dispose();
    return result;
  };
  return { ok: true, value: { info, run, release: () => session.release() } };
}

/** One-shot run of an ONNX base model: validates, runs the rows under the masks, releases. */
export async function runOnnxModel(bytes: Uint8Array, inputs: Float64Array, masks: readonly Float64Array[], options: OrtOptions = {}): Promise<Result<ForwardResult>> {
  const opened = await openOnnxModel(bytes, options);
  if (!opened.ok) return opened;
  try {
    return { ok: true, value: await opened.value.run(inputs, masks) };
  } finally {
    await opened.value.release();
  }
}
