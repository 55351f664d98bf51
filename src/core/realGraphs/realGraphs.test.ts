/** SPEC §6 on hand-made graphs with answers worked out by hand, every refusal, and the real fixture pair. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportGraphJson } from '../attribution/export.ts';
import { attributionGraph } from '../attribution/graph.ts';
import { baseModelTranscoder } from '../attribution/groundTruth.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { guessKind } from './kind.ts';
import { MAX_GRAPH_BYTES, MAX_GRAPH_LINKS, parseRealGraph, type RealGraph } from './parse.ts';
import { circuitSignature, directSignature, featureCounts, meanPathLength } from './signature.ts';
import { csvField, depthCsv, depthShare } from './csv.ts';
import { depthJson, summarizeGraphText } from './summary.ts';

type NodeSpec = [id: string, type: string, layer: string, extra?: Record<string, unknown>];
type LinkSpec = [source: string, target: string, weight: number];

function graphJson(nodes: NodeSpec[], links: LinkSpec[], metadata: Record<string, unknown> = {}) {
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

const text = (v: unknown): string => JSON.stringify(v);

function parsed(v: unknown): RealGraph {
  const r = parseRealGraph(text(v));
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function refusal(source: string, bytes?: number): string {
  const r = parseRealGraph(source, bytes);
  if (r.ok) throw new Error('expected a refusal');
  return r.message;
}

/**
 * Two model layers. Embeddings E0, E1; features f0 (layer 0), f1 (layer 1); error node r0
 * (layer 0); logits A (target) and B on layer 3, past the last.
 */
const NODES: NodeSpec[] = [
  ['E0', 'embedding', 'E'],
  ['E1', 'embedding', 'E'],
  ['f0', 'cross layer transcoder', '0'],
  ['r0', 'mlp reconstruction error', '0'],
  ['f1', 'transcoder', '1'],
  ['A', 'logit', '3', { is_target_logit: true, token_prob: 0.6, clerp: 'Output "A" (p=0.600)' }],
  ['B', 'logit', '3', { token_prob: 0.3 }],
];
const LINKS: LinkSpec[] = [
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
const tiny = () => graphJson(NODES, LINKS);

describe('depth signatures of a hand-made graph (SPEC §6)', () => {
  const g = parsed(tiny());

  it('reads layers past the logits, node kinds from feature_type, and the flagged target', () => {
    expect(g.layers).toBe(2);
    expect(g.kinds).toEqual(['embedding', 'embedding', 'feature', 'error', 'feature', 'logit', 'logit']);
    expect(g.ids[g.targetNode]).toBe('A');
    expect(g.targetLabel).toBe('Output "A" (p=0.600)');
  });

  it('direct signature: positive feature links into the target, by source layer', () => {
    // f0 → A 1, f1 → A 2 (r0 → A is an error node, f1 → B goes elsewhere).
    const d = directSignature(g);
    expect(d.total).toBe(3);
    expect(d.share).toEqual([1 / 3, 2 / 3]);
    expect(d.cumulative).toEqual([1 / 3, 1]);
  });

  it('circuit signature: every positive feature link, by source layer', () => {
    // Layer 0: f0 → f1 3 + f0 → A 1 = 4 (f0 → B is negative); layer 1: f1 → A 2 + f1 → B 4 = 6.
    const c = circuitSignature(g);
    expect(c.total).toBe(10);
    expect(c.share).toEqual([0.4, 0.6]);
    expect(c.cumulative[0]).toBe(0.4);
    expect(c.cumulative[1]).toBeCloseTo(1, 15);
  });

  it('counts feature nodes per layer, not error nodes', () => {
    expect(featureCounts(g)).toEqual([1, 1]);
  });

  it('mean path length: every path into the target weighted by its normalized links', () => {
    // Paths into A with their weights (positive links into a node normalized to sum 1):
    // E0→f0→A 2/3·1/4, E1→f0→A 1/3·1/4 (length 2); E0→f0→f1→A 2/3·3/4·2/4, E1→f0→f1→A 1/3·3/4·2/4 (3);
    // r0→f1→A 1/4·2/4 (2); r0→A 1/4 (1). Σ weights = 1; Σ weight·length = 17/8.
    expect(meanPathLength(g)).toBeCloseTo(17 / 8, 14);
  });

  it('is null when no positive link reaches the target', () => {
    const none = parsed(graphJson(NODES, [['E0', 'f0', 1], ['f0', 'A', -1]]));
    expect(meanPathLength(none)).toBeNull();
    expect(directSignature(none)).toEqual({ share: [0, 0], cumulative: [0, 0], total: 0 });
  });

  it('without a flagged target, takes the logit of highest token_prob', () => {
    const nodes = NODES.map(([id, type, layer, extra]): NodeSpec => [id, type, layer, { ...extra, is_target_logit: false, token_prob: id === 'B' ? 0.9 : 0.1 }]);
    const h = parsed(graphJson(nodes, LINKS));
    expect(h.ids[h.targetNode]).toBe('B');
    expect(directSignature(h).share).toEqual([0, 1]); // f0 → B is negative.
    // Into B: f1 only, so len(B) = 1 + len(f1) = 1 + 7/4.
    expect(meanPathLength(h)).toBeCloseTo(11 / 4, 14);
  });

  it('counts the layers up to the one before the logits, even where they hold no feature', () => {
    const nodes = NODES.map(([id, type, layer, extra]): NodeSpec => [id, type, type === 'logit' ? '27' : layer, extra]);
    const h = parsed(graphJson(nodes, LINKS));
    expect(h.layers).toBe(26);
    expect(featureCounts(h).slice(0, 3)).toEqual([1, 1, 0]);
    expect(circuitSignature(h).cumulative[25]).toBeCloseTo(1, 15);
  });

  it('writes the CLI JSON with layer numbers as string keys', () => {
    const r = summarizeGraphText(text(tiny()), 'tiny.json');
    if (!r.ok) throw new Error(r.message);
    expect(depthJson(r.value)).toEqual({
      file: 'tiny.json',
      target: 'A',
      layers: [0, 1],
      direct: { share: { 0: 1 / 3, 1: 2 / 3 }, cumulative: { 0: 1 / 3, 1: 1 } },
      circuit: { share: { 0: 0.4, 1: 0.6 }, cumulative: { 0: 0.4, 1: r.value.circuit.cumulative[1] } },
      features: { 0: 1, 1: 1 },
      meanPathLength: r.value.meanPathLength,
    });
    expect(Object.keys(depthJson(r.value).features)).toEqual(['0', '1']);
  });
});

describe('refusals', () => {
  it('a file over 50 MB, before reading it', () => {
    expect(refusal(text(tiny()), MAX_GRAPH_BYTES + 1)).toMatch(/50\.0 MB; graphs up to 50 MB/);
  });

  it('not JSON', () => {
    expect(refusal('{"nodes": [')).toMatch(/^not JSON \(/);
    expect(refusal('')).toMatch(/^not JSON/);
  });

  it('the wrong schema', () => {
    expect(refusal('[1, 2]')).toBe('wrong schema: graph JSON must be an object');
    expect(refusal(text({ nodes: [], links: [] }))).toBe('wrong schema: graph JSON lacks "metadata"');
    const noPrompt = tiny() as { metadata: Record<string, unknown> };
    delete noPrompt.metadata.prompt;
    expect(refusal(text(noPrompt))).toMatch(/wrong schema: metadata needs string "slug", "scan" and "prompt"/);
  });

  it('an unknown feature_type, or a feature without a layer number', () => {
    const odd = graphJson([...NODES, ['x', 'attention head', '0']], LINKS);
    expect(refusal(text(odd))).toMatch(/nodes\[7\] \('x'\) has feature_type 'attention head'; expected one of/);
    const eLayer = graphJson(NODES.map(([id, type, layer, extra]): NodeSpec => [id, type, id === 'f1' ? 'E' : layer, extra]), LINKS);
    expect(refusal(text(eLayer))).toMatch(/nodes\[4\] \('f1'\) is a transcoder node with layer 'E'; it needs a layer number/);
  });

  it('a link to a missing node, naming the first such link', () => {
    const ghost = graphJson(NODES, [...LINKS, ['f0', 'ghost', 1], ['spook', 'A', 1]]);
    expect(refusal(text(ghost))).toBe(`links[10] ('f0' → 'ghost') points to a missing node: its target 'ghost' is not in "nodes"`);
  });

  it('a cycle, naming a node on it (not one downstream of it)', () => {
    const loop = graphJson(NODES, [...LINKS, ['f1', 'f0', 0.5]]);
    const message = refusal(text(loop));
    expect(message).toMatch(/^the links form a cycle through node '(f0|f1)'/);
    expect(refusal(text(graphJson(NODES, [['f0', 'f0', 1], ['f0', 'A', 1]])))).toMatch(/cycle through node 'f0'/);
  });

  it('no logit node', () => {
    const noLogit = graphJson(NODES.filter(([, type]) => type !== 'logit'), LINKS.filter(([, t]) => t !== 'A' && t !== 'B'));
    expect(refusal(text(noLogit))).toMatch(/no logit node/);
  });

  it('NaN and infinite weights, bare as Python writes them or as strings', () => {
    const bare = text(tiny()).replace('"weight":3', '"weight":NaN');
    expect(refusal(bare)).toBe(`links[3] ('f0' → 'f1') has weight NaN; every weight must be a finite number`);
    const inf = text(tiny()).replace('"weight":-2', '"weight": -Infinity');
    expect(refusal(inf)).toMatch(/links\[9\] \('f0' → 'B'\) has weight -Infinity/);
    const missing = tiny() as { links: Record<string, unknown>[] };
    delete missing.links[0].weight;
    expect(refusal(text(missing))).toMatch(/links\[0\] \('E0' → 'f0'\) has no weight/);
  });

  it('more than 500,000 links', () => {
    const many = `{"metadata": {}, "qParams": {}, "nodes": [], "links": [${'{},'.repeat(MAX_GRAPH_LINKS)}{}]}`;
    expect(refusal(many)).toBe('the graph has 500,001 links; at most 500,000 are read (prune it harder)');
  });
});

describe('the kind, from the metadata (never from feature_type)', () => {
  it('reads the transcoder set, the Neuronpedia source set, our own export slug', () => {
    expect(guessKind({ info: { transcoder_set: 'mntss/clt-gemma-2-2b-2.5M' } }).kind).toBe('clt');
    expect(guessKind({ info: { neuronpedia_source_set: 'gemmascope-transcoder-16k' } }).kind).toBe('plt');
    expect(guessKind({ scan: 'transcoder-lab-xor-and', slug: 'transcoder-lab-plt-input3' })).toEqual({
      kind: 'plt',
      reason: 'slug "transcoder-lab-plt-input3" names a per-layer transcoder',
    });
    expect(guessKind({ transcoder_list: ['cross-layer 5M'] }).kind).toBe('clt');
    expect(guessKind({ scan: 'gemma-2-2b', slug: 'bee' })).toEqual({ kind: null, reason: 'no metadata field names the transcoder kind' });
  });

  it('ignores feature_type: a PLT graph typed "cross layer transcoder" throughout is still a PLT', () => {
    const r = summarizeGraphText(text(graphJson(NODES, LINKS, { info: { neuronpedia_source_set: 'gemmascope-transcoder-16k' } })), 'p.json');
    expect(r.ok && r.value.guess.kind).toBe('plt');
  });
});

describe('our own export', () => {
  it('reads back, with the kind from its slug', () => {
    const model = xorAndModel();
    const { tc, stats } = baseModelTranscoder(model);
    const json = exportGraphJson(attributionGraph(tc, stats, model, 10), model, { slug: 'transcoder-lab-clt-input10' });
    const r = summarizeGraphText(text(json), 'mine.json');
    if (!r.ok) throw new Error(r.message);
    expect(r.value.layers).toBe(model.layers.length);
    expect(r.value.guess.kind).toBe('clt');
    expect(r.value.target.id).toBe(json.nodes.find((n) => n.is_target_logit)?.node_id);
  });
});

describe('the real pair (Gemma-2-2B, "A bee is a type of"; values computed independently)', () => {
  const read = (kind: string) => {
    const path = new URL(`../../../../shared/fixtures/graphs/bee-insect-${kind}.json`, import.meta.url);
    const r = summarizeGraphText(readFileSync(path, 'utf8'), `bee-insect-${kind}.json`);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
  const clt = read('clt');
  const plt = read('plt');

  it('summarizes both files', () => {
    expect(clt).toMatchObject({ model: 'gemma-2-2b', prompt: '<bos>A bee is a type of', nodes: 266, links: 2929, layers: 26, pruning: { node: 0.8, edge: 0.85 } });
    expect(plt).toMatchObject({ nodes: 671, links: 27853, layers: 26, transcoderSet: 'gemmascope-transcoder-16k', pruning: { node: 0.7, edge: 0.9 } });
    expect(clt.target.id).toBe('27_35312_6');
    expect(clt.featureNodes).toBe(209);
    expect(plt.featureNodes).toBe(556);
    expect([clt.guess.kind, plt.guess.kind]).toEqual(['clt', 'plt']);
  });

  it('the CLT puts most of its circuit in the first layers, the PLT does not', () => {
    expect(clt.circuit.cumulative[1]).toBeCloseTo(0.61, 2);
    expect(plt.circuit.cumulative[1]).toBeCloseTo(0.12, 2);
    expect(clt.meanPathLength).toBeCloseTo(2.38, 2);
    expect(plt.meanPathLength).toBeCloseTo(2.63, 2);
  });
});

describe('the chart as CSV', () => {
  it('writes every value a line, with layers as shares of depth', () => {
    const r = summarizeGraphText(text(tiny()), 'odd, "name".json');
    if (!r.ok) throw new Error(r.message);
    const csv = depthCsv([{ summary: r.value, kind: 'clt' }], [{ kind: 'plt', share: [0.25, 0.75], cumulative: [0.25, 1] }]);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('series,file,kind,measure,layer,share_of_depth,value');
    expect(lines).toContain('graph 1,"odd, ""name"".json",clt,circuit_cumulative,0,0,0.4');
    expect(lines).toContain('graph 1,"odd, ""name"".json",clt,feature_nodes,1,1,1');
    expect(lines).toContain(`graph 1,"odd, ""name"".json",clt,mean_path_length,,,${17 / 8}`);
    expect(lines).toContain('toy PLT,,plt,toy_attribution_cumulative,1,1,1');
    // 5 measures × 2 layers + the mean path length, then 2 × 2 toy values.
    expect(lines).toHaveLength(1 + 11 + 4);
  });

  it('defuses spreadsheet formulas in file names', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('plain.json')).toBe('plain.json');
  });

  it('puts layer l of L at l / (L − 1)', () => {
    expect([depthShare(0, 26), depthShare(1, 26), depthShare(25, 26), depthShare(1, 2), depthShare(0, 1)]).toEqual([0, 1 / 25, 1, 1, 0]);
  });
});
