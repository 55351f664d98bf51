/**
 * Reading a real model's attribution graph (SPEC §6): circuit-tracer's JSON, as Neuronpedia
 * exports it and as our own export writes it, checked and turned into flat arrays the
 * signatures read. Every refusal names the problem and, where there is one, the first node or
 * link at fault.
 */
import { validateGraphJson, type GraphJson } from '../attribution/export.ts';
import type { Result } from '../result.ts';
import { quote } from '../text.ts';

/** Largest file read, in bytes (50 MB). */
export const MAX_GRAPH_BYTES = 50_000_000;
/** Most links a graph may have. */
export const MAX_GRAPH_LINKS = 500_000;

/** What a node is, read from its `feature_type` (never from its layer). */
export type RealNodeKind = 'feature' | 'error' | 'embedding' | 'logit';

/** circuit-tracer's feature types, by the kind each stands for. */
export const FEATURE_TYPES: Readonly<Record<string, RealNodeKind>> = {
  'cross layer transcoder': 'feature',
  transcoder: 'feature',
  'per layer transcoder': 'feature',
  'mlp reconstruction error': 'error',
  embedding: 'embedding',
  logit: 'logit',
};

/** A checked graph: nodes and links as parallel arrays, nodes in topological order of the links. */
export interface RealGraph {
  metadata: GraphJson['metadata'] & Record<string, unknown>;
  /** node_id per node, in file order. */
  ids: string[];
  kinds: RealNodeKind[];
  /** Layer per node: its number for features and errors, −1 for embeddings, the logit's own layer number or −1. */
  layer: Int32Array;
  /** Index of each link's source and target node, and its weight. */
  source: Int32Array;
  target: Int32Array;
  weight: Float64Array;
  /** The target logit's node index (is_target_logit, else the logit of highest token_prob). */
  targetNode: number;
  /** The target's clerp (e.g. 'Output " insect" (p=0.617)') and token_prob. */
  targetLabel: string;
  targetProb: number | null;
  /** Model layers 0..layers−1 (features and errors sit on them; logits sit past the last). */
  layers: number;
  /** Node indices such that every link goes from an earlier to a later one. */
  order: Int32Array;
}

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Python's json writes NaN and Infinity bare; read them as strings so the weight check can name the link. */
const BARE_NON_FINITE = /(?<=[:,[]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g;

function parseJson(text: string): Result<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const quoted = text.replace(BARE_NON_FINITE, '"$1"');
    if (quoted !== text) {
      try {
        return { ok: true, value: JSON.parse(quoted) };
      } catch {
        // Not only the bare numbers: report the original error.
      }
    }
    return fail(`not JSON (${quote(message, 120)})`);
  }
}

function describeWeight(w: unknown): string {
  if (w === undefined) return 'no weight';
  return `weight ${typeof w === 'string' ? w : JSON.stringify(w)}`;
}

function linkName(i: number, e: Record<string, unknown>): string {
  return `links[${i}] (${quote(String(e.source))} → ${quote(String(e.target))})`;
}

/** The links' own checks, before the schema's: non-finite weights and endpoints that are not nodes. */
function checkLinks(nodes: readonly unknown[], links: readonly unknown[]): string | null {
  for (let i = 0; i < links.length; i++) {
    const e = links[i];
    if (!isObj(e)) continue;
    if (typeof e.weight !== 'number' || !Number.isFinite(e.weight)) {
      return `${linkName(i, e)} has ${describeWeight(e.weight)}; every weight must be a finite number`;
    }
  }
  const ids = new Set<unknown>();
  for (const n of nodes) if (isObj(n)) ids.add(n.node_id);
  for (let i = 0; i < links.length; i++) {
    const e = links[i];
    if (!isObj(e)) continue;
    for (const end of ['source', 'target'] as const) {
      if (!ids.has(e[end])) return `${linkName(i, e)} points to a missing node: its ${end} ${quote(String(e[end]))} is not in "nodes"`;
    }
  }
  return null;
}

/** A layer number from circuit-tracer's string ("0", "12") or an integer; null otherwise. */
function layerNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : null;
  if (typeof v === 'string' && /^\d{1,6}$/.test(v)) return Number(v);
  return null;
}

/**
 * Kahn's order over every link. On a cycle, returns a node on it: walking back from any node
 * left over along links from other left-over nodes must come round to a node seen before.
 */
function topologicalOrder(n: number, source: Int32Array, target: Int32Array): { order: Int32Array } | { cycleNode: number } {
  const indegree = new Int32Array(n);
  const start = new Int32Array(n + 1);
  for (let k = 0; k < source.length; k++) {
    indegree[target[k]]++;
    start[source[k] + 1]++;
  }
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const next = new Int32Array(source.length);
  const fill = start.slice(0, n);
  for (let k = 0; k < source.length; k++) next[fill[source[k]]++] = target[k];
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let v = 0; v < n; v++) if (indegree[v] === 0) order[tail++] = v;
  while (head < tail) {
    const v = order[head++];
    for (let j = start[v]; j < start[v + 1]; j++) if (--indegree[next[j]] === 0) order[tail++] = next[j];
  }
  if (tail === n) return { order };
  const from = new Int32Array(n).fill(-1);
  for (let k = 0; k < source.length; k++) if (indegree[source[k]] > 0 && indegree[target[k]] > 0) from[target[k]] = source[k];
  const seen = new Uint8Array(n);
  let v = 0;
  while (indegree[v] === 0) v++;
  while (!seen[v]) {
    seen[v] = 1;
    v = from[v];
  }
  return { cycleNode: v };
}

/** Why a file of `bytes` bytes is not read, or null when it may be. */
export function sizeProblem(bytes: number): string | null {
  return bytes > MAX_GRAPH_BYTES ? `the file is ${(bytes / 1e6).toFixed(1)} MB; graphs up to ${MAX_GRAPH_BYTES / 1e6} MB are read` : null;
}

/**
 * Parses and checks one graph file. `bytes` is the file's size (default: the text's length);
 * a file over MAX_GRAPH_BYTES is refused before it is parsed.
 */
export function parseRealGraph(text: string, bytes = text.length): Result<RealGraph> {
  const tooBig = sizeProblem(bytes);
  if (tooBig) return fail(tooBig);
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const obj = parsed.value;
  if (isObj(obj) && Array.isArray(obj.links) && Array.isArray(obj.nodes)) {
    if (obj.links.length > MAX_GRAPH_LINKS) {
      return fail(`the graph has ${obj.links.length.toLocaleString('en-US')} links; at most ${MAX_GRAPH_LINKS.toLocaleString('en-US')} are read (prune it harder)`);
    }
    const problem = checkLinks(obj.nodes, obj.links);
    if (problem) return fail(problem);
  }
  const schema = validateGraphJson(obj);
  if (!schema.ok) return fail(`wrong schema: ${schema.message}`);
  const json = schema.value;

  const n = json.nodes.length;
  const ids = new Array<string>(n);
  const kinds = new Array<RealNodeKind>(n);
  const layer = new Int32Array(n);
  const index = new Map<string, number>();
  let layers = 0;
  let targetNode = -1;
  let bestLogit = -1;
  for (let i = 0; i < n; i++) {
    const node = json.nodes[i];
    const where = `nodes[${i}] (${quote(node.node_id)})`;
    const kind = Object.hasOwn(FEATURE_TYPES, node.feature_type) ? FEATURE_TYPES[node.feature_type] : undefined;
    if (!kind) return fail(`${where} has feature_type ${quote(node.feature_type)}; expected one of ${Object.keys(FEATURE_TYPES).join(', ')}`);
    ids[i] = node.node_id;
    kinds[i] = kind;
    index.set(node.node_id, i);
    const l = layerNumber(node.layer);
    if (kind === 'feature' || kind === 'error') {
      if (l === null) return fail(`${where} is a ${node.feature_type} node with layer ${quote(String(node.layer))}; it needs a layer number`);
      layers = Math.max(layers, l + 1);
    }
    layer[i] = kind === 'embedding' || l === null ? -1 : l;
    if (kind === 'logit') {
      // circuit-tracer puts the logits one past the layer after the last (n_layers + 1).
      if (l !== null) layers = Math.max(layers, l - 1);
      if (node.is_target_logit === true && targetNode < 0) targetNode = i;
      const p = typeof node.token_prob === 'number' && Number.isFinite(node.token_prob) ? node.token_prob : -Infinity;
      if (bestLogit < 0 || p > (json.nodes[bestLogit].token_prob ?? -Infinity)) bestLogit = i;
    }
  }
  if (bestLogit < 0) return fail('the graph has no logit node, so there is no target');
  if (targetNode < 0) targetNode = bestLogit;

  const m = json.links.length;
  const source = new Int32Array(m);
  const target = new Int32Array(m);
  const weight = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const e = json.links[k];
    source[k] = index.get(e.source) as number;
    target[k] = index.get(e.target) as number;
    weight[k] = e.weight;
  }
  const sorted = topologicalOrder(n, source, target);
  if ('cycleNode' in sorted) return fail(`the links form a cycle through node ${quote(ids[sorted.cycleNode])}; an attribution graph has none`);
  const { clerp, token_prob } = json.nodes[targetNode];
  return {
    ok: true,
    value: {
      metadata: json.metadata as RealGraph['metadata'],
      ids, kinds, layer, source, target, weight, targetNode, layers, order: sorted.order,
      targetLabel: clerp,
      targetProb: typeof token_prob === 'number' && Number.isFinite(token_prob) ? token_prob : null,
    },
  };
}
