/** SPEC §6's measures on hand-made graphs with answers worked out by hand, and on the real fixture pair. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { circuitSignature, directSignature, featureCounts, meanPathLength } from './signature.ts';
import { depthJson, summarizeGraphText } from './summary.ts';
import { graphJson, LINKS, NODES, parsed, text, tiny, type LinkSpec, type NodeSpec } from './tinyGraphs.ts';

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

describe('the mean path length against every path enumerated (random graphs)', () => {
  /** Σ over paths into `to` of weight × length, by walking every path back to a node with no positive incoming link. */
  function enumerate(links: readonly LinkSpec[], to: string): number | null {
    const into = (v: string) => links.filter(([, t, w]) => t === v && w > 0);
    const walk = (v: string, p: number, len: number): number => {
      const ins = into(v);
      if (ins.length === 0) return p * len;
      const sum = ins.reduce((s, [, , w]) => s + w, 0);
      return ins.reduce((s, [u, , w]) => s + walk(u, (p * w) / sum, len + 1), 0);
    };
    return into(to).length === 0 ? null : walk(to, 1, 0);
  }

  it('agrees with the sum over paths, and the circuit signature sums to 1', () => {
    // Nodes in depth order: embedding e, features f1..f4 on layers 0..3, error r on layer 1, logit t.
    const nodes: NodeSpec[] = [
      ['e', 'embedding', 'E'],
      ['f1', 'cross layer transcoder', '0'],
      ['r', 'mlp reconstruction error', '1'],
      ['f2', 'transcoder', '1'],
      ['f3', 'per layer transcoder', '2'],
      ['f4', 'cross layer transcoder', '3'],
      ['t', 'logit', '5', { is_target_logit: true }],
    ];
    const pairs = nodes.flatMap(([s], i) => nodes.slice(i + 1).map(([t]) => [s, t] as const)).filter(([s, t]) => !(s === 'e' && t === 't'));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -8, max: 12 }).map((k) => k / 4), { minLength: pairs.length, maxLength: pairs.length }), (ws) => {
        const links: LinkSpec[] = pairs.map(([s, t], k) => [s, t, ws[k]]).filter(([, , w]) => w !== 0) as LinkSpec[];
        const g = parsed(graphJson(nodes, links));
        const expected = enumerate(links, 't');
        const got = meanPathLength(g);
        if (expected === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(expected, 9);
        const c = circuitSignature(g);
        if (c.total > 0) expect(c.cumulative[3]).toBeCloseTo(1, 12);
      }),
      { numRuns: 200, seed: 17 },
    );
  });
});
