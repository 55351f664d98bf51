/**
 * One graph file, read and reduced to what the panel and the CLI show (SPEC §6): where it came
 * from, its size, and its depth signatures. Plain data, so it crosses the worker boundary as is.
 */
import type { Result } from '../result.ts';
import { guessKind, type KindGuess } from './kind.ts';
import { parseRealGraph, type RealGraph } from './parse.ts';
import { circuitSignature, directSignature, featureCounts, meanPathLength, type LayerSignature } from './signature.ts';

export interface RealGraphSummary {
  file: string;
  /** metadata.scan (Neuronpedia's model id, e.g. "gemma-2-2b"). */
  model: string;
  prompt: string;
  /** The transcoders named by the metadata (transcoder_set, else the Neuronpedia source set, else transcoder_list), or null. */
  transcoderSet: string | null;
  nodes: number;
  links: number;
  featureNodes: number;
  /** Pruning thresholds the graph was made with, where the file records them. */
  pruning: { node: number | null; edge: number | null };
  target: { id: string; label: string; prob: number | null };
  layers: number;
  direct: LayerSignature;
  circuit: LayerSignature;
  /** Feature nodes per layer. */
  features: number[];
  meanPathLength: number | null;
  guess: KindGuess;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function transcoderSet(metadata: Record<string, unknown>): string | null {
  const info = (typeof metadata.info === 'object' && metadata.info !== null ? metadata.info : {}) as Record<string, unknown>;
  const list = Array.isArray(metadata.transcoder_list) ? metadata.transcoder_list.filter((s) => typeof s === 'string') : [];
  return text(info.transcoder_set) ?? text(info.neuronpedia_source_set) ?? (list.length > 0 ? list.join(', ') : null);
}

/** The summary of a graph already parsed. */
export function summarizeGraph(graph: RealGraph, file: string): RealGraphSummary {
  const m = graph.metadata;
  const pruning = (typeof m.pruning_settings === 'object' && m.pruning_settings !== null ? m.pruning_settings : {}) as Record<string, unknown>;
  const features = featureCounts(graph);
  return {
    file,
    model: m.scan,
    prompt: m.prompt,
    transcoderSet: transcoderSet(m),
    nodes: graph.ids.length,
    links: graph.weight.length,
    featureNodes: features.reduce((s, v) => s + v, 0),
    pruning: { node: num(pruning.node_threshold) ?? num(m.node_threshold), edge: num(pruning.edge_threshold) },
    target: { id: graph.ids[graph.targetNode], label: graph.targetLabel, prob: graph.targetProb },
    layers: graph.layers,
    direct: directSignature(graph),
    circuit: circuitSignature(graph),
    features,
    meanPathLength: meanPathLength(graph),
    guess: guessKind(m),
  };
}

/** Parses, checks and summarizes one graph file's text; `bytes` is the file's size. */
export function summarizeGraphText(source: string, file: string, bytes = source.length): Result<RealGraphSummary> {
  const parsed = parseRealGraph(source, bytes);
  return parsed.ok ? { ok: true, value: summarizeGraph(parsed.value, file) } : parsed;
}

/** A layer-indexed array as the CLI's JSON writes it: keys are layer numbers as strings. */
function byLayer(values: readonly number[]): Record<string, number> {
  return Object.fromEntries(values.map((v, l) => [String(l), v]));
}

/** The CONTRACTS §1 shape of one graph in `npm run depth -- --json`. */
export function depthJson(s: RealGraphSummary) {
  return {
    file: s.file,
    target: s.target.id,
    layers: Array.from({ length: s.layers }, (_, l) => l),
    direct: { share: byLayer(s.direct.share), cumulative: byLayer(s.direct.cumulative) },
    circuit: { share: byLayer(s.circuit.share), cumulative: byLayer(s.circuit.cumulative) },
    features: byLayer(s.features),
    meanPathLength: s.meanPathLength,
  };
}
