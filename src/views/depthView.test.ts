/** The depth view's per-input read-out and the real model's pooled line. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT } from '../core/config.ts';
import { CpuEngine } from '../core/cpuEngine.ts';
import { modelForCircuit } from '../core/model/presets.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { transcoderLayout } from '../core/run.ts';
import { snapshotOf } from '../core/snapshot.ts';
import { cumulativeRows, cumulativeRowSteps, perInputLines, realCumulative } from './DepthView.tsx';

describe('realCumulative', () => {
  it('XOR-AND: the 4 TRUE inputs each put 1 on e or f, 1 on g or h (layer 0) and 1 on i (layer 1) → 2/3 at ≤ 0; FALSE inputs weigh nothing', () => {
    const r = realCumulative(xorAndModel(), Array.from({ length: 16 }, (_, i) => i));
    expect(r.counted).toBe(4);
    expect(r.cumulative[0]).toBeCloseTo(2 / 3, 12);
    expect(r.cumulative[1]).toBeCloseTo(1, 12);
    expect(perInputLines(r.perInput, 0)).toEqual([
      ' 0:     —   1:     —   2:     —   3:     —',
      ' 4:     —   5:  67 %   6:  67 %   7:     —',
      ' 8:     —   9:  67 %  10:  67 %  11:     —',
      '12:     —  13:     —  14:     —  15:     —',
    ]);
  });

  it('caps the read-out and says how many inputs it left out', () => {
    const many = Array.from({ length: 40 }, (_, input) => ({ input, share: [1], cumulative: [1], mass: 1 }));
    const lines = perInputLines(many, 0, 4, 8);
    expect(lines).toHaveLength(9);
    expect(lines[8]).toBe('… and 8 more inputs');
  });
});

describe('cumulativeRowSteps: the depth chart in slices', () => {
  it('one attribution graph a step (real, then each member, input by input); all steps and finish give cumulativeRows', () => {
    const model = modelForCircuit(DEFAULT_EXPERIMENT.circuit);
    if (!model.ok) throw new Error(model.message);
    const config = { ...DEFAULT_EXPERIMENT, features: 8 };
    const engine = new CpuEngine(model.value, [{ kind: 'clt', config }, { kind: 'plt', config }]);
    engine.trainSync(200);
    const kinds = ['clt', 'plt'] as const;
    const layouts = kinds.map((k) => transcoderLayout(k, model.value, config));
    const members = layouts.map((layout, k) =>
      snapshotOf(kinds[k], layout, Float64Array.from(engine.trainers[k].params), engine.step, engine.lossParts(k), engine.data, model.value));
    const snapshot = { step: engine.step, totalSteps: 200, members };
    const inputs = [0, 5, 10, 15];
    const { steps, finish } = cumulativeRowSteps(snapshot, layouts, model.value, engine.data, inputs);
    expect(steps).toHaveLength(3 * inputs.length);
    for (const step of steps) step();
    const rows = finish();
    expect(rows.map((r) => r.kind)).toEqual(['real', 'clt', 'plt']);
    expect(rows).toEqual(cumulativeRows(snapshot, layouts, model.value, engine.data, inputs));
    // The real model's line over these inputs: 5 and 10 are TRUE (2/3 of their mass at layer 0), 0 and 15 weigh nothing.
    expect(rows[0].counted).toBe(2);
    expect(rows[0].cumulative[0]).toBeCloseTo(2 / 3, 12);
  });
});
