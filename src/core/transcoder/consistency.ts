/**
 * The intervention-consistency loss (issue 7 mitigation, in the spirit of interchange-
 * intervention training): at each step one cut from the standard set (SPEC §4) is applied to
 * both the real model and the chained replacement model (SPEC §3: encoder l reads
 * r0 + Σ_{l'<l} un-standardized ŷ_{l'}, the cut dims zeroed), and
 * `C = mean_n (out_repl[n] − out_base[n])²` on the output dim is added as `consistency · C`.
 *
 * Units: the output is compared un-standardized, in the units the class threshold 0.5 reads,
 * so C is about the answer the intervened models give, not the layer's output scale.
 * The gradient flows back through the whole chain into every encoder and decoder, with
 * JumpReLU's straight-through rule as in training (∂a/∂h = 1[h>θ], ∂a/∂θ = −(θ/ε)K((h−θ)/ε)).
 * The real model's intervened outputs are computed once; a step allocates nothing.
 */
import { cutMasks, embed, forward, type BaseModel } from '../model/baseModel.ts';
import { standardInterventions } from '../metrics/metrics.ts';
import { Random } from '../random.ts';
import type { TrainingData } from './data.ts';
import type { Layout } from './layout.ts';

/** Which standard intervention step `step` of a run seeded `seed` uses: fixed by (seed, step). */
export function consistencyCutAt(seed: number, step: number, count: number): number {
  // A generator per step (not one stream), so a run resumed at any step draws the same cuts.
  // The odd multiplier keeps (seed, step) pairs apart before Random's splitmix scrambles them.
  return count > 0 ? new Random(((seed >>> 0) * 0x9e3779b1 + step) >>> 0).int(count) : 0;
}

/** Forward and backward of the consistency loss through the chained replacement model. */
export class ConsistencyLoss {
  /** Number of standard interventions; 0 when the model has one layer (then C = 0). */
  readonly count: number;
  /** Per intervention, per layer: the D-length 0/1 mask of what that layer reads. */
  private readonly masks: Float64Array[][];
  /** Per intervention: the real model's intervened output on each input (N). */
  private readonly target: Float64Array[];
  private readonly r0: Float64Array;
  private readonly resid: Float64Array;
  private readonly gResid: Float64Array;
  private readonly gyHat: Float64Array;
  /** Per layer N × D standardized reads; N × F pre-activations, activations and their gradients. */
  private readonly xHat: Float64Array[];
  private readonly h: Float64Array[];
  private readonly act: Float64Array[];
  private readonly ga: Float64Array[];
  private readonly theta: Float64Array;
  private readonly byTarget: Int32Array[];
  private readonly outputDim: number;

  constructor(
    readonly layout: Layout,
    readonly data: TrainingData,
    model: BaseModel,
  ) {
    const { layers: L, dims: D, features: F, pairs } = layout;
    const N = data.n;
    const set = standardInterventions(model);
    this.count = set.length;
    this.masks = set.map((iv) => cutMasks(L, D, iv.cuts));
    this.target = set.map((iv) => {
      const r = forward(model, iv).resid;
      const out = new Float64Array(N);
      for (let n = 0; n < N; n++) out[n] = r[n * D + model.outputDim];
      return out;
    });
    this.outputDim = model.outputDim;
    this.r0 = embed(model);
    this.resid = new Float64Array(N * D);
    this.gResid = new Float64Array(N * D);
    this.gyHat = new Float64Array(N * D);
    const perLayer = (k: number): Float64Array[] => Array.from({ length: L }, () => new Float64Array(k));
    this.xHat = perLayer(N * D);
    this.h = perLayer(N * F);
    this.act = perLayer(N * F);
    this.ga = perLayer(N * F);
    this.theta = new Float64Array(L * F);
    this.byTarget = Array.from({ length: L }, (_, t) =>
      Int32Array.from(pairs.flatMap((pr, q) => (pr.target === t ? [q] : []))),
    );
  }

  /** C under intervention `cut` at params p (no gradient). */
  value(p: Float64Array, cut: number): number {
    return this.count === 0 ? 0 : this.forward(p, cut);
  }

  /** Returns C under intervention `cut` and adds `coef · ∂C/∂params` into grad. */
  addGradient(p: Float64Array, grad: Float64Array, coef: number, cut: number, eps: number): number {
    if (this.count === 0) return 0;
    const value = this.forward(p, cut);
    this.backward(p, grad, coef, cut, eps);
    return value;
  }

  /** The chained replacement model under the cut; leaves the final residual in `resid`. */
  private forward(p: Float64Array, cut: number): number {
    const { layers: L, dims: D, features: F, wEnc, bEnc, logTheta, wDec, bDec, pairs } = this.layout;
    const N = this.data.n;
    const resid = this.resid;
    const masks = this.masks[cut];
    resid.set(this.r0);
    for (let l = 0; l < L; l++) {
      const { mean, std } = this.data.inStats[l];
      const mask = masks[l];
      const xh = this.xHat[l];
      const h = this.h[l];
      const act = this.act[l];
      for (let f = 0; f < F; f++) this.theta[l * F + f] = Math.exp(p[logTheta[l] + f]);
      for (let n = 0; n < N; n++) {
        for (let d = 0; d < D; d++) xh[n * D + d] = (resid[n * D + d] * mask[d] - mean[d]) / std[d];
        for (let f = 0; f < F; f++) h[n * F + f] = p[bEnc[l] + f];
        for (let d = 0; d < D; d++) {
          const xv = xh[n * D + d];
          if (xv === 0) continue;
          const row = wEnc[l] + d * F;
          for (let f = 0; f < F; f++) h[n * F + f] += xv * p[row + f];
        }
        for (let f = 0; f < F; f++) {
          const hv = h[n * F + f];
          act[n * F + f] = hv > this.theta[l * F + f] ? hv : 0;
        }
      }
      // ŷ_l = b_dec[l] + Σ_{s ≤ l} a_s W_dec[s→l], un-standardized into the residual.
      const o = this.data.outStats[l];
      const qs = this.byTarget[l];
      for (let n = 0; n < N; n++) {
        for (let d = 0; d < D; d++) {
          let y = p[bDec[l] + d];
          for (let qi = 0; qi < qs.length; qi++) {
            const q = qs[qi];
            const a = this.act[pairs[q].source];
            for (let f = 0; f < F; f++) {
              const av = a[n * F + f];
              if (av !== 0) y += av * p[wDec[q] + f * D + d];
            }
          }
          resid[n * D + d] += y * o.std[d] + o.mean[d];
        }
      }
    }
    const target = this.target[cut];
    let c = 0;
    for (let n = 0; n < N; n++) {
      const r = resid[n * D + this.outputDim] - target[n];
      c += (r * r) / N;
    }
    return c;
  }

  /** Reverse sweep over layers: decoders of target l, then encoder l, whose ∂/∂a is complete by then. */
  private backward(p: Float64Array, grad: Float64Array, coef: number, cut: number, eps: number): void {
    const { layers: L, dims: D, features: F, wEnc, bEnc, logTheta, wDec, bDec, pairs } = this.layout;
    const N = this.data.n;
    const o = this.outputDim;
    const gResid = this.gResid;
    const gy = this.gyHat;
    const masks = this.masks[cut];
    const target = this.target[cut];
    const halfEps = eps / 2;
    gResid.fill(0);
    for (let n = 0; n < N; n++) gResid[n * D + o] = (coef * 2 * (this.resid[n * D + o] - target[n])) / N;
    for (let l = 0; l < L; l++) this.ga[l].fill(0);
    for (let l = L - 1; l >= 0; l--) {
      // gResid is ∂/∂r_{l+1}; layer l's un-standardized output adds into r_{l+1}.
      const os = this.data.outStats[l].std;
      for (let k = 0; k < N * D; k++) {
        gy[k] = gResid[k] * os[k % D];
        grad[bDec[l] + (k % D)] += gy[k];
      }
      const qs = this.byTarget[l];
      for (let qi = 0; qi < qs.length; qi++) {
        const q = qs[qi];
        const s = pairs[q].source;
        const a = this.act[s];
        const ga = this.ga[s];
        for (let n = 0; n < N; n++) {
          for (let f = 0; f < F; f++) {
            const row = wDec[q] + f * D;
            const av = a[n * F + f];
            let acc = 0;
            for (let d = 0; d < D; d++) {
              const g = gy[n * D + d];
              acc += p[row + d] * g;
              if (av !== 0) grad[row + d] += av * g;
            }
            ga[n * F + f] += acc;
          }
        }
      }
      // ∂/∂a_l is complete: every target t ≥ l has been swept. Through JumpReLU to h and θ.
      const h = this.h[l];
      const ga = this.ga[l];
      const xh = this.xHat[l];
      const mask = masks[l];
      const is = this.data.inStats[l].std;
      for (let n = 0; n < N; n++) {
        for (let f = 0; f < F; f++) {
          const k = n * F + f;
          const th = this.theta[l * F + f];
          const u = h[k] - th;
          // ∂a/∂θ = −(θ/ε)·K((h−θ)/ε); to logθ, times θ.
          if (u < halfEps && -u < halfEps) grad[logTheta[l] + f] -= (ga[k] * th * th) / eps;
          if (!(h[k] > th)) ga[k] = 0; // now ∂C/∂h: ∂a/∂h = 1[h > θ]
        }
        for (let f = 0; f < F; f++) grad[bEnc[l] + f] += ga[n * F + f];
        for (let d = 0; d < D; d++) {
          const xv = xh[n * D + d];
          const row = wEnc[l] + d * F;
          let gx = 0;
          for (let f = 0; f < F; f++) {
            const gh = ga[n * F + f];
            if (gh === 0) continue;
            grad[row + f] += xv * gh;
            gx += p[row + f] * gh;
          }
          // r_l reaches r_{l+1} unchanged and, masked and standardized, the encoder.
          gResid[n * D + d] += (gx * mask[d]) / is[d];
        }
      }
    }
  }
}
