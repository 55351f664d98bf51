/**
 * Ground-truth overlay: which of the base model's values each feature tracks, and how much of
 * the base model's true circuit at an input an attribution graph recovers.
 *
 * Matching: Pearson correlation over the data set (the clean base model's inputs) between a
 * feature's activation and every base value: each neuron's activation, then each residual dim
 * of the final residual (which holds every value a..i). The best |r| wins; on a tie the earlier
 * candidate wins, so a neuron beats the dim it writes. A negative best r reads "≈ −a".
 */
import type { Cut } from '../config.ts';
import { forward, type BaseModel } from '../model/baseModel.ts';
import type { Stats } from '../metrics/replacement.ts';
import { standardize } from '../transcoder/data.ts';
import { encodeLayer, type TrainedTranscoder } from '../transcoder/apply.ts';
import { allowedPairs, makeLayout } from '../transcoder/layout.ts';
import { OUTPUT_ID, featureId, type AttributionGraph, type GraphEdge } from './graph.ts';

/** A feature counts as tracking a base value when r ≥ this (circuit recovery only). */
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

/** Graph node id → ground-truth label, for every matched feature. */
export function matchLabels(matches: readonly (readonly (FeatureMatch | null)[])[]): Map<string, string> {
  const labels = new Map<string, string>();
  matches.forEach((row, l) => row.forEach((m, f) => m && labels.set(featureId(l, f), m.label)));
  return labels;
}

/** Id of neuron j of layer l in the true circuit. */
export function neuronId(layer: number, neuron: number): string {
  return `N${layer}.${neuron}`;
}

/** The base model's own active circuit at one input. */
export interface TrueCircuit {
  /** Active neurons with a path to the output, as `neuronId`s. */
  neurons: string[];
  /** Edges between inputs (`in-a`), neurons and the output (`out`), the graph's id scheme. */
  edges: { source: string; target: string }[];
}

/**
 * The base model's own circuit at one input, from its weights: an edge u → v wherever active
 * neuron v reads (nonzero weight, nonzero value after cuts) a dim that input or active neuron
 * u writes, or u writes the output dim; kept only where it lies on a path to the output.
 */
export function trueCircuit(model: BaseModel, input: number, cuts: readonly Cut[] = []): TrueCircuit {
  const D = model.dims;
  const k = model.inputDims.length;
  const fwd = forward(model, { cuts }, model.inputs.slice(input * k, (input + 1) * k));
  const writers: string[][] = Array.from({ length: D }, () => []);
  model.inputDims.forEach((d) => writers[d].push(`in-${model.dimNames[d]}`));
  const edges: { source: string; target: string }[] = [];
  model.layers.forEach((layer, l) => {
    const H = layer.hidden;
    const now: [number, string][] = [];
    for (let j = 0; j < H; j++) {
      if (fwd.hidden[l][j] <= 0) continue;
      const id = neuronId(l, j);
      for (let d = 0; d < D; d++) {
        if (layer.wIn[d * H + j] === 0 || fwd.mlpIn[l][d] === 0) continue;
        for (const w of writers[d]) edges.push({ source: w, target: id });
      }
      for (let d = 0; d < D; d++) if (layer.wOut[j * D + d] !== 0) now.push([d, id]);
    }
    for (const [d, id] of now) writers[d].push(id);
  });
  for (const w of writers[model.outputDim]) edges.push({ source: w, target: OUTPUT_ID });
  const onPath = reachingOutput(edges);
  return {
    neurons: [...onPath].filter((id) => id.startsWith('N')),
    edges: edges.filter((e) => onPath.has(e.source) && onPath.has(e.target)),
  };
}

function reachingOutput(edges: readonly { source: string; target: string }[]): Set<string> {
  const keep = new Set([OUTPUT_ID]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of edges) {
      if (keep.has(e.target) && !keep.has(e.source)) {
        keep.add(e.source);
        grew = true;
      }
    }
  }
  return keep;
}

/** How much of the true circuit a graph recovers. */
export interface CircuitRecovery {
  /** Share of true neurons tracked by a graph feature on a path to the output; null when the true circuit is empty. */
  nodes: number | null;
  /** Share of true edges u → v with a graph edge from a node tracking u to a node tracking v; null when none. */
  edges: number | null;
  truth: TrueCircuit;
  /** True neuron ids that were recovered. */
  recovered: string[];
}

/**
 * How much of the true circuit at the graph's input the graph (or a pruned subset of its
 * edges) recovers. A feature tracks a neuron when its best match is that neuron, or a dim that
 * neuron writes, with r ≥ MATCH_MIN; inputs and the output track themselves.
 */
export function circuitRecovery(
  graph: AttributionGraph,
  matches: readonly (readonly (FeatureMatch | null)[])[],
  model: BaseModel,
  cuts: readonly Cut[] = [],
  edges: readonly GraphEdge[] = graph.edges,
): CircuitRecovery {
  const truth = trueCircuit(model, graph.input, cuts);
  const D = model.dims;
  const onPath = reachingOutput(edges.filter((e) => e.weight !== 0));
  const tracks = (graphId: string, trueId: string): boolean => {
    if (graphId === trueId) return !trueId.startsWith('N');
    const node = graph.nodes.find((n) => n.id === graphId);
    if (node?.kind !== 'feature') return false;
    const m = matches[node.layer]?.[node.index];
    if (!m || m.r < MATCH_MIN) return false;
    const [l, j] = trueId.slice(1).split('.').map(Number);
    if (m.kind === 'neuron') return m.layer === l && m.index === j;
    const layer = model.layers[l];
    return layer !== undefined && layer.wOut[j * D + m.index] !== 0;
  };
  const pathIds = [...onPath];
  const recovered = truth.neurons.filter((t) => pathIds.some((g) => tracks(g, t)));
  const hit = truth.edges.filter((te) =>
    edges.some((e) => e.weight !== 0 && onPath.has(e.target) && tracks(e.source, te.source) && tracks(e.target, te.target)),
  );
  return {
    nodes: truth.neurons.length > 0 ? recovered.length / truth.neurons.length : null,
    edges: truth.edges.length > 0 ? hit.length / truth.edges.length : null,
    truth,
    recovered,
  };
}
