/**
 * Ground-truth labels of features: which residual dims a feature's decoder writes ("writes
 * e, g", always shown), and which base value its activation tracks ("≈ e", shown only where the
 * correlation is strong, r ≥ MATCH_MIN). The real model's own graph (realGraph.ts) is the
 * ground truth the graphs are compared against.
 *
 * Matching: Pearson correlation over the data set (the clean base model's inputs) between a
 * feature's activation and every base value: each neuron's activation, then each residual dim
 * of the final residual (which holds every value a..i). The best |r| wins; on a tie the earlier
 * candidate wins, so a neuron beats the dim it writes. A negative best r reads "≈ −a".
 */
import { forward, type BaseModel } from '../model/baseModel.ts';
import type { Stats } from '../metrics/replacement.ts';
import { standardize } from '../transcoder/data.ts';
import { encodeLayer, type TrainedTranscoder } from '../transcoder/apply.ts';
import { allowedPairs, makeLayout } from '../transcoder/layout.ts';
import { featureId } from './graph.ts';

/** A feature's correlation label ("≈ e") is shown only when r ≥ this. */
export const MATCH_MIN = 0.9;

/** The base value a feature tracks best. */
export interface FeatureMatch {
  /** Neuron or value name, e.g. "e". */
  name: string;
  kind: 'neuron' | 'value';
  /** Neuron: its layer and index; value: −1 and the residual dim. */
  layer: number;
  index: number;
  /** Pearson correlation over the data set. */
  r: number;
  /** "≈ e" or "≈ −a". */
  label: string;
}

interface Candidate {
  name: string;
  kind: 'neuron' | 'value';
  layer: number;
  index: number;
  values: Float64Array;
}

/** JumpReLU threshold standing in for ReLU's 0: exact wherever no pre-activation lies in (0, θ]. */
export const BASE_THETA = 1e-9;

/**
 * The base model's own neurons as a PLT with F = the widest layer: W_enc = W_in, b_enc = the
 * neuron biases, θ = BASE_THETA, W_dec = W_out, b_dec = 0; identity stats (mean 0, std 1), so
 * nothing is folded and its replacement model is the base model. Spare feature slots have zero
 * weights and bias, so h = 0 ≤ θ and they never fire.
 */
export function baseModelTranscoder(model: BaseModel): { tc: TrainedTranscoder; stats: Stats } {
  const L = model.layers.length;
  const D = model.dims;
  const F = Math.max(...model.layers.map((l) => l.hidden));
  const layout = makeLayout(L, D, F, allowedPairs('plt', L));
  const p = new Float64Array(layout.size);
  model.layers.forEach((layer, l) => {
    const H = layer.hidden;
    const q = layout.pairs.findIndex((pr) => pr.source === l && pr.target === l);
    for (let f = 0; f < F; f++) {
      p[layout.logTheta[l] + f] = Math.log(BASE_THETA);
      if (f >= H) continue;
      p[layout.bEnc[l] + f] = layer.bIn[f];
      for (let d = 0; d < D; d++) {
        p[layout.wEnc[l] + d * F + f] = layer.wIn[d * H + f];
        p[layout.wDec[q] + f * D + d] = layer.wOut[f * D + d];
      }
    }
  });
  const identity = () => ({ mean: new Float64Array(D), std: new Float64Array(D).fill(1) });
  return { tc: { layout, params: p }, stats: { inStats: model.layers.map(identity), outStats: model.layers.map(identity) } };
}

/** Pearson correlation of two series, or NaN when either is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 1e-12 && syy > 1e-12 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

function column(m: Float64Array, cols: number, c: number): Float64Array {
  const out = new Float64Array(m.length / cols);
  for (let i = 0; i < out.length; i++) out[i] = m[i * cols + c];
  return out;
}

function candidates(model: BaseModel): Candidate[] {
  const fwd = forward(model);
  const list: Candidate[] = [];
  model.layers.forEach((layer, l) => {
    for (let j = 0; j < layer.hidden; j++) {
      list.push({ name: layer.neuronNames[j], kind: 'neuron', layer: l, index: j, values: column(fwd.hidden[l], layer.hidden, j) });
    }
  });
  for (let d = 0; d < model.dims; d++) {
    list.push({ name: model.dimNames[d], kind: 'value', layer: -1, index: d, values: column(fwd.resid, model.dims, d) });
  }
  return list;
}

/** Per layer N × F feature activations on the clean base model's MLP inputs, standardized with `stats`. */
export function featureActivations(tc: TrainedTranscoder, stats: Stats, model: BaseModel): Float64Array[] {
  const fwd = forward(model);
  return fwd.mlpIn.map((x, l) => encodeLayer(tc, l, standardize(x, stats.inStats[l])).a);
}

/** Per layer, per feature: the base value it tracks best, or null for a feature dead (or constant) on every input. */
export function matchFeatures(tc: TrainedTranscoder, stats: Stats, model: BaseModel): (FeatureMatch | null)[][] {
  const F = tc.layout.features;
  const list = candidates(model);
  return featureActivations(tc, stats, model).map((acts) => {
    const row: (FeatureMatch | null)[] = [];
    for (let f = 0; f < F; f++) {
      const a = column(acts, F, f);
      let best: FeatureMatch | null = null;
      for (const c of list) {
        const r = pearson(a, c.values);
        if (Number.isNaN(r) || (best && Math.abs(r) <= Math.abs(best.r) + 1e-12)) continue;
        best = { name: c.name, kind: c.kind, layer: c.layer, index: c.index, r, label: `≈ ${r < 0 ? '−' : ''}${c.name}` };
      }
      row.push(best);
    }
    return row;
  });
}

/** What a feature's decoder writes. */
export interface DecoderWrites {
  /** Residual dims written, strongest first (see `decoderWrites` for the rule). */
  dims: number[];
  /** Sign of each written dim's net weight (+1 / −1), in `dims` order. */
  signs: number[];
  /** "writes e, g" ("writes −a" for a negative weight); "writes nothing" for an all-zero decoder. */
  label: string;
}

/** A dim counts as written when its weight magnitude is at least this share of the feature's largest. */
export const WRITES_MIN = 0.5;

/**
 * Per layer, per feature: the residual dims its decoder writes. The rule: feature f of layer s
 * writes into dim d, summed over every decoder block it has (s → t, t ≥ s: one for a PLT, all
 * later layers for a CLT), the un-standardized weight w_d = Σ_t W_dec[s→t][f, d] · σ_out[t][d];
 * with m_d = Σ_t |W_dec[s→t][f, d] · σ_out[t][d]|, dims with m_d ≥ WRITES_MIN · max_d m_d are
 * written, strongest first, each signed by w_d. Blocks in `pairsOff` are left out.
 */
export function decoderWrites(tc: TrainedTranscoder, stats: Stats, model: BaseModel, pairsOff: readonly number[] = []): DecoderWrites[][] {
  const { layout, params: p } = tc;
  const { layers: L, features: F } = layout;
  const D = layout.dims;
  const off = new Set(pairsOff);
  const out: DecoderWrites[][] = [];
  for (let s = 0; s < L; s++) {
    const row: DecoderWrites[] = [];
    for (let f = 0; f < F; f++) {
      const w = new Float64Array(D);
      const m = new Float64Array(D);
      layout.pairs.forEach((pair, q) => {
        if (pair.source !== s || off.has(q)) return;
        for (let d = 0; d < D; d++) {
          const v = p[layout.wDec[q] + f * D + d] * stats.outStats[pair.target].std[d];
          w[d] += v;
          m[d] += Math.abs(v);
        }
      });
      const top = Math.max(0, ...m);
      const dims = top > 0 ? Array.from({ length: D }, (_, d) => d).filter((d) => m[d] >= WRITES_MIN * top).sort((a, b) => m[b] - m[a] || a - b) : [];
      const signs = dims.map((d) => (w[d] < 0 ? -1 : 1));
      const names = dims.map((d, i) => `${signs[i] < 0 ? '−' : ''}${model.dimNames[d] ?? `dim ${d}`}`);
      row.push({ dims, signs, label: names.length > 0 ? `writes ${names.join(', ')}` : 'writes nothing' });
    }
    out.push(row);
  }
  return out;
}

/** A feature's ground-truth label: "writes e, g", then "≈ e" only where r ≥ MATCH_MIN. */
export function featureLabel(writes: DecoderWrites | null | undefined, match: FeatureMatch | null | undefined): string {
  const parts: string[] = [];
  if (writes) parts.push(writes.label);
  if (match && match.r >= MATCH_MIN) parts.push(match.label);
  return parts.join(' · ');
}

/** Graph node id → ground-truth label (`featureLabel`), for every feature with one. */
export function matchLabels(matches: readonly (readonly (FeatureMatch | null)[])[], writes: readonly (readonly DecoderWrites[])[] = []): Map<string, string> {
  const labels = new Map<string, string>();
  const rows = Math.max(matches.length, writes.length);
  for (let l = 0; l < rows; l++) {
    const width = Math.max(matches[l]?.length ?? 0, writes[l]?.length ?? 0);
    for (let f = 0; f < width; f++) {
      const text = featureLabel(writes[l]?.[f], matches[l]?.[f]);
      if (text) labels.set(featureId(l, f), text);
    }
  }
  return labels;
}

