/**
 * Everything the attribution-graph view computes from a snapshot (SPEC §5), as one pure
 * function: the replacement graphs of each member under the interventions, their features'
 * ground-truth matches and decoder writes, and the real model's own graph. The page runs it in
 * the graph-analysis worker, so a wide transcoder or a 12-input circuit never holds its thread.
 */
import type { Cut, DataLayout, TranscoderKind } from '../config.ts';
import type { Ablation, BaseModel } from '../model/baseModel.ts';
import { modelData } from '../run.ts';
import type { Layout } from '../transcoder/layout.ts';
import { attributionGraph, outputRoutes, type AttributionGraph, type GraphEdge, type OutputRoutes } from './graph.ts';
import { pruneGraph, type PrunedGraph } from './prune.ts';
import { decoderWrites, matchFeatures, type DecoderWrites, type FeatureMatch } from './groundTruth.ts';
import { realGraph } from './realGraph.ts';

/** One trained member, as a snapshot carries it. */
export interface AnalysisMember {
  kind: TranscoderKind;
  layout: Layout;
  params: Float64Array;
}

export interface GraphAnalysisInput {
  model: BaseModel;
  /** The data layout the transcoders trained on (SPEC §2). */
  dataLayout: DataLayout;
  /** Members in display order; empty before the first snapshot (then only the real graph). */
  members: readonly AnalysisMember[];
  input: number;
  cuts: readonly Cut[];
  /** Features switched off, per member kind. */
  featureAblations: readonly { kind: TranscoderKind; layer: number; feature: number }[];
  /** CLT decoder pairs switched off. */
  pairsOff: readonly number[];
  neuronAblations: readonly Ablation[];
  /** The pruning threshold the shown graphs are pruned at (`showAnalysis`); the analysis itself does not read it. */
  threshold: number;
}

export interface GraphAnalysis {
  /** Per member, in the input's order. */
  graphs: AttributionGraph[];
  matches: (FeatureMatch | null)[][][];
  writes: DecoderWrites[][][];
  /** The real model's graph under the same cuts and ablations. */
  real: AttributionGraph;
}

/** The training data's statistics, kept for the last model (by `key`) and layout asked. */
export type StatsCache = { key: unknown; layout: DataLayout | null; data: ReturnType<typeof modelData> | null };

export function newStatsCache(): StatsCache {
  return { key: null, layout: null, data: null };
}

/**
 * `modelKey` names the model for the cache (by default the object itself; a worker, which gets a
 * copy each time, passes the key the page gave that model).
 */
export function analyzeGraphs(a: GraphAnalysisInput, cache: StatsCache = newStatsCache(), modelKey: unknown = a.model): GraphAnalysis {
  const { model } = a;
  if (cache.key !== modelKey || cache.layout !== a.dataLayout || !cache.data) {
    cache.key = modelKey;
    cache.layout = a.dataLayout;
    cache.data = modelData(model, a.dataLayout);
  }
  const data = cache.data;
  const graphs: AttributionGraph[] = [];
  const matches: (FeatureMatch | null)[][][] = [];
  const writes: DecoderWrites[][][] = [];
  for (const m of a.members) {
    const tc = { layout: m.layout, params: m.params };
    const pairsOff = m.kind === 'clt' ? a.pairsOff : [];
    matches.push(matchFeatures(tc, data, model));
    graphs.push(
      attributionGraph(tc, data, model, a.input, {
        cuts: a.cuts,
        features: a.featureAblations.filter((f) => f.kind === m.kind).map(({ layer, feature }) => ({ layer, feature })),
        pairsOff,
        ablations: a.neuronAblations,
      }),
    );
    writes.push(decoderWrites(tc, data, model, pairsOff));
  }
  return { graphs, matches, writes, real: realGraph(model, a.input, a.cuts, a.neuronAblations) };
}

/** The maxima the graphs share (`sharedScale`), so equal sizes and widths mean equal values across them. */
export interface SharedScale {
  value: number;
  attribution: number;
  weight: number;
}

export function sharedScale(graphs: readonly AttributionGraph[]): SharedScale {
  let value = 0;
  let attribution = 0;
  let weight = 0;
  for (const g of graphs) {
    for (const n of g.nodes) {
      if (n.kind === 'feature') value = Math.max(value, Math.abs(n.value));
      if (n.kind !== 'output') attribution = Math.max(attribution, Math.abs(n.attribution));
    }
    for (const e of g.edges) weight = Math.max(weight, Math.abs(e.weight));
  }
  return { value, attribution, weight };
}

/**
 * What the graph view draws from an analysis at one pruning threshold: besides the analysis,
 * each member graph pruned, every graph's output routes and the shared scale. Computed where
 * the analysis is, so the page reads no F² edge list on a snapshot.
 */
export interface ShownAnalysis extends GraphAnalysis {
  threshold: number;
  pruned: PrunedGraph[];
  routes: OutputRoutes[];
  realRoutes: OutputRoutes;
  scale: SharedScale;
}

export function showAnalysis(a: GraphAnalysis, threshold: number): ShownAnalysis {
  return {
    ...a,
    threshold,
    pruned: a.graphs.map((g) => pruneGraph(g, threshold)),
    routes: a.graphs.map((g) => outputRoutes(g)),
    realRoutes: outputRoutes(a.real),
    scale: sharedScale([a.real, ...a.graphs]),
  };
}

/** A member graph with its edges as three typed arrays (node indices and weights): cheap to post between threads. */
export interface PackedGraph extends Omit<AttributionGraph, 'edges'> {
  edgeSource: Int32Array;
  edgeTarget: Int32Array;
  edgeWeight: Float64Array;
}

export type PackedAnalysis = Omit<ShownAnalysis, 'graphs'> & { graphs: PackedGraph[] };

export function packAnalysis(a: ShownAnalysis): PackedAnalysis {
  return { ...a, graphs: a.graphs.map(packGraph) };
}

/** The analysis back, each graph's edge list rebuilt only when something reads it (a node card, an export). */
export function unpackAnalysis(p: PackedAnalysis): ShownAnalysis {
  return { ...p, graphs: p.graphs.map(unpackGraph) };
}

function packGraph(g: AttributionGraph): PackedGraph {
  const index = new Map(g.nodes.map((n, i) => [n.id, i]));
  const E = g.edges.length;
  const edgeSource = new Int32Array(E);
  const edgeTarget = new Int32Array(E);
  const edgeWeight = new Float64Array(E);
  g.edges.forEach((e, k) => {
    edgeSource[k] = index.get(e.source) ?? -1;
    edgeTarget[k] = index.get(e.target) ?? -1;
    edgeWeight[k] = e.weight;
  });
  const rest: Omit<AttributionGraph, 'edges'> & { edges?: unknown } = { ...g };
  delete rest.edges;
  return { ...rest, edgeSource, edgeTarget, edgeWeight };
}

function unpackGraph(p: PackedGraph): AttributionGraph {
  const { edgeSource, edgeTarget, edgeWeight, ...rest } = p;
  let edges: GraphEdge[] | null = null;
  const g = { ...rest } as AttributionGraph;
  Object.defineProperty(g, 'edges', {
    enumerable: true,
    get(): GraphEdge[] {
      edges ??= Array.from(edgeWeight, (weight, k) => ({ source: p.nodes[edgeSource[k]].id, target: p.nodes[edgeTarget[k]].id, weight }));
      return edges;
    },
  });
  return g;
}
