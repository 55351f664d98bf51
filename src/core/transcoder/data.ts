/** Training data per layer, standardized over the data set (SPEC §2). */
import type { DataLayout } from '../config.ts';
import type { ForwardResult } from '../model/baseModel.ts';

export interface Standardizer {
  mean: Float64Array;
  /** 1 where a dimension has zero variance: centred, not scaled. */
  std: Float64Array;
}

export interface TrainingData {
  n: number;
  layers: number;
  dims: number;
  /** Per layer, N × D standardized MLP input. */
  x: Float64Array[];
  /** Per layer, N × D standardized MLP output (the target). */
  y: Float64Array[];
  inStats: Standardizer[];
  outStats: Standardizer[];
  /** Set only for `as-trained` data (SPEC §2 write-up); absent means SPEC §1's layout. */
  layout?: DataLayout;
}

/**
 * Which activations each layer trains on. `as-described` (SPEC §1): layer l reads the MLP's
 * input and predicts its output. `as-trained` (SPEC §2, the write-up's file): the file's axes
 * are [sample, layer, in/out, dim] and the trainer reads [sample, in/out, layer, dim], so the
 * trainer's block b = io'·L + l' is the file's block b = 2·l + io. For two layers: layer 0
 * reads r0 and predicts r1 (= MLP1's input); layer 1 reads MLP0's output and predicts MLP1's.
 * Only a two-layer model has a replacement chain under `as-trained`; callers check that.
 */
export function arrangeActivations(fwd: Pick<ForwardResult, 'mlpIn' | 'mlpOut'>, layout: DataLayout): { x: Float64Array[]; y: Float64Array[] } {
  if (layout === 'as-described') return { x: fwd.mlpIn, y: fwd.mlpOut };
  const L = fwd.mlpIn.length;
  const block = (b: number): Float64Array => (b % 2 === 0 ? fwd.mlpIn : fwd.mlpOut)[Math.floor(b / 2)];
  return {
    x: Array.from({ length: L }, (_, l) => block(l)),
    y: Array.from({ length: L }, (_, l) => block(L + l)),
  };
}

export function standardizer(values: Float64Array, n: number, dims: number): Standardizer {
  const mean = new Float64Array(dims);
  const std = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += values[i * dims + d];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (values[i * dims + d] - m) ** 2;
    v /= n;
    mean[d] = m;
    std[d] = v > 1e-12 ? Math.sqrt(v) : 1;
  }
  return { mean, std };
}

export function standardize(values: Float64Array, s: Standardizer): Float64Array {
  const D = s.mean.length;
  const out = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = (values[k] - s.mean[k % D]) / s.std[k % D];
  return out;
}

/** From a clean forward pass of the base model to the transcoders' training set. */
export function trainingData(fwd: ForwardResult, dims: number, layout: DataLayout = 'as-described'): TrainingData {
  const { x: xs, y: ys } = arrangeActivations(fwd, layout);
  const inStats = xs.map((x) => standardizer(x, fwd.n, dims));
  const outStats = ys.map((y) => standardizer(y, fwd.n, dims));
  const data: TrainingData = {
    n: fwd.n,
    layers: fwd.mlpIn.length,
    dims,
    x: xs.map((x, l) => standardize(x, inStats[l])),
    y: ys.map((y, l) => standardize(y, outStats[l])),
    inStats,
    outStats,
  };
  if (layout === 'as-trained') data.layout = layout;
  return data;
}

/**
 * The same activations re-arranged under another layout: un-standardizes the data it was given
 * (as-described) back to MLP inputs and outputs and arranges them anew. For data that arrive
 * already standardized (the ONNX path); a model of other than two layers keeps `as-described`.
 */
export function relayout(data: TrainingData, layout: DataLayout): TrainingData {
  const current = data.layout ?? 'as-described';
  if (layout === current || data.layers !== 2 || current !== 'as-described') return data;
  const raw = (values: Float64Array[], stats: Standardizer[]): Float64Array[] =>
    values.map((v, l) => v.map((z, k) => z * stats[l].std[k % data.dims] + stats[l].mean[k % data.dims]));
  const fwd = { n: data.n, mlpIn: raw(data.x, data.inStats), mlpOut: raw(data.y, data.outStats), hidden: [], resid: new Float64Array(0) };
  return trainingData(fwd, data.dims, layout);
}
