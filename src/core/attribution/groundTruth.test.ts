/** Ground-truth matching and circuit recovery, on the base model used as its own transcoder. */
import { describe, expect, it } from 'vitest';
import { xorAndModel } from '../model/xorAnd.ts';
import { attributionGraph } from './graph.ts';
import { baseModelTranscoder, circuitRecovery, matchFeatures, matchLabels, pearson, trueCircuit } from './groundTruth.ts';

const model = xorAndModel();
const { tc, stats } = baseModelTranscoder(model);

describe('pearson', () => {
  it('is ±1 on affine copies and NaN on a constant', () => {
    expect(pearson([1, 2, 3, 5], [3, 5, 7, 11])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 5], [-1, -2, -3, -5])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3], [4, 4, 4])).toBeNaN();
  });
});

describe('matchFeatures', () => {
  it('labels the base model\'s neurons "≈ e" … "≈ h" at layer 0 and "≈ i" at layer 1, r = 1', () => {
    const m = matchFeatures(tc, stats, model);
    expect(m.map((row) => row.map((x) => x?.label ?? null))).toEqual([
      ['≈ e', '≈ f', '≈ g', '≈ h'],
      ['≈ i', null, null, null],
    ]);
    for (const x of m.flat()) if (x) expect(x.r).toBeCloseTo(1, 12);
    expect(m[1][0]).toMatchObject({ kind: 'neuron', layer: 1, index: 0, name: 'i' });
    expect(matchLabels(m).get('L0-F2')).toBe('≈ g');
  });

  it('reads a feature that fires when a = −1 as "≈ −a"', () => {
    const neg = baseModelTranscoder(model);
    const { layout, params: p } = neg.tc;
    // Layer-1 spare slot 1: h = −a, so it fires exactly when a = −1.
    p[layout.wEnc[1] + 0 * layout.features + 1] = -1;
    const m = matchFeatures(neg.tc, neg.stats, model);
    expect(m[1][1]).toMatchObject({ label: '≈ −a', kind: 'value', index: 0 });
    expect(m[1][1]!.r).toBeCloseTo(-1, 12);
  });
});

describe('trueCircuit and circuitRecovery', () => {
  it('input 10: a,b → e; c,d → g; e,g → i → out; nothing at the FALSE input 15', () => {
    const t = trueCircuit(model, 10);
    expect(t.neurons.sort()).toEqual(['N0.0', 'N0.2', 'N1.0']);
    expect(t.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual(
      ['in-a>N0.0', 'in-b>N0.0', 'in-c>N0.2', 'in-d>N0.2', 'N0.0>N1.0', 'N0.2>N1.0', 'N1.0>out'].sort(),
    );
    expect(trueCircuit(model, 15)).toEqual({ neurons: [], edges: [] });
  });

  it('cutting e..h into layer 1 leaves no circuit to the output', () => {
    expect(trueCircuit(model, 10, [{ dims: [4, 5, 6, 7], layer: 1 }]).neurons).toEqual([]);
  });

  it('the base model\'s own graph recovers all of it, and losing the e → i edge is noticed', () => {
    const m = matchFeatures(tc, stats, model);
    for (const n of [5, 6, 9, 10]) {
      const g = attributionGraph(tc, stats, model, n);
      const r = circuitRecovery(g, m, model);
      expect([r.nodes, r.edges]).toEqual([1, 1]);
    }
    const g = attributionGraph(tc, stats, model, 10);
    const withoutE = g.edges.filter((e) => !(e.source === 'L0-F0' && e.target === 'L1-F0'));
    const r = circuitRecovery(g, m, model, [], withoutE);
    // e no longer reaches the output: e, its two input edges and e → i are lost.
    expect(r.nodes).toBeCloseTo(2 / 3, 12);
    expect(r.edges).toBeCloseTo(4 / 7, 12);
    expect(circuitRecovery(attributionGraph(tc, stats, model, 15), m, model).nodes).toBeNull();
  });
});
