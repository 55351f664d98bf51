import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { droppedProblem, formatInterventions, parseInterventions } from './interventionCodec.ts';
import { fitInterventions, MAX_INTERVENTIONS, type SavedInterventions } from './savedRecords.ts';

const params = (iv: SavedInterventions) => new URLSearchParams(formatInterventions(iv));

const interventions: fc.Arbitrary<SavedInterventions> = fc.record({
  featureAblations: fc.uniqueArray(fc.record({ kind: fc.constantFrom('clt' as const, 'plt' as const), layer: fc.nat(15), feature: fc.nat(255) }), {
    maxLength: 20, selector: (a) => `${a.kind}${a.layer}.${a.feature}`,
  }),
  pairsOff: fc.uniqueArray(fc.nat(200), { maxLength: 20 }),
  neuronAblations: fc.uniqueArray(fc.record({ layer: fc.nat(15), neuron: fc.nat(1023) }), { maxLength: 20, selector: (a) => `${a.layer}.${a.neuron}` }),
});

describe('interventions in the URL', () => {
  it('round-trips every intervention list, and empty lists add no key', () => {
    fc.assert(
      fc.property(interventions, (iv) => {
        const back = parseInterventions(params(iv));
        expect(back.problems).toEqual([]);
        expect(back.value).toEqual(iv);
      }),
    );
    expect(formatInterventions({ featureAblations: [], pairsOff: [], neuronAblations: [] })).toEqual([]);
    expect(formatInterventions({ featureAblations: [{ kind: 'clt', layer: 1, feature: 3 }], pairsOff: [2], neuronAblations: [{ layer: 0, neuron: 5 }] }))
      .toEqual([['fa', 'c1.3'], ['off', '2'], ['na', '0.5']]);
  });

  it('never throws on hostile text; what it keeps is well formed and bounded', () => {
    const hostile = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('<script>alert(1)</script>', '1e9', '-1', 'NaN', 'c1.3*c1.3', 'p99999.1', '1.2.3', '*'.repeat(100)));
    fc.assert(
      fc.property(hostile, hostile, hostile, (fa, off, na) => {
        const got = parseInterventions(new URLSearchParams({ fa, off, na }));
        const { featureAblations, pairsOff, neuronAblations } = got.value;
        for (const list of [featureAblations, pairsOff, neuronAblations]) expect(list.length).toBeLessThanOrEqual(MAX_INTERVENTIONS);
        for (const a of featureAblations) expect(Number.isInteger(a.layer) && Number.isInteger(a.feature) && a.layer >= 0 && a.feature >= 0).toBe(true);
        for (const q of pairsOff) expect(Number.isInteger(q) && q >= 0).toBe(true);
        for (const p of got.problems) expect(p.length).toBeLessThan(200);
      }),
      { numRuns: 2000 },
    );
    const dup = parseInterventions(new URLSearchParams('fa=c1.3*c1.3*x9&off=4*4'));
    expect(dup.value.featureAblations).toEqual([{ kind: 'clt', layer: 1, feature: 3 }]);
    expect(dup.value.pairsOff).toEqual([4]);
    expect(dup.problems).toEqual(["fa: item 'x9' could not be read; ignored."]);
  });

  it('drops what the model lacks, and says how many', () => {
    const iv: SavedInterventions = { featureAblations: [{ kind: 'plt', layer: 1, feature: 40 }], pairsOff: [0, 7], neuronAblations: [{ layer: 1, neuron: 0 }, { layer: 0, neuron: 9 }] };
    const model = { layers: [{ hidden: 4 }, { hidden: 1 }] };
    const fitted = fitInterventions(iv, model, { features: 32, window: 0 }, 3);
    expect(fitted).toEqual({ featureAblations: [], pairsOff: [0], neuronAblations: [{ layer: 1, neuron: 0 }] });
    expect(droppedProblem(iv, fitted)).toMatch(/^3 interventions in the link/);
  });
});
