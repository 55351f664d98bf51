/**
 * One parametrization for PLT, CLT and windowed CLT: the set of allowed (source → target)
 * decoder pairs decides which it is (SPEC §2). All parameters live in one flat array.
 */
import type { ThetaParam, TranscoderKind } from '../config.ts';

export interface Pair {
  source: number;
  target: number;
}

/** PLT: t = s. CLT: every t ≥ s, or t − s < window when window > 0. */
export function allowedPairs(kind: TranscoderKind, layers: number, window = 0): Pair[] {
  const pairs: Pair[] = [];
  for (let s = 0; s < layers; s++) {
    for (let t = s; t < layers; t++) {
      if (kind === 'plt' && t !== s) continue;
      if (kind === 'clt' && window > 0 && t - s >= window) continue;
      pairs.push({ source: s, target: t });
    }
  }
  return pairs;
}

/** Offsets of every parameter group in the flat parameter array. */
export interface Layout {
  layers: number;
  dims: number;
  features: number;
  pairs: Pair[];
  /** Per layer: encoder D × F (d * F + f). */
  wEnc: number[];
  bEnc: number[];
  logTheta: number[];
  /** Per pair: decoder F × D (f * D + d). */
  wDec: number[];
  /** Per target layer: decoder bias D. */
  bDec: number[];
  size: number;
  /** How the `logTheta` entries hold θ: θ = exp(p) (`log`, the default) or θ = p (`direct`). */
  thetaParam?: ThetaParam;
}

/** θ from its stored parameter under the layout's parametrization. */
export function thresholdOf(layout: Pick<Layout, 'thetaParam'>, raw: number): number {
  return layout.thetaParam === 'direct' ? raw : Math.exp(raw);
}

/** A feature fires where h > max(θ, 0) (SPEC §2 write-up; the same as h > θ whenever θ > 0). */
export function fires(h: number, theta: number): boolean {
  return h > (theta > 0 ? theta : 0);
}

export function makeLayout(layers: number, dims: number, features: number, pairs: Pair[], thetaParam: ThetaParam = 'log'): Layout {
  let o = 0;
  const take = (k: number): number => {
    const at = o;
    o += k;
    return at;
  };
  const wEnc: number[] = [];
  const bEnc: number[] = [];
  const logTheta: number[] = [];
  for (let l = 0; l < layers; l++) {
    wEnc.push(take(dims * features));
    bEnc.push(take(features));
    logTheta.push(take(features));
  }
  const wDec = pairs.map(() => take(features * dims));
  const bDec: number[] = [];
  for (let t = 0; t < layers; t++) bDec.push(take(dims));
  const layout: Layout = { layers, dims, features, pairs, wEnc, bEnc, logTheta, wDec, bDec, size: o };
  // Only a non-default parametrization is written down, so default layouts stay as they were.
  if (thetaParam !== 'log') layout.thetaParam = thetaParam;
  return layout;
}

/** Index of the pair (s, t) in layout.pairs, or −1 where it is not allowed. */
export function pairIndex(layout: Layout, source: number, target: number): number {
  return layout.pairs.findIndex((p) => p.source === source && p.target === target);
}

/** Every parameter group as [name, offset, size], named as SPEC §2 names them (for checks and read-outs). */
export function parameterGroups(layout: Layout): [string, number, number][] {
  const g: [string, number, number][] = [];
  for (let l = 0; l < layout.layers; l++) {
    g.push([`W_enc[${l}]`, layout.wEnc[l], layout.dims * layout.features]);
    g.push([`b_enc[${l}]`, layout.bEnc[l], layout.features]);
    g.push([layout.thetaParam === 'direct' ? `θ[${l}]` : `logθ[${l}]`, layout.logTheta[l], layout.features]);
    g.push([`b_dec[${l}]`, layout.bDec[l], layout.dims]);
  }
  layout.pairs.forEach((pr, q) => g.push([`W_dec[${pr.source}→${pr.target}]`, layout.wDec[q], layout.features * layout.dims]));
  return g;
}
