/** Initial parameters (SPEC §2): W_enc ~ N(0, 1/D), W_dec ~ N(0, 1/(F·L)), biases 0, θ = 0.1. */
import { Random } from '../random.ts';
import type { Layout } from './layout.ts';

export const THETA_INIT = 0.1;

/** Encoders are drawn first, so a PLT and a CLT of one seed share their encoders. */
export function initParams(layout: Layout, seed: number): Float64Array {
  const rng = new Random(seed);
  const p = new Float64Array(layout.size);
  const { dims: D, features: F, layers: L } = layout;
  const encStd = 1 / Math.sqrt(D);
  const decStd = 1 / Math.sqrt(F * L);
  for (let l = 0; l < L; l++) {
    for (let k = 0; k < D * F; k++) p[layout.wEnc[l] + k] = rng.normal() * encStd;
    p.fill(Math.log(THETA_INIT), layout.logTheta[l], layout.logTheta[l] + F);
  }
  for (let q = 0; q < layout.pairs.length; q++) {
    for (let k = 0; k < F * D; k++) p[layout.wDec[q] + k] = rng.normal() * decStd;
  }
  return p;
}
