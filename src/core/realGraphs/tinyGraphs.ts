/** Hand-made graphs in circuit-tracer's schema for the tests, with answers worked out by hand in signature.test.ts. */
import { parseRealGraph, type RealGraph } from './parse.ts';

export type NodeSpec = [id: string, type: string, layer: string, extra?: Record<string, unknown>];
export type LinkSpec = [source: string, target: string, weight: number];

export function graphJson(nodes: NodeSpec[], links: LinkSpec[], metadata: Record<string, unknown> = {}) {
  return {
    metadata: { slug: 'tiny', scan: 'tiny-model', prompt: 'x', prompt_tokens: ['x'], schema_version: 1, transcoder_list: [], ...metadata },
    qParams: { pinnedIds: [], supernodes: [], linkType: 'both', clickedId: '', sg_pos: '' },
    nodes: nodes.map(([node_id, feature_type, layer, extra]) => ({
      node_id, feature: 0, layer, ctx_idx: 0, feature_type, token_prob: 0, is_target_logit: false, run_idx: 0,
      reverse_ctx_idx: 0, jsNodeId: node_id, clerp: node_id, influence: null, activation: null, ...extra,
    })),
    links: links.map(([source, target, weight]) => ({ source, target, weight })),
  };
}

export const text = (v: unknown): string => JSON.stringify(v);

export function parsed(v: unknown): RealGraph {
  const r = parseRealGraph(text(v));
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

export function refusal(source: string, bytes?: number): string {
  const r = parseRealGraph(source, bytes);
  if (r.ok) throw new Error('expected a refusal');
  return r.message;
}

/**
 * Two model layers. Embeddings E0, E1; features f0 (layer 0), f1 (layer 1); error node r0
 * (layer 0); logits A (target) and B on layer 3, past the last.
 */
export const NODES: NodeSpec[] = [
  ['E0', 'embedding', 'E'],
  ['E1', 'embedding', 'E'],
  ['f0', 'cross layer transcoder', '0'],
  ['r0', 'mlp reconstruction error', '0'],
  ['f1', 'transcoder', '1'],
  ['A', 'logit', '3', { is_target_logit: true, token_prob: 0.6, clerp: 'Output "A" (p=0.600)' }],
  ['B', 'logit', '3', { token_prob: 0.3 }],
];
export const LINKS: LinkSpec[] = [
  ['E0', 'f0', 2],
  ['E1', 'f0', 1],
  ['E1', 'f1', -1],
  ['f0', 'f1', 3],
  ['r0', 'f1', 1],
  ['f0', 'A', 1],
  ['f1', 'A', 2],
  ['r0', 'A', 1],
  ['f1', 'B', 4],
  ['f0', 'B', -2],
];
export const tiny = () => graphJson(NODES, LINKS);
