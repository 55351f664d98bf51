/**
 * Attribution graphs (SPEC §5): the chained replacement model linearized at one input, its
 * active set frozen and standardization folded into the weights, so that every node's value
 * is exactly its bias term plus the weights of its incoming edges.
 *
 * Error nodes. error_l = what the base model's MLP l writes (its own forward pass, same cuts)
 * minus what the transcoder writes at layer l in the chained replacement. The residual is a
 * sum, so the errors of layers < l are exactly the gap between the base model's residual and
 * the replacement's at l. Hence two exact readings of the same graph:
 * - replacement: value = bias + Σ edges from inputs and features (error edges left out);
 * - base model: output + Σ error edges into the output = the base model's output; a feature's
 *   h + Σ its error edges = the h its encoder would compute reading the base model's residual
 *   (active set still frozen), which is circuit-tracer's local replacement.
 */
import { cutMasks, forward, outputMasks, type BaseModel } from '../model/baseModel.ts';
import { replacementForward, type ReplacementInterventions, type Stats } from '../metrics/replacement.ts';
import { standardize } from '../transcoder/data.ts';
import { encodeLayer, type TrainedTranscoder } from '../transcoder/apply.ts';

/** What a graph node stands for. */
export type NodeKind = 'input' | 'feature' | 'error' | 'output';

/** One node: an input dim, an active feature, a layer's error, or the output. */
export interface GraphNode {
  /** `in-a`, `L0-F3`, `err-1`, `out`. */
  id: string;
  kind: NodeKind;
  /** −1 for inputs, the transcoder layer for features and errors, the layer count for the output. */
  layer: number;
  /** Feature index for features, residual dim for inputs and the output, −1 for errors. */
  index: number;
  /** Input x_j; feature activation a; error on the output dim; the replacement's output. */
  value: number;
  /** Feature pre-activation h (equals value for the other kinds). */
  preActivation: number;
  /** Folded constant (encoder/decoder biases, un-standardization means): value = bias + Σ incoming non-error edges. */
  bias: number;
  /** Direct + indirect effect on the output (see `pathAttribution`); the output's own value for the output. */
  attribution: number;
  /** Error nodes: the whole D-dim error vector. */
  errorVector?: Float64Array;
  /** A short readable name: `a=+1`, `L0·f3`, `err L1`, `i`. */
  label: string;
}

/** A direct effect between two nodes. */
export interface GraphEdge {
  source: string;
  target: string;
  /** Direct effect of the source's value on the target's value (SPEC §5). */
  weight: number;
}

/** The linearized replacement model at one input, with its per-layer attribution shares. */
export interface AttributionGraph {
  input: number;
  layers: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The replacement's output value (un-standardized). */
  output: number;
  /** The base model's output under the same cuts. */
  baseOutput: number;
  /** Per layer: share of the features' positive attribution into the output carried by that layer's (`layerShares`). */
  layerShare: number[];
  /** cumulativeShare[n] = Σ_{l ≤ n} layerShare[l] (the depth signature of this graph, path-based). */
  cumulativeShare: number[];
}

/** Node id of feature f at layer l. */
export function featureId(layer: number, feature: number): string {
  return `L${layer}-F${feature}`;
}

/** Node id of layer l's error node. */
export function errorId(layer: number): string {
  return `err-${layer}`;
}

/** Node id of the output. */
export const OUTPUT_ID = 'out';

/** A graph's start, shared by the replacements' and the real model's: its input nodes, and `link`, which keeps nonzero edges. */
export function startGraph(model: BaseModel, x: Float64Array): { nodes: GraphNode[]; edges: GraphEdge[]; link: (source: string, target: string, weight: number) => void; inputIds: string[] } {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const link = (source: string, target: string, weight: number): void => {
    if (weight !== 0) edges.push({ source, target, weight });
  };
  const inputIds = model.inputDims.map((d) => `in-${model.dimNames[d]}`);
  model.inputDims.forEach((d, j) => {
    const label = `${model.dimNames[d]}=${x[j] > 0 ? '+' : ''}${x[j]}`;
    nodes.push({ id: inputIds[j], kind: 'input', layer: -1, index: d, value: x[j], preActivation: x[j], bias: 0, attribution: 0, label });
  });
  return { nodes, edges, link, inputIds };
}

/** Builds the attribution graph of the replacement model at one input (SPEC §5). */
export function attributionGraph(
  tc: TrainedTranscoder,
  stats: Stats,
  model: BaseModel,
  input: number,
  iv: ReplacementInterventions = {},
): AttributionGraph {
  const { layout, params: p } = tc;
  const { layers: L, features: F } = layout;
  const D = model.dims;
  const k = model.inputDims.length;
  const o = model.outputDim;
  const x = model.inputs.slice(input * k, (input + 1) * k);
  const rep = replacementForward(tc, stats, model, iv, x);
  const base = forward(model, { cuts: iv.cuts, ablations: iv.ablations }, x);
  const masks = cutMasks(L, D, iv.cuts);
  // A neuron ablation zeroes layer l's reconstruction in the dims that neuron writes (SPEC §4).
  const outMasks = outputMasks(model, iv.ablations);
  const off = new Set(iv.pairsOff ?? []);

  // Folded weights: what an encoder reads from the raw residual, what a decoder writes into it.
  const enc = (l: number, d: number, f: number): number => (masks[l][d] * p[layout.wEnc[l] + d * F + f]) / stats.inStats[l].std[d];
  const decRaw = (q: number, f: number, d: number): number => {
    const t = layout.pairs[q].target;
    return off.has(q) ? 0 : outMasks[t][d] * p[layout.wDec[q] + f * D + d] * stats.outStats[t].std[d];
  };
  /** Constant part of layer l's un-standardized output: b_dec·σ + μ. */
  const outConst = (l: number, d: number): number => outMasks[l][d] * (stats.outStats[l].std[d] * p[layout.bDec[l] + d] + stats.outStats[l].mean[d]);
  /** What feature f of layer s writes (raw, per unit activation) into the residual read by layer t > s, or the final one when t = L. */
  const writes = (s: number, f: number, t: number): Float64Array => {
    const w = new Float64Array(D);
    layout.pairs.forEach((pair, q) => {
      if (pair.source !== s || pair.target >= t) return;
      for (let d = 0; d < D; d++) w[d] += decRaw(q, f, d);
    });
    return w;
  };
  const preAct = rep.read.map((raw, l) => encodeLayer(tc, l, standardize(raw, stats.inStats[l])).h);
  const errors = rep.out.map((y, l) => y.map((v, d) => base.mlpOut[l][d] - v));

  const { nodes, edges, link, inputIds } = startGraph(model, x);
  const active: { layer: number; feature: number; a: number; id: string }[] = [];

  for (let lt = 0; lt < L; lt++) {
    const earlier = active.slice();
    const wIn = earlier.map((s) => writes(s.layer, s.feature, lt));
    for (let t = 0; t < F; t++) {
      const a = rep.acts[lt][t];
      if (a === 0) continue;
      const id = featureId(lt, t);
      // h = b_enc + Σ_d W_enc[d,t]·(mask·r[d] − μ[d])/σ[d], r = r0 + Σ_{l<lt} (const_l + decoder writes).
      let bias = p[layout.bEnc[lt] + t];
      for (let d = 0; d < D; d++) {
        bias -= (stats.inStats[lt].mean[d] * p[layout.wEnc[lt] + d * F + t]) / stats.inStats[lt].std[d];
        let c = 0;
        for (let l = 0; l < lt; l++) c += outConst(l, d);
        bias += enc(lt, d, t) * c;
      }
      model.inputDims.forEach((d, j) => link(inputIds[j], id, x[j] * enc(lt, d, t)));
      earlier.forEach((s, i) => {
        let w = 0;
        for (let d = 0; d < D; d++) w += wIn[i][d] * enc(lt, d, t);
        link(s.id, id, s.a * w);
      });
      for (let l = 0; l < lt; l++) {
        let w = 0;
        for (let d = 0; d < D; d++) w += errors[l][d] * enc(lt, d, t);
        link(errorId(l), id, w);
      }
      nodes.push({ id, kind: 'feature', layer: lt, index: t, value: a, preActivation: preAct[lt][t], bias, attribution: 0, label: `L${lt}·f${t}` });
      active.push({ layer: lt, feature: t, a, id });
    }
    const err = errors[lt][o];
    nodes.push({ id: errorId(lt), kind: 'error', layer: lt, index: -1, value: err, preActivation: err, bias: 0, attribution: 0, errorVector: errors[lt], label: `err L${lt}` });
  }

  // Output: r_L[o] = r0[o] + Σ_l (const_l[o] + Σ decoder writes[o]).
  let outBias = 0;
  for (let l = 0; l < L; l++) outBias += outConst(l, o);
  model.inputDims.forEach((d, j) => link(inputIds[j], OUTPUT_ID, d === o ? x[j] : 0));
  for (const s of active) link(s.id, OUTPUT_ID, s.a * writes(s.layer, s.feature, L)[o]);
  for (let l = 0; l < L; l++) link(errorId(l), OUTPUT_ID, errors[l][o]);
  const output = rep.resid[o];
  nodes.push({ id: OUTPUT_ID, kind: 'output', layer: L, index: o, value: output, preActivation: output, bias: outBias, attribution: output, label: model.dimNames[o] });

  pathAttribution(nodes, edges);
  const { layerShare, cumulativeShare } = layerShares(nodes, L);
  return { input, layers: L, nodes, edges, output, baseOutput: base.resid[o], layerShare, cumulativeShare };
}

/**
 * Fills each node's `attribution`: its total effect on the output, direct plus through every path, in the frozen linear graph:
 * T(n) = Σ_{edges n→m} w · g(m), with g(output) = 1 and g(feature m) = T(m) / a_m (a feature's
 * outgoing weights all scale with its activation, and a = h while the active set is frozen).
 * Nodes are stored in topological order, so one backward sweep suffices.
 */
export function pathAttribution(nodes: GraphNode[], edges: readonly GraphEdge[]): void {
  const at = new Map(nodes.map((n, i) => [n.id, i]));
  const out: GraphEdge[][] = nodes.map(() => []);
  for (const e of edges) out[at.get(e.source) ?? -1]?.push(e);
  const gain = new Float64Array(nodes.length);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (n.kind === 'output') {
      gain[i] = 1;
      continue;
    }
    let t = 0;
    for (const e of out[i]) t += e.weight * gain[at.get(e.target) ?? -1];
    n.attribution = t;
    if (n.kind === 'feature') gain[i] = t / n.value;
  }
}

/**
 * Per-layer share of the features' POSITIVE attribution into the output (SPEC §5: the depth
 * signature of one graph), and its running sum: layerShare[l] = Σ_{features n of layer l}
 * max(0, T(n)) / Σ_{all features} max(0, T(n)), T(n) = `attribution` (total effect on the
 * output). Input and error nodes are left out. All 0 when no feature has positive attribution.
 */
export function layerShares(nodes: readonly GraphNode[], layers: number): { layerShare: number[]; cumulativeShare: number[] } {
  const mass = positiveLayerMass(nodes, layers);
  const total = mass.reduce((s, v) => s + v, 0);
  const layerShare = mass.map((v) => (total > 0 ? v / total : 0));
  const cumulativeShare: number[] = [];
  layerShare.reduce((s, v) => (cumulativeShare.push(s + v), s + v), 0);
  return { layerShare, cumulativeShare };
}

/** Per layer: Σ over that layer's feature nodes of max(0, attribution), un-normalized (what the pooled depth signature sums). */
export function positiveLayerMass(nodes: readonly GraphNode[], layers: number): number[] {
  const mass = new Array<number>(layers).fill(0);
  for (const n of nodes) if (n.kind === 'feature' && n.attribution > 0 && n.layer >= 0 && n.layer < layers) mass[n.layer] += n.attribution;
  return mass;
}

/**
 * Through which layer the output's attribution reaches it: every edge into the output node is a
 * direct effect, and the layer of its source is the last layer that part of the output passes
 * through. With A = Σ |weight| over all edges into the output:
 * - `layer[l]` = Σ |weight| of edges into the output from layer-l feature nodes (real model:
 *   neurons) / A;
 * - `inputs` = the same for input-dim nodes (the residual stream carrying an input straight to
 *   the output), `errors` for error nodes (what the replacement misses);
 * - they sum to 1; all 0 (and `total` 0) when nothing reaches the output.
 * For XOR-AND's real model on a TRUE input only neuron i (layer 1) writes the output: layer 1 = 1.
 */
export interface OutputRoutes {
  layer: number[];
  inputs: number;
  errors: number;
  /** A, the Σ |weight| normalized by. */
  total: number;
}

/** The output's attribution by the layer it last passes through (see `OutputRoutes`). */
export function outputRoutes(graph: Pick<AttributionGraph, 'nodes' | 'edges' | 'layers'>): OutputRoutes {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const layer = new Array<number>(graph.layers).fill(0);
  let inputs = 0;
  let errors = 0;
  for (const e of graph.edges) {
    if (e.target !== OUTPUT_ID) continue;
    const n = byId.get(e.source);
    const w = Math.abs(e.weight);
    if (!n) continue;
    if (n.kind === 'feature') layer[n.layer] += w;
    else if (n.kind === 'input') inputs += w;
    else if (n.kind === 'error') errors += w;
  }
  const total = layer.reduce((s, v) => s + v, 0) + inputs + errors;
  const norm = (v: number): number => (total > 0 ? v / total : 0);
  return { layer: layer.map(norm), inputs: norm(inputs), errors: norm(errors), total };
}
