/**
 * Initial parameters (SPEC §2). Scheme `spec`: W_enc ~ N(0, 1/D), W_dec ~ N(0, 1/(F·L)),
 * biases 0, θ = 0.1. Scheme `uniform` (the write-up's trainer): W_enc ~ U(±1/√F),
 * W_dec ~ U(±1/√(L·D)) with D the padded width when padDims > 0, biases 0. θ starts at
 * `thetaInit`, stored as log θ or θ per the layout's parametrization.
 */
import type { InitScheme } from '../config.ts';
import { Random } from '../random.ts';
import type { Layout } from './layout.ts';

export const THETA_INIT = 0.1;

export interface InitOptions {
  init?: InitScheme;
  thetaInit?: number;
  /** The padded width the write-up's decoder init is scaled by (0 = the model's dims). */
  padDims?: number;
}

/** Encoders are drawn first, so a PLT and a CLT of one seed share their encoders. */
export function initParams(layout: Layout, seed: number, opts: InitOptions = {}): Float64Array {
  const rng = new Random(seed);
  const p = new Float64Array(layout.size);
  const { dims: D, features: F, layers: L } = layout;
  const uniform = opts.init === 'uniform';
  const width = (opts.padDims ?? 0) > 0 ? opts.padDims! : D;
  const encDraw = uniform ? uniformDraw(rng, 1 / Math.sqrt(F)) : normalDraw(rng, 1 / Math.sqrt(D));
  const decDraw = uniform ? uniformDraw(rng, 1 / Math.sqrt(L * width)) : normalDraw(rng, 1 / Math.sqrt(F * L));
  const theta = opts.thetaInit ?? THETA_INIT;
  const thetaParam = layout.thetaParam === 'direct' ? theta : Math.log(theta);
  for (let l = 0; l < L; l++) {
    for (let k = 0; k < D * F; k++) p[layout.wEnc[l] + k] = encDraw();
    p.fill(thetaParam, layout.logTheta[l], layout.logTheta[l] + F);
  }
  for (let q = 0; q < layout.pairs.length; q++) {
    for (let k = 0; k < F * D; k++) p[layout.wDec[q] + k] = decDraw();
  }
  return p;
}

/** N(0, std²) draws from the run's generator. */
function normalDraw(rng: Random, std: number): () => number {
  return () => rng.normal() * std;
}

/** U(−bound, bound) draws from the run's generator. */
function uniformDraw(rng: Random, bound: number): () => number {
  return () => (2 * rng.uniform() - 1) * bound;
}
