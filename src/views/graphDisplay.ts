/**
 * From an attribution graph and the user's graph state to what the drawer draws: pruned,
 * pinned nodes kept, supernodes merged (their edges summed), hidden nodes removed, ablated
 * features shown as crossed-out ghosts. Pure, so it is tested without a DOM.
 */
import type { TranscoderKind } from '../core/config.ts';
import type { AttributionGraph, GraphEdge, GraphNode, NodeKind } from '../core/attribution/graph.ts';
import { featureId } from '../core/attribution/graph.ts';
import { MATCH_MIN, type DecoderWrites, type FeatureMatch } from '../core/attribution/groundTruth.ts';
import { neuronKeys, writtenDim } from '../core/attribution/realGraph.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import type { PrunedGraph } from '../core/attribution/prune.ts';
import { labelOf, type KindGraphState } from '../state/graphCodec.ts';
import { fmt } from './charts/tooltip.ts';

export type DisplayShape = NodeKind | 'supernode';

export interface DisplayNode {
  id: string;
  shape: DisplayShape;
  /** 0 inputs, 1 + l for transcoder layer l, layers + 1 the output. */
  row: number;
  /** Order inside the row (feature index; errors last). */
  order: number;
  /** Transcoder layer (−1 inputs) and feature index / residual dim (−1 errors and supernodes). */
  layer: number;
  index: number;
  /** The user's label, else the default. */
  label: string;
  /** Ground-truth match, e.g. "≈ e" (features only; drawn only where r ≥ MATCH_MIN). */
  match: FeatureMatch | null;
  /** What its decoder writes, e.g. "writes e, g" (features only). */
  writes: DecoderWrites | null;
  value: number;
  preActivation: number;
  attribution: number;
  ablated: boolean;
  pinned: boolean;
  /** Graph node ids drawn as this node (itself, or a supernode's members). */
  members: string[];
  testId: string;
}

export interface DisplayEdge {
  source: string;
  target: string;
  weight: number;
}

export interface DisplayGraph {
  nodes: DisplayNode[];
  edges: DisplayEdge[];
  rows: number;
}

export interface DisplayInput {
  kind: TranscoderKind;
  graph: AttributionGraph;
  pruned: PrunedGraph;
  ui: KindGraphState;
  pinnedOnly: boolean;
  /** matchFeatures' result for this transcoder. */
  matches: readonly (readonly (FeatureMatch | null)[])[];
  /** decoderWrites' result for this transcoder (none: no write labels). */
  writes?: readonly (readonly DecoderWrites[])[];
  /** This transcoder's ablated features. */
  ablated: readonly { layer: number; feature: number }[];
}

/** "L0·f3", as the other views write a feature. */
export function defaultLabel(n: Pick<GraphNode, 'kind' | 'layer' | 'index' | 'label'>): string {
  if (n.kind === 'feature') return `L${n.layer}·f${n.index}`;
  return n.label;
}

/** A graph node id as people read it: `L0-F3` → "L0·f3", others unchanged. */
export function prettyId(id: string): string {
  const m = /^L(\d+)-F(\d+)$/.exec(id);
  return m ? `L${m[1]}·f${m[2]}` : id;
}

/** The data-testid of a node: `node-clt-L0-3`, `node-clt-out`, `node-clt-in-a`, `node-clt-err-1`, `node-clt-S1`. */
export function nodeTestId(kind: TranscoderKind, n: { shape: DisplayShape; layer: number; index: number; id: string }): string {
  if (n.shape === 'feature') return `node-${kind}-L${n.layer}-${n.index}`;
  return `node-${kind}-${n.id}`;
}

/** strong: r ≥ MATCH_MIN, its "≈ e" drawn on the node; none: not drawn (below, the best match is only in the tooltip). */
export function matchStrength(m: FeatureMatch | null): 'strong' | 'none' {
  return m && m.r >= MATCH_MIN ? 'strong' : 'none';
}

/** "≈ e (r = 0.99)", marked when too weak to be drawn as a label. */
export function matchText(m: FeatureMatch | null): string {
  if (!m) return 'no ground-truth match';
  return `${m.label} (r = ${m.r.toFixed(2)})${m.r >= MATCH_MIN ? '' : `, too weak for a label (below ${MATCH_MIN})`}`;
}

/** The tooltip line for what a feature's decoder writes, with the rule. */
export function writesText(w: DecoderWrites | null): string {
  return w ? `${w.label} (dims with |decoder weight| ≥ ½ of its largest)` : 'decoder not known';
}

/** Graph node id → supernode id, for members of this graph's supernodes. */
export function supernodeOf(ui: KindGraphState): Map<string, string> {
  const map = new Map<string, string>();
  for (const s of ui.supernodes) for (const m of s.members) map.set(m, s.id);
  return map;
}

function fromGraphNode(kind: TranscoderKind, n: GraphNode, input: DisplayInput): DisplayNode {
  const feature = n.kind === 'feature';
  const shape: DisplayShape = n.kind;
  return {
    id: n.id,
    shape,
    row: n.layer + 1,
    order: n.kind === 'error' ? Number.MAX_SAFE_INTEGER : n.index,
    layer: n.layer,
    index: n.index,
    label: labelOf(input.ui, n.id) ?? defaultLabel(n),
    match: feature ? (input.matches[n.layer]?.[n.index] ?? null) : null,
    writes: feature ? (input.writes?.[n.layer]?.[n.index] ?? null) : null,
    value: n.value,
    preActivation: n.preActivation,
    attribution: n.attribution,
    ablated: false,
    pinned: input.ui.pinned.includes(n.id),
    members: [n.id],
    testId: nodeTestId(kind, { shape, layer: n.layer, index: n.index, id: n.id }),
  };
}

/** Builds what the drawer shows for one graph (see the file comment for the order of steps). */
export function displayGraph(input: DisplayInput): DisplayGraph {
  const { kind, graph, pruned, ui } = input;
  const rows = graph.layers + 2;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const shown = new Map<string, DisplayNode>();
  for (const n of pruned.nodes) shown.set(n.id, fromGraphNode(kind, n, input));
  for (const id of ui.pinned) {
    const n = byId.get(id);
    if (n && !shown.has(id)) shown.set(id, fromGraphNode(kind, n, input));
  }
  const ghosts: DisplayNode[] = input.ablated.map(({ layer, feature }) => {
    const id = featureId(layer, feature);
    const base = { kind: 'feature' as const, layer, index: feature, label: '' };
    return {
      id, shape: 'feature', row: layer + 1, order: feature, layer, index: feature,
      label: labelOf(ui, id) ?? defaultLabel(base),
      match: input.matches[layer]?.[feature] ?? null,
      writes: input.writes?.[layer]?.[feature] ?? null,
      value: 0, preActivation: 0, attribution: 0, ablated: true,
      pinned: ui.pinned.includes(id), members: [id],
      testId: nodeTestId(kind, { shape: 'feature', layer, index: feature, id }),
    };
  });

  // Supernodes: members shown (not ablated ghosts) merge into one node each.
  const owner = supernodeOf(ui);
  const merged = new Map<string, DisplayNode>();
  for (const n of shown.values()) {
    const sid = owner.get(n.id);
    if (sid === undefined || n.shape === 'output') continue;
    const sn = ui.supernodes.find((s) => s.id === sid);
    const prev = merged.get(sid);
    if (!prev) {
      merged.set(sid, {
        ...n, id: sid, shape: 'supernode', layer: n.layer, index: -1, order: Number.MAX_SAFE_INTEGER - 1,
        label: sn?.label || sid, match: null, writes: null, pinned: ui.pinned.includes(sid), members: [n.id],
        testId: nodeTestId(kind, { shape: 'supernode', layer: -1, index: -1, id: sid }),
      });
    } else {
      prev.row = Math.min(prev.row, n.row);
      prev.layer = Math.min(prev.layer, n.layer);
      prev.value += n.value;
      prev.preActivation += n.preActivation;
      prev.attribution += n.attribution;
      prev.members.push(n.id);
    }
  }
  const mapId = (id: string): string => (merged.has(owner.get(id) ?? '') ? (owner.get(id) as string) : id);

  let nodes = [...[...shown.values()].filter((n) => mapId(n.id) === n.id), ...merged.values()];
  for (const g of ghosts) if (!nodes.some((n) => n.id === g.id)) nodes.push(g);
  nodes = nodes.filter((n) => n.shape === 'output' || !ui.hidden.includes(n.id));
  if (input.pinnedOnly) nodes = nodes.filter((n) => n.shape === 'output' || n.pinned || n.members.some((m) => ui.pinned.includes(m)));
  const keep = new Set(nodes.map((n) => n.id));

  const sums = new Map<string, DisplayEdge>();
  for (const e of pruned.edges) {
    const source = mapId(e.source);
    const target = mapId(e.target);
    if (source === target || !keep.has(source) || !keep.has(target)) continue;
    const key = `${source}>${target}`;
    const prev = sums.get(key);
    if (prev) prev.weight += e.weight;
    else sums.set(key, { source, target, weight: e.weight });
  }
  nodes.sort((a, b) => a.row - b.row || a.order - b.order || (a.id < b.id ? -1 : 1));
  return { nodes, edges: [...sums.values()], rows };
}

export interface NodeEdges {
  incoming: DisplayEdge[];
  outgoing: DisplayEdge[];
}

/**
 * The strongest edges into and out of a node in the whole (unpruned) graph, other endpoints
 * mapped to their supernodes and summed, edges inside the node left out.
 */
export function strongestEdges(edges: readonly GraphEdge[], members: readonly string[], ui: KindGraphState, top = 6): NodeEdges {
  const owner = supernodeOf(ui);
  const self = new Set(members);
  const other = (id: string): string => owner.get(id) ?? id;
  const acc = (dir: 'in' | 'out'): DisplayEdge[] => {
    const sums = new Map<string, number>();
    for (const e of edges) {
      const mine = dir === 'in' ? e.target : e.source;
      const far = dir === 'in' ? e.source : e.target;
      if (!self.has(mine) || self.has(far)) continue;
      sums.set(other(far), (sums.get(other(far)) ?? 0) + e.weight);
    }
    const out = [...sums].map(([id, weight]) => (dir === 'in' ? { source: id, target: '', weight } : { source: '', target: id, weight }));
    return out.filter((e) => e.weight !== 0).sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, top);
  };
  return { incoming: acc('in'), outgoing: acc('out') };
}

/** Tooltip lines for a node: exact values and the ground-truth match. */
export function nodeLines(kind: TranscoderKind, n: DisplayNode): string[] {
  const head = `${kind.toUpperCase()} ${n.label}`;
  if (n.ablated) return [head, 'ablated: switched off in this replacement model', 'restore it from its card, or with a click in ablate mode'];
  switch (n.shape) {
    case 'input':
      return [head, `input value ${fmt(n.value)}`, `total effect on the output ${fmt(n.attribution)}`];
    case 'error':
      return [head, `error on the output dim ${fmt(n.value)}`, '(true MLP output − reconstruction)', `effect on the output ${fmt(n.attribution)}`];
    case 'output':
      return [head, `replacement output ${fmt(n.value)}`];
    case 'supernode':
      return [head, `group of ${n.members.length}: ${n.members.map(prettyId).join(', ')}`, `Σ activation ${fmt(n.value)}`, `Σ effect on the output ${fmt(n.attribution)}`];
    default:
      return [
        head,
        `activation ${fmt(n.value)}`,
        `pre-activation ${fmt(n.preActivation)}`,
        `effect on the output ${fmt(n.attribution)}`,
        writesText(n.writes),
        `tracks ${matchText(n.match)}`,
      ];
  }
}

/**
 * The real model's graph (core/attribution/realGraph.ts) as the drawer draws it, unpruned (it is
 * the ground truth: every active neuron and edge is shown). Neurons are named by the dim they
 * write; test ids `node-real-<name>` (node-real-e, node-real-i), `node-real-in-a`, `node-real-out`.
 */
export function realDisplay(graph: AttributionGraph, model: BaseModel): DisplayGraph {
  const keys = neuronKeys(model);
  const nodes: DisplayNode[] = graph.nodes.map((n) => {
    const neuron = n.kind === 'feature';
    const key = neuron ? (keys[n.layer]?.[n.index] ?? n.id) : n.id;
    return {
      id: n.id, shape: n.kind, row: n.layer + 1, order: n.index, layer: n.layer, index: n.index,
      label: neuron ? key : n.label, match: null, writes: null,
      value: n.value, preActivation: n.preActivation, attribution: n.attribution,
      ablated: false, pinned: false, members: [n.id], testId: `node-real-${key}`,
    };
  });
  return { nodes, edges: graph.edges.map((e) => ({ ...e })), rows: graph.layers + 2 };
}

/** Tooltip lines for a node of the real model's graph. */
export function realNodeLines(n: DisplayNode, model: BaseModel): string[] {
  const head = `real model ${n.label}`;
  switch (n.shape) {
    case 'input':
      return [head, `input value ${fmt(n.value)}`, `total effect on the output ${fmt(n.attribution)}`];
    case 'output':
      return [head, `real model output ${fmt(n.value)}`];
    default:
      return [
        head,
        `neuron ${model.layers[n.layer]?.neuronNames[n.index] ?? n.index} of layer ${n.layer}, writes ${model.dimNames[writtenDim(model, n.layer, n.index)] ?? 'nothing'}`,
        `activation ${fmt(n.value)}`,
        `effect on the output ${fmt(n.attribution)}`,
      ];
  }
}
