/**
 * Depth signatures of a trained transcoder (issue 7): the per-layer share of |attribution|
 * into the output, averaged over the model's inputs, and its running sum (the write-up's
 * Figure 6 measure), from one attribution graph per input (SPEC §5).
 */
import type { Stats } from '../metrics/replacement.ts';
import type { BaseModel } from '../model/baseModel.ts';
import type { TrainedTranscoder } from '../transcoder/apply.ts';
import { attributionGraph } from './graph.ts';

export interface DepthSignature {
  /** Inputs whose graph had any feature attribution, out of those averaged over. */
  counted: number;
  /** Per layer: mean over inputs of that layer's share of the features' Σ|attribution| into the output. */
  attributionShare: number[];
  /** cumulativeShare[n] = Σ_{l ≤ n} attributionShare[l]. */
  cumulativeShare: number[];
}

/**
 * Averages each input's layer shares over `inputs` (default: every input of the model), leaving out inputs whose
 * graph has no feature attribution at all (no active feature reaches the output): their shares
 * are undefined, not zero. With no such input anywhere, every share is 0.
 */
export function depthSignature(
  tc: TrainedTranscoder,
  stats: Stats,
  model: BaseModel,
  inputs: readonly number[] = Array.from({ length: model.n }, (_, n) => n),
): DepthSignature {
  const L = tc.layout.layers;
  const sum = new Array<number>(L).fill(0);
  let counted = 0;
  for (const n of inputs) {
    const g = attributionGraph(tc, stats, model, n);
    if (g.layerShare.every((v) => v === 0)) continue;
    counted++;
    for (let l = 0; l < L; l++) sum[l] += g.layerShare[l];
  }
  const attributionShare = sum.map((v) => (counted > 0 ? v / counted : 0));
  const cumulativeShare: number[] = [];
  let acc = 0;
  for (const v of attributionShare) cumulativeShare.push((acc += v));
  return { counted, attributionShare, cumulativeShare };
}
