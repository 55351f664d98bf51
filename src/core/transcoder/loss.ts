/**
 * The loss of SPEC §2 written literally, one formula per function, no caching: the reference
 * the fast CPU trainer's value and gradient are tested against.
 */
import type { TrainingData } from './data.ts';
import { fires, thresholdOf, type Layout } from './layout.ts';
import { reconstructionScale, type TrainOptions } from './training.ts';

/** JumpReLU: a = h · 1[h > max(θ, 0)] (= 1[h > θ] for θ > 0). */
export function jumpRelu(h: number, theta: number): number {
  return fires(h, theta) ? h : 0;
}

/** Pre-activation loss of one (sample, feature): `theta` ReLU(θ − h) where the feature is off; `neg` ReLU(−h). */
export function preactLoss(h: number, theta: number, form: 'theta' | 'neg' = 'theta'): number {
  if (form === 'neg') return Math.max(0, -h);
  return fires(h, theta) ? 0 : Math.max(0, theta - h);
}

/** Rectangle kernel K(u) = 1[|u| < ½]. */
export function rectangle(u: number): number {
  return Math.abs(u) < 0.5 ? 1 : 0;
}

/** Straight-through ∂a/∂θ = −(θ/ε)·K((h−θ)/ε). */
export function jumpReluThetaGrad(h: number, theta: number, eps: number): number {
  return -(theta / eps) * rectangle((h - theta) / eps);
}

/** Straight-through ∂1[h>θ]/∂θ = −(1/ε)·K((h−θ)/ε). */
export function stepThetaGrad(h: number, theta: number, eps: number): number {
  return -(1 / eps) * rectangle((h - theta) / eps);
}

/** Decoder norm of feature f at source s under `concat` or `sum` (SPEC §2). */
export function decoderNorm(layout: Layout, p: Float64Array, s: number, f: number, mode: 'concat' | 'sum'): number {
  let acc = 0;
  layout.pairs.forEach((pair, q) => {
    if (pair.source !== s) return;
    let r2 = 0;
    for (let d = 0; d < layout.dims; d++) r2 += p[layout.wDec[q] + f * layout.dims + d] ** 2;
    acc += mode === 'sum' ? Math.sqrt(r2) : r2;
  });
  return mode === 'sum' ? acc : Math.sqrt(acc);
}

/** Pre-activations h[l][n][f] for standardized inputs. */
export function preActivations(layout: Layout, p: Float64Array, data: TrainingData): number[][][] {
  const { dims: D, features: F } = layout;
  return data.x.map((x, l) =>
    Array.from({ length: data.n }, (_, n) =>
      Array.from({ length: F }, (_, f) => {
        let h = p[layout.bEnc[l] + f];
        for (let d = 0; d < D; d++) h += x[n * D + d] * p[layout.wEnc[l] + d * F + f];
        return h;
      }),
    ),
  );
}

/** Smallest |h − θ| over every feature and sample: how far the parameters sit from JumpReLU's kink. */
export function kinkDistance(
  layout: Layout, p: Float64Array, data: TrainingData, opts: Partial<Pick<TrainOptions, 'preact' | 'straightThrough'>> = {},
): number {
  let min = Infinity;
  preActivations(layout, p, data).forEach((hl, l) =>
    hl.forEach((hn) => hn.forEach((hv, f) => (min = Math.min(min, Math.abs(hv - thresholdOf(layout, p[layout.logTheta[l] + f])), opts.preact === 'neg' || opts.straightThrough === 'relu' ? Math.abs(hv) : Infinity)))),
  );
  return min;
}

/**
 * Total loss at sparsity coefficient `lambda`. `shift` adds to one activation after JumpReLU,
 * so a test can read ∂L/∂a by finite differences.
 */
export function referenceLoss(
  layout: Layout,
  p: Float64Array,
  data: TrainingData,
  opts: TrainOptions,
  lambda: number,
  shift?: { layer: number; n: number; f: number; by: number },
): { loss: number; recon: number; sparsity: number; preact: number } {
  const { layers: L, dims: D, features: F } = layout;
  const N = data.n;
  const h = preActivations(layout, p, data);
  const theta = (l: number, f: number): number => thresholdOf(layout, p[layout.logTheta[l] + f]);
  const a = h.map((hl, l) =>
    hl.map((hn, n) =>
      hn.map((hv, f) => jumpRelu(hv, theta(l, f)) + (shift && shift.layer === l && shift.n === n && shift.f === f ? shift.by : 0)),
    ),
  );
  let recon = 0;
  for (let t = 0; t < L; t++) {
    for (let n = 0; n < N; n++) {
      for (let d = 0; d < D; d++) {
        let y = p[layout.bDec[t] + d];
        layout.pairs.forEach((pair, q) => {
          if (pair.target !== t) return;
          for (let f = 0; f < F; f++) y += a[pair.source][n][f] * p[layout.wDec[q] + f * D + d];
        });
        recon += ((y - data.y[t][n * D + d]) ** 2 / N) * reconstructionScale(opts, L, D);
      }
    }
  }
  let sparsity = 0;
  let preact = 0;
  for (let l = 0; l < L; l++) {
    for (let f = 0; f < F; f++) {
      const nv = decoderNorm(layout, p, l, f, opts.norm);
      for (let n = 0; n < N; n++) {
        const av = a[l][n][f];
        if (opts.penalty === 'l1') sparsity += nv * av;
        else if (opts.penalty === 'tanh') sparsity += Math.tanh(opts.c * nv * av);
        else sparsity += fires(h[l][n][f], theta(l, f)) ? 1 : 0;
        preact += preactLoss(h[l][n][f], theta(l, f), opts.preact);
      }
    }
  }
  sparsity /= N;
  preact /= N;
  return { loss: recon + lambda * sparsity + opts.lambdaP * preact, recon, sparsity, preact };
}
