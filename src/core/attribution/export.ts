/**
 * Attribution graphs as JSON in the schema circuit-tracer writes and Neuronpedia's graph view
 * loads: `metadata`, `qParams`, `nodes`, `links`. Node ids follow circuit-tracer's scheme:
 * feature `LAYER_FEATURE_POS`, error `LAYER_-1_POS`, embedding `E_VOCAB_POS`, logit
 * `(LAYERS+1)_VOCAB_POS`.
 *
 * Our residual is one vector, not a token sequence. So that the frontend labels each input,
 * input j becomes prompt token j ("a=+1") at ctx_idx j, with vocab index = its residual dim;
 * every feature, error and the output sit at the last position, as logits do in circuit-tracer.
 * circuit-tracer types every transcoder feature 'cross layer transcoder'; a PLT's features are
 * typed 'per layer transcoder' instead, so the file says what made it. `influence` is circuit-tracer's cumulative score: nodes sorted by
 * |attribution to the output|, each gets the running share of the total up to itself, so the
 * frontend's "keep influence ≤ threshold" keeps the most influential nodes.
 */
import type { BaseModel } from '../model/baseModel.ts';
import type { Result } from '../result.ts';
import type { AttributionGraph, GraphEdge, GraphNode } from './graph.ts';

/** A boundary's answer: a value, or a message a person can act on. */

/** One node as circuit-tracer writes it. */
export interface GraphJsonNode {
  node_id: string;
  feature: number | null;
  layer: string;
  ctx_idx: number;
  feature_type: string;
  token_prob: number;
  is_target_logit: boolean;
  run_idx: number;
  reverse_ctx_idx: number;
  jsNodeId: string;
  clerp: string;
  influence: number | null;
  activation: number | null;
}

/** The whole graph file: metadata, saved view state, nodes, links. */
export interface GraphJson {
  metadata: {
    slug: string;
    scan: string;
    transcoder_list: string[];
    prompt_tokens: string[];
    prompt: string;
    node_threshold?: number;
    schema_version: number;
    info?: { description?: string; generator?: { name: string; version?: string } };
  };
  qParams: { pinnedIds: string[]; supernodes: string[][]; linkType: string; clickedId: string; sg_pos: string };
  nodes: GraphJsonNode[];
  links: { source: string; target: string; weight: number }[];
}

/** What the export needs beyond the graph. */
export interface ExportOptions {
  slug: string;
  /** Model id; default `transcoder-lab-` + the model name, slugged. */
  scan?: string;
  /** Graph node id → label (e.g. from matchLabels); default: the node's own label. */
  labels?: ReadonlyMap<string, string>;
  /** A pruned subset to export instead of the whole graph (it must keep the output node). */
  subset?: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] };
  nodeThreshold?: number;
  /** UI state, in graph node ids; ids not in the export are dropped. */
  pinnedIds?: readonly string[];
  supernodes?: readonly { label: string; ids: readonly string[] }[];
  clickedId?: string;
  description?: string;
  /** Which transcoder made the graph: its features' feature_type. Default 'clt'. */
  transcoder?: 'clt' | 'plt';
}

/** circuit-tracer's feature number: the Cantor pairing of (layer, feature index). */
export function cantorPair(x: number, y: number): number {
  return ((x + y) * (x + y + 1)) / 2 + y;
}

/** The JSON node id of one of our graph nodes (see the file comment for the scheme). */
export function jsonNodeId(node: GraphNode, model: BaseModel): string {
  const last = model.inputDims.length - 1;
  if (node.kind === 'input') return `E_${node.index}_${model.inputDims.indexOf(node.index)}`;
  if (node.kind === 'feature') return `${node.layer}_${node.index}_${last}`;
  if (node.kind === 'error') return `${node.layer}_-1_${last}`;
  return `${node.layer + 1}_${node.index}_${last}`;
}

function jsonNode(node: GraphNode, model: BaseModel, clerp: string, influence: number | null, featureType: string): GraphJsonNode {
  const last = model.inputDims.length - 1;
  const common = { token_prob: 0, is_target_logit: false, run_idx: 0, reverse_ctx_idx: 0, clerp, influence, activation: null };
  const node_id = jsonNodeId(node, model);
  switch (node.kind) {
    case 'input': {
      const pos = model.inputDims.indexOf(node.index);
      return { ...common, node_id, feature: pos, layer: 'E', ctx_idx: pos, feature_type: 'embedding', jsNodeId: `E_${node.index}-${pos}` };
    }
    case 'feature':
      return {
        ...common,
        node_id,
        feature: cantorPair(node.layer, node.index),
        layer: String(node.layer),
        ctx_idx: last,
        feature_type: featureType,
        jsNodeId: `${node.layer}_${node.index}-0`,
        activation: node.value,
      };
    case 'error':
      return { ...common, node_id, feature: -1, layer: String(node.layer), ctx_idx: last, feature_type: 'mlp reconstruction error', jsNodeId: `${node.layer}_-1-${last}` };
    case 'output': {
      // The frontend reads a probability out of the clerp; ours is the output value clipped to [0, 1].
      const p = Math.min(1, Math.max(0, node.value));
      return {
        ...common,
        node_id,
        feature: node.index,
        layer: String(node.layer + 1),
        ctx_idx: last,
        feature_type: 'logit',
        token_prob: p,
        is_target_logit: true,
        jsNodeId: `L_${node.index}-${last}`,
        clerp: `Output "${model.dimNames[node.index]}" (p=${p.toFixed(3)})`,
      };
    }
  }
}

/** circuit-tracer's cumulative influence per node id (the output gets none). */
function cumulativeInfluence(nodes: readonly GraphNode[]): Map<string, number> {
  const ranked = nodes.filter((n) => n.kind !== 'output').sort((a, b) => Math.abs(b.attribution) - Math.abs(a.attribution));
  const total = ranked.reduce((s, n) => s + Math.abs(n.attribution), 0);
  const out = new Map<string, number>();
  let run = 0;
  for (const n of ranked) {
    run += Math.abs(n.attribution);
    out.set(n.id, total > 0 ? run / total : 1);
  }
  return out;
}

/** Exports a graph (or a pruned subset of it) in the circuit-tracer / Neuronpedia JSON schema. */
export function exportGraphJson(graph: AttributionGraph, model: BaseModel, opts: ExportOptions): GraphJson {
  const nodes = opts.subset?.nodes ?? graph.nodes;
  const edges = opts.subset?.edges ?? graph.edges;
  const influence = cumulativeInfluence(graph.nodes);
  const featureType = opts.transcoder === 'plt' ? 'per layer transcoder' : 'cross layer transcoder';
  const ids = new Map(nodes.map((n) => [n.id, jsonNodeId(n, model)]));
  const mapIds = (list: readonly string[]): string[] => list.flatMap((id) => (ids.has(id) ? [ids.get(id) as string] : []));
  const k = model.inputDims.length;
  const tokens = model.inputDims.map((d, j) => {
    const v = model.inputs[graph.input * k + j];
    return `${model.dimNames[d]}=${v > 0 ? '+' : ''}${v}`;
  });
  return {
    metadata: {
      slug: opts.slug,
      scan: opts.scan ?? `transcoder-lab-${model.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`,
      transcoder_list: [],
      prompt_tokens: tokens,
      prompt: tokens.join(' '),
      ...(opts.nodeThreshold !== undefined ? { node_threshold: opts.nodeThreshold } : {}),
      schema_version: 1,
      info: { description: opts.description ?? `Attribution graph at input ${graph.input}`, generator: { name: 'Transcoder Lab' } },
    },
    qParams: {
      pinnedIds: mapIds(opts.pinnedIds ?? []),
      supernodes: (opts.supernodes ?? []).map((s) => [s.label, ...mapIds(s.ids)]),
      linkType: 'both',
      clickedId: opts.clickedId !== undefined ? (ids.get(opts.clickedId) ?? '') : '',
      sg_pos: '',
    },
    nodes: nodes.map((n) => jsonNode(n, model, opts.labels?.get(n.id) ?? n.label, influence.get(n.id) ?? null, featureType)),
    links: edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ source: ids.get(e.source) as string, target: ids.get(e.target) as string, weight: e.weight })),
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Checks an object against the graph schema (Neuronpedia's graph JSON schema: required
 * fields and types), plus what loaders rely on: unique node ids, a logit node, and links whose
 * endpoints are nodes.
 */
export function validateGraphJson(obj: unknown): Result<GraphJson> {
  const fail = (message: string): Result<GraphJson> => ({ ok: false, message });
  if (!isObj(obj)) return fail('graph JSON must be an object');
  for (const key of ['metadata', 'qParams', 'nodes', 'links']) if (!(key in obj)) return fail(`graph JSON lacks "${key}"`);
  const { metadata: m, qParams: q, nodes, links } = obj;
  if (!isObj(m)) return fail('"metadata" must be an object');
  if (typeof m.slug !== 'string' || typeof m.scan !== 'string' || typeof m.prompt !== 'string') {
    return fail('metadata needs string "slug", "scan" and "prompt"');
  }
  if (!isStrArray(m.prompt_tokens)) return fail('metadata.prompt_tokens must be an array of strings');
  if (m.node_threshold !== undefined && m.node_threshold !== null && !isNum(m.node_threshold)) return fail('metadata.node_threshold must be a number');
  if (!isObj(q)) return fail('"qParams" must be an object');
  if (q.pinnedIds !== undefined && !isStrArray(q.pinnedIds)) return fail('qParams.pinnedIds must be an array of strings');
  if (q.supernodes !== undefined && !(Array.isArray(q.supernodes) && q.supernodes.every(isStrArray))) {
    return fail('qParams.supernodes must be an array of [label, ...node ids]');
  }
  for (const key of ['linkType', 'clickedId', 'sg_pos']) if (q[key] !== undefined && typeof q[key] !== 'string') return fail(`qParams.${key} must be a string`);
  if (!Array.isArray(nodes)) return fail('"nodes" must be an array');
  if (!Array.isArray(links)) return fail('"links" must be an array');
  const ids = new Set<string>();
  for (const [i, n] of nodes.entries()) {
    const where = `nodes[${i}]`;
    if (!isObj(n)) return fail(`${where} must be an object`);
    if (typeof n.node_id !== 'string' || n.node_id === '') return fail(`${where}.node_id must be a non-empty string`);
    if (ids.has(n.node_id)) return fail(`${where}: duplicate node_id "${n.node_id}"`);
    ids.add(n.node_id);
    if (n.feature !== null && !Number.isInteger(n.feature)) return fail(`${where}.feature must be an integer or null`);
    if (typeof n.layer !== 'string' && !Number.isInteger(n.layer)) return fail(`${where}.layer must be a string or an integer`);
    if (!Number.isInteger(n.ctx_idx)) return fail(`${where}.ctx_idx must be an integer`);
    if (typeof n.feature_type !== 'string') return fail(`${where}.feature_type must be a string`);
    if (typeof n.jsNodeId !== 'string') return fail(`${where}.jsNodeId must be a string`);
    if (typeof n.clerp !== 'string') return fail(`${where}.clerp must be a string`);
    for (const key of ['influence', 'activation']) {
      if (n[key] !== undefined && n[key] !== null && !isNum(n[key])) return fail(`${where}.${key} must be a number or null`);
    }
  }
  if (!nodes.some((n: Record<string, unknown>) => n.feature_type === 'logit')) return fail('graph JSON has no logit node');
  for (const [i, e] of links.entries()) {
    const where = `links[${i}]`;
    if (!isObj(e)) return fail(`${where} must be an object`);
    if (typeof e.source !== 'string' || typeof e.target !== 'string') return fail(`${where} needs string "source" and "target"`);
    if (!isNum(e.weight)) return fail(`${where}.weight must be a finite number`);
    if (!ids.has(e.source)) return fail(`${where}.source "${e.source}" is not a node`);
    if (!ids.has(e.target)) return fail(`${where}.target "${e.target}" is not a node`);
  }
  return { ok: true, value: obj as unknown as GraphJson };
}
