/**
 * The L0-asymmetry penalty (issue 7 mitigation): the variance across layers of per-layer L0,
 * `A = (1/L) Σ_l (L0_l − mean_l L0)²`, added to the loss as `asymmetry · A`. L0 is a count of
 * steps 1[h > θ], so its only gradient is the straight-through one to θ (SPEC §2):
 * `∂1[h>θ]/∂θ = −(1/ε)·K((h−θ)/ε)`; the gradient to h is zero, as for the `l0` penalty.
 * The coefficient is constant over the run (no warm-up ramp).
 */
import type { Layout } from './layout.ts';

/** Population variance of per-layer L0 values (the literal formula). */
export function l0Variance(l0: readonly number[]): number {
  const L = l0.length;
  if (L === 0) return 0;
  let mean = 0;
  for (const v of l0) mean += v / L;
  let varSum = 0;
  for (const v of l0) varSum += (v - mean) ** 2;
  return varSum / L;
}

/** Adds the penalty's straight-through gradient into a trainer's gradient; buffers are allocated once. */
export class AsymmetryPenalty {
  private readonly l0: Float64Array;
  private readonly dl0: Float64Array;

  constructor(
    readonly layout: Layout,
    readonly n: number,
  ) {
    this.l0 = new Float64Array(layout.layers);
    this.dl0 = new Float64Array(layout.layers);
  }

  /**
   * From per-layer pre-activations h (N × F) at params p: returns A, and adds
   * `coef · ∂A/∂L0_l · (1/N) Σ_n ∂1[h>θ]/∂θ · θ` to each logθ of grad.
   */
  addGradient(p: Float64Array, h: readonly Float64Array[], grad: Float64Array, coef: number, eps: number): number {
    const { layers: L, features: F, logTheta } = this.layout;
    const N = this.n;
    const l0 = this.l0;
    for (let l = 0; l < L; l++) {
      const hl = h[l];
      const oT = logTheta[l];
      let count = 0;
      for (let f = 0; f < F; f++) {
        const th = Math.exp(p[oT + f]);
        for (let n = 0; n < N; n++) if (hl[n * F + f] > th) count++;
      }
      l0[l] = count / N;
    }
    let mean = 0;
    for (let l = 0; l < L; l++) mean += l0[l] / L;
    let variance = 0;
    for (let l = 0; l < L; l++) {
      const dev = l0[l] - mean;
      variance += (dev * dev) / L;
      // ∂A/∂L0_l = (2/L)(L0_l − mean): the mean's own dependence cancels since Σ deviations = 0.
      this.dl0[l] = (2 * dev) / L;
    }
    const halfEps = eps / 2;
    for (let l = 0; l < L; l++) {
      const scale = (coef * this.dl0[l]) / N;
      if (scale === 0) continue;
      const hl = h[l];
      const oT = logTheta[l];
      for (let f = 0; f < F; f++) {
        const th = Math.exp(p[oT + f]);
        let near = 0;
        for (let n = 0; n < N; n++) {
          const u = hl[n * F + f] - th;
          if (u < halfEps && -u < halfEps) near++;
        }
        // Σ_n ∂1[h>θ]/∂θ = −near/ε; to logθ, times θ.
        if (near > 0) grad[oT + f] -= (scale * near * th) / eps;
      }
    }
    return variance;
  }
}
