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
import { attributionGraph, type AttributionGraph } from './graph.ts';
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
