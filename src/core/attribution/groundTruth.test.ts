/** Ground-truth matching and decoder-write labels, on the base model used as its own transcoder. */
import { describe, expect, it } from 'vitest';
import { xorAndModel } from '../model/xorAnd.ts';
import { baseModelTranscoder, decoderWrites, featureLabel, matchFeatures, matchLabels, pearson } from './groundTruth.ts';

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
    expect(matchLabels(m.map((row) => row.map((x) => x && { ...x, r: 0.5 }))).get('L0-F2')).toBeUndefined();
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

describe('decoderWrites and feature labels', () => {
  it('the base model\'s neurons write their own dim: "writes e" … "writes i"; labels join "≈ e" when r ≥ 0.9', () => {
    const w = decoderWrites(tc, stats, model);
    expect(w.map((row) => row.map((x) => x.label))).toEqual([
      ['writes e', 'writes f', 'writes g', 'writes h'],
      ['writes i', 'writes nothing', 'writes nothing', 'writes nothing'],
    ]);
    expect(w[0][2]).toEqual({ dims: [6], signs: [1], label: 'writes g' });
    const labels = matchLabels(matchFeatures(tc, stats, model), w);
    expect(labels.get('L0-F2')).toBe('writes g · ≈ g');
    expect(labels.get('L1-F1')).toBe('writes nothing');
  });

  it('the rule: dims with un-standardized |weight| ≥ half the largest, strongest first, signed', () => {
    const t = baseModelTranscoder(model);
    const { layout, params: p } = t.tc;
    const D = layout.dims;
    const q = layout.pairs.findIndex((pr) => pr.source === 0 && pr.target === 0);
    // Feature 0 writes e: 1, g: −2 (σ 1), h: 0.99 (below half of 2), a: 1.5 with σ_out 0.5 → 0.75.
    p[layout.wDec[q] + 0 * D + 6] = -2;
    p[layout.wDec[q] + 0 * D + 7] = 0.99;
    p[layout.wDec[q] + 0 * D + 0] = 1.5;
    t.stats.outStats[0].std[0] = 0.5;
    const w = decoderWrites(t.tc, t.stats, model)[0][0];
    expect(w.dims).toEqual([6, 4]);
    expect(w.label).toBe('writes −g, e');
    // With σ_out(a) = 1 instead, a's 1.5 is ≥ 1 = half of 2: written, second strongest.
    t.stats.outStats[0].std[0] = 1;
    expect(decoderWrites(t.tc, t.stats, model)[0][0].label).toBe('writes −g, a, e');
  });

  it('featureLabel keeps "≈ e" only where r ≥ 0.9', () => {
    const writes = { dims: [4], signs: [1], label: 'writes e' };
    const match = { name: 'e', kind: 'neuron' as const, layer: 0, index: 0, r: 0.89, label: '≈ e' };
    expect(featureLabel(writes, match)).toBe('writes e');
    expect(featureLabel(writes, { ...match, r: 0.9 })).toBe('writes e · ≈ e');
    expect(featureLabel(null, { ...match, r: 0.95 })).toBe('≈ e');
  });
});
