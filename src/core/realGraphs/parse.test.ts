/** Every refusal of a graph file names the problem (and the first node or link at fault); our own export reads back. */
import { describe, expect, it } from 'vitest';
import { exportGraphJson } from '../attribution/export.ts';
import { attributionGraph } from '../attribution/graph.ts';
import { baseModelTranscoder } from '../attribution/groundTruth.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { MAX_GRAPH_BYTES, MAX_GRAPH_LINKS } from './parse.ts';
import { summarizeGraphText } from './summary.ts';
import { graphJson, LINKS, NODES, refusal, text, tiny, type NodeSpec } from './tinyGraphs.ts';

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
