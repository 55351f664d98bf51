/**
 * Running a trained transcoder outside training: encode a layer, decode a target layer.
 * Used by metrics, the replacement model and the views (not by the hot training loop).
 */
import { fires, thresholdOf, type Layout } from './layout.ts';

export interface TrainedTranscoder {
  layout: Layout;
  params: Float64Array;
}

/** Pre-activations and JumpReLU activations (N × F) for standardized inputs x̂ (N × D). */
export function encodeLayer(
  tc: TrainedTranscoder,
  layer: number,
  xHat: Float64Array,
  ablated?: ReadonlySet<number>,
): { h: Float64Array; a: Float64Array } {
  const { layout, params: p } = tc;
  const { dims: D, features: F } = layout;
  const N = xHat.length / D;
  const h = new Float64Array(N * F);
  const a = new Float64Array(N * F);
  const oE = layout.wEnc[layer];
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      let z = p[layout.bEnc[layer] + f];
      for (let d = 0; d < D; d++) z += xHat[n * D + d] * p[oE + d * F + f];
      h[n * F + f] = z;
      const th = thresholdOf(layout, p[layout.logTheta[layer] + f]);
      a[n * F + f] = fires(z, th) && !ablated?.has(f) ? z : 0;
    }
  }
  return { h, a };
}

/** Standardized reconstruction of layer t's MLP output from every source's activations. */
export function decodeTarget(
  tc: TrainedTranscoder,
  target: number,
  acts: readonly Float64Array[],
  pairsOff?: ReadonlySet<number>,
): Float64Array {
  const { layout, params: p } = tc;
  const { dims: D, features: F } = layout;
  const N = acts[0].length / F;
  const y = new Float64Array(N * D);
  for (let n = 0; n < N; n++) for (let d = 0; d < D; d++) y[n * D + d] = p[layout.bDec[target] + d];
  layout.pairs.forEach((pair, q) => {
    if (pair.target !== target || pairsOff?.has(q) || !acts[pair.source]) return;
    const a = acts[pair.source];
    for (let n = 0; n < N; n++) {
      for (let f = 0; f < F; f++) {
        const av = a[n * F + f];
        if (av === 0) continue;
        for (let d = 0; d < D; d++) y[n * D + d] += av * p[layout.wDec[q] + f * D + d];
      }
    }
  });
  return y;
}
