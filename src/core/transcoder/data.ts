/** Training data per layer, standardized over the data set (SPEC §2). */
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
export function trainingData(fwd: ForwardResult, dims: number): TrainingData {
  const inStats = fwd.mlpIn.map((x) => standardizer(x, fwd.n, dims));
  const outStats = fwd.mlpOut.map((y) => standardizer(y, fwd.n, dims));
  return {
    n: fwd.n,
    layers: fwd.mlpIn.length,
    dims,
    x: fwd.mlpIn.map((x, l) => standardize(x, inStats[l])),
    y: fwd.mlpOut.map((y, l) => standardize(y, outStats[l])),
    inStats,
    outStats,
  };
}
