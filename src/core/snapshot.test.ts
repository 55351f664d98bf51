/** Snapshots cost what they show: every input up to 256, a fixed spread of 256 beyond, interventions only up to 65,536 pairs. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, type ExperimentConfig } from './config.ts';
import { CpuEngine } from './cpuEngine.ts';
import { computeMetrics, trainingOutputs } from './metrics/metrics.ts';
import { modelForCircuit } from './model/presets.ts';
import { transcoderLayout } from './run.ts';
import { HISTORY_PARAMS_BYTES, historyEntry, historyKeepsShown, historyPlan, MAX_PAIRS, SHOWN_INPUTS, shownInputs, snapshotOf, snapshotTransfers } from './snapshot.ts';

/** A trained-for-a-few-steps engine and the CLT's snapshot under `config`. */
function snap(config: ExperimentConfig, steps: number) {
  const model = modelForCircuit(config.circuit);
  if (!model.ok) throw new Error(model.message);
  const engine = new CpuEngine(model.value, [{ kind: 'clt', config }]);
  engine.trainSync(steps);
  const layout = transcoderLayout('clt', model.value, config);
  const params = Float64Array.from(engine.trainers[0].params);
  const s = snapshotOf('clt', layout, params, engine.step, engine.lossParts(0), engine.data, model.value);
  return { s, layout, params, data: engine.data, model: model.value };
}

/** Fire counts per layer and feature, from full L × N × F activations. */
function counts(acts: Float64Array[], F: number): number[] {
  return acts.flatMap((a) => Array.from({ length: F }, (_, f) => a.filter((v, i) => i % F === f && v > 0).length));
}

describe('snapshotOf', () => {
  it('carries every input, all metrics and the fire counts of a small model, as before', () => {
    const config = { ...DEFAULT_EXPERIMENT, features: 8 };
    const { s, layout, params, data, model } = snap(config, 20);
    const full = trainingOutputs({ layout, params }, data);
    expect(s.inputs).toBeUndefined();
    expect(s.unmeasured).toBeUndefined();
    expect(Array.from(s.acts)).toEqual(full.acts.flatMap((a) => Array.from(a)));
    expect(s.recon.length).toBe(layout.layers * data.n * data.dims);
    expect(s.metrics).toEqual(computeMetrics({ layout, params }, data, model));
    expect(s.metrics.interventions.length).toBeGreaterThan(0);
    expect(Array.from(s.fires!)).toEqual(counts(full.acts, layout.features));
    expect(historyKeepsShown(layout, data, 2)).toBe(true);
    expect(historyPlan([layout, transcoderLayout('plt', model, config)], data)).toEqual({ shown: true, paramsEvery: 1 });
  });

  it('shows a fixed spread of 256 of 4,096 inputs and measures no N × N patches for a 12-input circuit', () => {
    const config = { ...DEFAULT_EXPERIMENT, features: 4, circuit: '((a|b)|(c|d)) | ((e|f)|(g|h)) | ((i|j)|(k|l))' };
    const { s, layout, params, data } = snap(config, 2);
    const N = data.n;
    const F = layout.features;
    const D = data.dims;
    const L = layout.layers;
    expect(N).toBe(4096);
    expect(N * N).toBeGreaterThan(MAX_PAIRS);
    const inputs = s.inputs!;
    expect(inputs).toHaveLength(SHOWN_INPUTS);
    expect(Array.from(inputs)).toEqual(Array.from(shownInputs(N)!));
    // Sorted, distinct, spread over the whole range rather than its start.
    for (let k = 1; k < inputs.length; k++) expect(inputs[k]).toBeGreaterThan(inputs[k - 1]);
    expect(inputs.at(-1)!).toBeGreaterThan(N / 2);
    expect(new Set(Array.from(inputs, (i) => i % 16)).size).toBe(16);
    const full = trainingOutputs({ layout, params }, data);
    expect(s.acts).toHaveLength(L * SHOWN_INPUTS * F);
    expect(s.recon).toHaveLength(L * SHOWN_INPUTS * D);
    for (let l = 0; l < L; l++) {
      inputs.forEach((n, k) => {
        expect(Array.from(s.acts.subarray((l * SHOWN_INPUTS + k) * F, (l * SHOWN_INPUTS + k + 1) * F))).toEqual(Array.from(full.acts[l].subarray(n * F, (n + 1) * F)));
      });
      const { mean, std } = data.outStats[l];
      const n = inputs[7];
      for (let d = 0; d < D; d++) expect(s.recon[(l * SHOWN_INPUTS + 7) * D + d]).toBeCloseTo(full.yHat[l][n * D + d] * std[d] + mean[d], 12);
    }
    // Fire counts and sparsity metrics still cover all 4,096 inputs.
    expect(Array.from(s.fires!)).toEqual(counts(full.acts, F));
    expect(s.metrics.l0[0]).toBe(full.acts[0].filter((v) => v > 0).length / N);
    expect(s.metrics.accuracy * N).toBeCloseTo(Math.round(s.metrics.accuracy * N), 9);
    expect(s.metrics.interventions).toEqual([]);
    expect(s.metrics.faithfulness).toBeNaN();
    expect(s.unmeasured).toMatch(/16,777,216 \(target, source\) pairs/);
    // 302 history entries × 2 members × 4 layers × 256 inputs × (4 + 43) values: 233 MB, over the budget.
    expect(historyKeepsShown(layout, data, 2)).toBe(false);
    // At 256 features a member's parameters alone pass 1 MB: the history keeps them on every 5th entry.
    const wide = { ...config, features: 256 };
    const layouts = [transcoderLayout('clt', snap(config, 0).model, wide), transcoderLayout('plt', snap(config, 0).model, wide)];
    const plan = historyPlan(layouts, data);
    expect(plan).toEqual({ shown: false, paramsEvery: 5 });
    const kept = (302 / plan.paramsEvery + 1) * layouts.reduce((s, l) => s + l.size * 8, 0);
    expect(kept).toBeLessThanOrEqual(HISTORY_PARAMS_BYTES * 1.01);
  });

  it('drops what a history entry does not keep, always keeping fire counts and metrics', () => {
    const { s } = snap({ ...DEFAULT_EXPERIMENT, features: 8 }, 5);
    const entry = historyEntry(s, { shown: false, params: true });
    expect(entry.acts).toHaveLength(0);
    expect(entry.recon).toHaveLength(0);
    expect(entry.inputs).toHaveLength(0);
    expect(Array.from(entry.params)).toEqual(Array.from(s.params));
    expect(entry.params.buffer).not.toBe(s.params.buffer);
    expect(entry.metrics).toBe(s.metrics);
    expect(Array.from(entry.fires!)).toEqual(Array.from(s.fires!));
    const bare = historyEntry(s, { shown: true, params: false });
    expect(bare.params).toHaveLength(0);
    expect(Array.from(bare.acts)).toEqual(Array.from(s.acts));
    // All can be posted together: no buffer is listed twice or shared.
    const buffers = snapshotTransfers({ step: 5, totalSteps: 10, members: [s, entry, bare] });
    expect(new Set(buffers).size).toBe(buffers.length);
    expect('padded' in s, 'no padded columns on a run without them').toBe(false);
  });

  it('carries the padded columns on a live snapshot, hands their buffer over, and leaves them out of history entries', () => {
    const { s, layout, params, data, model } = snap({ ...DEFAULT_EXPERIMENT, features: 8 }, 5);
    const padded = Float64Array.from({ length: 12 }, (_, k) => k / 7);
    const live = snapshotOf('clt', layout, params, s.step, s.loss, data, model, padded);
    expect(live.padded).toBe(padded);
    expect({ ...live, padded: undefined }).toEqual({ ...s, padded: undefined });
    expect(snapshotTransfers({ step: 5, totalSteps: 10, members: [live] })).toContain(padded.buffer);
    for (const keep of [{ shown: true, params: true }, { shown: false, params: false }]) {
      const entry = historyEntry(live, keep);
      expect('padded' in entry).toBe(false);
      expect(live.padded, 'the live snapshot keeps them').toBe(padded);
    }
  });
});
