/**
 * A ground-truth model: an MLP-only residual network (SPEC §1). The XOR-AND model is one
 * instance; compiled circuits and uploaded ONNX models are others.
 */
import type { Cut } from '../config.ts';

export interface MlpLayer {
  hidden: number;
  /** D × H, row-major (d * H + j). */
  wIn: Float64Array;
  bIn: Float64Array;
  /** H × D, row-major (j * D + d). */
  wOut: Float64Array;
  neuronNames: string[];
}

export interface BaseModel {
  name: string;
  dims: number;
  dimNames: string[];
  /** Residual dims that hold the inputs, in input order. */
  inputDims: number[];
  /** Residual dim read as the model's answer. */
  outputDim: number;
  layers: MlpLayer[];
  /** N × inputDims.length, the data set (every ±1 combination for boolean circuits). */
  inputs: Float64Array;
  n: number;
}

/** A neuron ablation zeroes one neuron's output (SPEC §4). */
export interface Ablation {
  layer: number;
  neuron: number;
}

/**
 * An interchange patch (SPEC §4): in what layer `layer` reads, dims `dims` take the values in
 * `values` (one D-length row per input row; only `dims` are read), after any cut.
 */
export interface PatchValues {
  layer: number;
  dims: readonly number[];
  values: Float64Array;
}

export interface Interventions {
  cuts?: readonly Cut[];
  ablations?: readonly Ablation[];
  patch?: PatchValues;
}

/** The residual dims neuron `a.neuron` of MLP `a.layer` writes (its d_j, SPEC §4). */
export function ablatedDims(model: BaseModel, a: Ablation): number[] {
  const layer = model.layers[a.layer];
  if (!layer || a.neuron < 0 || a.neuron >= layer.hidden) return [];
  const out: number[] = [];
  for (let d = 0; d < model.dims; d++) if (layer.wOut[a.neuron * model.dims + d] !== 0) out.push(d);
  return out;
}

/** Per layer, a D-length 0/1 mask of the MLP output that neuron ablations leave (SPEC §4). */
export function outputMasks(model: BaseModel, ablations: readonly Ablation[] = []): Float64Array[] {
  const masks = model.layers.map(() => new Float64Array(model.dims).fill(1));
  for (const a of ablations) for (const d of ablatedDims(model, a)) masks[a.layer][d] = 0;
  return masks;
}

export interface ForwardResult {
  n: number;
  /** Per layer, N × D: what the MLP reads (after cuts). */
  mlpIn: Float64Array[];
  /** Per layer, N × D: what the MLP writes. */
  mlpOut: Float64Array[];
  /** Per layer, N × H: neuron activations. */
  hidden: Float64Array[];
  /** N × D, the residual stream after the last layer. */
  resid: Float64Array;
}

/** Every ±1 combination of k inputs; input n has bit (k−1−j) of n for input j (SPEC §1 order). */
export function enumerateSigns(k: number): Float64Array {
  const n = 1 << k;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) out[i * k + j] = (i >> (k - 1 - j)) & 1 ? 1 : -1;
  }
  return out;
}

/** Per layer, a D-length 0/1 mask of what that layer reads. */
export function cutMasks(layers: number, dims: number, cuts: readonly Cut[] = []): Float64Array[] {
  const masks: Float64Array[] = [];
  for (let l = 0; l < layers; l++) masks.push(new Float64Array(dims).fill(1));
  for (const cut of cuts) {
    if (cut.layer < 0 || cut.layer >= layers) continue;
    for (const d of cut.dims) if (d >= 0 && d < dims) masks[cut.layer][d] = 0;
  }
  return masks;
}

/** Embeds the inputs into a fresh N × D residual stream. */
export function embed(model: BaseModel, inputs: Float64Array = model.inputs): Float64Array {
  const k = model.inputDims.length;
  const n = inputs.length / k;
  const r = new Float64Array(n * model.dims);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) r[i * model.dims + model.inputDims[j]] = inputs[i * k + j];
  }
  return r;
}

/**
 * The base model's forward pass under optional cuts, neuron ablations and a patch. An ablated
 * neuron reads 0, and MLP l's output is 0 in the dims it writes (SPEC §4: the same zero a
 * replacement's reconstruction gets there).
 */
export function forward(model: BaseModel, iv: Interventions = {}, inputs: Float64Array = model.inputs): ForwardResult {
  const D = model.dims;
  const resid = embed(model, inputs);
  const n = resid.length / D;
  const masks = cutMasks(model.layers.length, D, iv.cuts);
  const outMasks = outputMasks(model, iv.ablations);
  const patch = iv.patch;
  const mlpIn: Float64Array[] = [];
  const mlpOut: Float64Array[] = [];
  const hidden: Float64Array[] = [];
  model.layers.forEach((layer, l) => {
    const H = layer.hidden;
    const x = new Float64Array(n * D);
    const hid = new Float64Array(n * H);
    const y = new Float64Array(n * D);
    const ablated = new Uint8Array(H);
    for (const a of iv.ablations ?? []) if (a.layer === l && a.neuron >= 0 && a.neuron < H) ablated[a.neuron] = 1;
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < D; d++) x[i * D + d] = resid[i * D + d] * masks[l][d];
      if (patch && patch.layer === l) for (const d of patch.dims) x[i * D + d] = patch.values[i * D + d];
      for (let j = 0; j < H; j++) {
        let z = layer.bIn[j];
        for (let d = 0; d < D; d++) z += x[i * D + d] * layer.wIn[d * H + j];
        hid[i * H + j] = ablated[j] ? 0 : Math.max(0, z);
      }
      for (let d = 0; d < D; d++) {
        let s = 0;
        for (let j = 0; j < H; j++) s += hid[i * H + j] * layer.wOut[j * D + d];
        y[i * D + d] = s * outMasks[l][d];
      }
    }
    for (let k = 0; k < resid.length; k++) resid[k] += y[k];
    mlpIn.push(x);
    mlpOut.push(y);
    hidden.push(hid);
  });
  return { n, mlpIn, mlpOut, hidden, resid };
}

/** The model's answer per input: true where the output dim exceeds 0.5 (SPEC §3). */
export function outputClasses(model: BaseModel, resid: Float64Array): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < resid.length / model.dims; i++) out.push(resid[i * model.dims + model.outputDim] > 0.5);
  return out;
}

/** A readable label for input i, e.g. "+−+−". */
export function inputLabel(model: BaseModel, i: number): string {
  const k = model.inputDims.length;
  let s = '';
  for (let j = 0; j < k; j++) s += model.inputs[i * k + j] > 0 ? '+' : '−';
  return s;
}
