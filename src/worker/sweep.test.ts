import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type PenaltyKind } from '../core/config.ts';
import { CpuEngine } from '../core/cpuEngine.ts';
import { cutEffectRecall } from '../core/metrics/effects.ts';
import { computeMetrics } from '../core/metrics/metrics.ts';
import { modelForCircuit } from '../core/model/presets.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { cpuTrainer, modelData, transcoderLayout } from '../core/run.ts';
import type { EngineState } from '../core/engine.ts';
import type { GpuEngine } from '../gpu/gpuEngine.ts';
import { FallbackEngine } from './engines.ts';
import {
  checkSweep, DEFAULT_SWEEP, memberCount, runSweep, sweepCsv, sweepLambdas, sweepMembers, sweepParameters, SWEEP_BOUNDS, totalMse,
  type SweepProgress, type SweepSpec, type SweepVariant,
} from '../core/sweep/sweep.ts';

const tiny: SweepSpec = {
  ...DEFAULT_SWEEP,
  lambdaMin: 0.1,
  lambdaMax: 1,
  lambdaCount: 2,
  seeds: 2,
  variants: ['clt-concat', 'plt'],
  steps: 300,
  features: 8,
};

describe('sweep members', () => {
  it('spaces λ evenly in log space, ends included, 4 significant digits', () => {
    expect(sweepLambdas(0.01, 1, 3)).toEqual([0.01, 0.1, 1]);
    expect(sweepLambdas(0.3, 0.3, 1)).toEqual([0.3]);
    const five = sweepLambdas(0.001, 10, 5);
    expect(five).toEqual([0.001, 0.01, 0.1, 1, 10]);
    const odd = sweepLambdas(0.02, 0.7, 6);
    for (let i = 1; i < odd.length; i++) expect(odd[i] / odd[i - 1]).toBeCloseTo((0.7 / 0.02) ** (1 / 5), 2);
    expect(odd.every((v) => Number(v.toPrecision(4)) === v)).toBe(true);
  });

  it('expands variant × λ × seed into full configs with each variant’s kind, norm and span', () => {
    const spec: SweepSpec = { ...tiny, variants: ['plt', 'clt-window', 'clt-sum', 'clt-concat'], penalty: 'tanh', c: 2, window: 2 };
    const base = { ...DEFAULT_TRAIN, lr: 1e-3, norm: 'sum' as const, window: 3 };
    const members = sweepMembers(spec, base);
    expect(members).toHaveLength(memberCount(spec));
    expect(members).toHaveLength(16);
    // Variant order is fixed (SWEEP_VARIANTS), whatever order the user ticked them in.
    expect(members.map((m) => m.variant).filter((v, i, a) => a.indexOf(v) === i)).toEqual(['clt-concat', 'clt-sum', 'clt-window', 'plt']);
    const at = (variant: string) => members.find((m) => m.variant === variant)!;
    expect(at('clt-concat')).toMatchObject({ kind: 'clt', config: { norm: 'concat', window: 0 } });
    expect(at('clt-sum')).toMatchObject({ kind: 'clt', config: { norm: 'sum', window: 0 } });
    expect(at('clt-window')).toMatchObject({ kind: 'clt', config: { norm: 'concat', window: 2 } });
    expect(at('plt')).toMatchObject({ kind: 'plt', config: { norm: 'concat', window: 0 } });
    for (const m of members) {
      expect(m.config).toMatchObject({ penalty: 'tanh', c: 2, steps: 300, features: 8, lr: 1e-3, epsilon: base.epsilon });
    }
    expect(members.slice(0, 4).map((m) => [m.config.lambda, m.config.seed])).toEqual([[0.1, 0], [0.1, 1], [1, 0], [1, 1]]);
  });

  it('refuses specs past its bounds and says why', () => {
    expect(checkSweep(DEFAULT_SWEEP)).toEqual([]);
    expect(checkSweep({ ...DEFAULT_SWEEP, steps: SWEEP_BOUNDS.steps.max + 1 }).join()).toContain('steps');
    expect(checkSweep({ ...DEFAULT_SWEEP, lambdaMin: 2, lambdaMax: 1 }).join()).toContain('λ min must not exceed');
    expect(checkSweep({ ...DEFAULT_SWEEP, variants: [] }).join()).toContain('variant');
    const big = { ...DEFAULT_SWEEP, lambdaCount: 32, seeds: 8, variants: ['clt-concat', 'plt'] as SweepSpec['variants'] };
    expect(memberCount(big)).toBe(512);
    expect(checkSweep(big)).toEqual([]);
    expect(checkSweep({ ...big, variants: ['clt-concat', 'clt-sum', 'plt'] }).join()).toContain('768 transcoders');
  });

  it('holds the run count to SWEEP_BOUNDS.members exactly, counting each variant once', () => {
    const one: SweepSpec = { ...DEFAULT_SWEEP, variants: ['clt-concat'], lambdaCount: 32, seeds: 16 };
    expect(memberCount(one)).toBe(SWEEP_BOUNDS.members);
    expect(checkSweep(one)).toEqual([]);
    expect(checkSweep({ ...one, seeds: 17 })).toEqual([
      `544 transcoders (32 λ × 17 seeds × 1 variant) is more than the ${SWEEP_BOUNDS.members} a sweep may train; use fewer λ values, seeds or variants`,
    ]);
    // A duplicated variant trains once (sweepMembers), so it counts once.
    expect(memberCount({ ...one, variants: ['clt-concat', 'clt-concat'] })).toBe(SWEEP_BOUNDS.members);
    expect(sweepMembers({ ...one, variants: ['clt-concat', 'clt-concat'] })).toHaveLength(SWEEP_BOUNDS.members);
    // What a message could carry that the form cannot: an unknown variant or penalty.
    expect(checkSweep({ ...DEFAULT_SWEEP, variants: ['clt-huge' as SweepVariant] }).join()).toContain('unknown variant clt-huge');
    expect(checkSweep({ ...DEFAULT_SWEEP, penalty: 'l2' as PenaltyKind }).join()).toContain('penalty must be one of l1, tanh, l0');
  });

  it('on a given model, bounds the parameters all runs hold together', () => {
    const xorAnd = xorAndModel();
    const built = modelForCircuit('(((a XOR b) AND (c XOR d)) XOR e) AND NOT f');
    if (!built.ok) throw new Error(built.message);
    const deep = built.value;
    const wide: SweepSpec = { ...DEFAULT_SWEEP, variants: ['clt-concat', 'plt'], lambdaCount: 16, seeds: 16, features: 256 };
    for (const model of [xorAnd, deep]) {
      const total = sweepMembers(wide).reduce((n, m) => n + transcoderLayout(m.kind, model, m.config).size, 0);
      expect(sweepParameters(wide, model)).toBe(total);
    }
    expect(sweepParameters(wide, xorAnd)).toBeLessThan(SWEEP_BOUNDS.parameters);
    expect(checkSweep(wide, xorAnd)).toEqual([]);
    expect(sweepParameters(wide, deep)).toBeGreaterThan(SWEEP_BOUNDS.parameters);
    expect(checkSweep(wide, deep).join()).toMatch(/^512 transcoders of 256 features on this 4-layer model hold [\d.]+ million parameters, more than the 8 million a sweep may hold/);
    // Without the model only the spec's own bounds apply; fewer runs fit.
    expect(checkSweep(wide)).toEqual([]);
    expect(checkSweep({ ...wide, seeds: 4 }, deep)).toEqual([]);
  });
});

describe('runSweep on the CPU engine', () => {
  const model = xorAndModel();
  const data = modelData(model);

  it('gives exactly the metrics of independent CPU runs of the same configs, and a CSV of them', async () => {
    const members = sweepMembers(tiny);
    const engine = new CpuEngine(model, members, data);
    const progress: SweepProgress[] = [];
    const rows = await runSweep(engine, model, members, tiny.steps, { onProgress: (p) => void progress.push(p), chunkMs: 5 });
    expect(rows).not.toBeNull();
    expect(rows).toHaveLength(8);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ done: 300, total: 300, engine: 'cpu' });
    for (let i = 1; i < progress.length; i++) expect(progress[i].done).toBeGreaterThan(progress[i - 1].done);
    members.forEach((m, i) => {
      const alone = cpuTrainer(m.kind, model, data, m.config);
      alone.train(300);
      const expected = computeMetrics(alone, data, model);
      expect(rows![i]).toEqual({ variant: m.variant, lambda: m.config.lambda, seed: m.config.seed, ...expected });
    });
    // The grid differs where it should: not every member is the same run.
    expect(new Set(rows!.map((r) => r.mse.join())).size).toBeGreaterThan(1);

    const csv = sweepCsv(rows!).trimEnd().split('\n');
    expect(csv[0]).toBe('variant,lambda,seed,l0_0,l0_1,alive_0,alive_1,mse_0,mse_1,mse_total,accuracy,faithfulness,cut_effect_recall');
    expect(csv).toHaveLength(1 + 8);
    const first = csv[1].split(',');
    expect(first.slice(0, 3)).toEqual(['clt-concat', '0.1', '0']);
    expect(Number(first[7])).toBe(rows![0].mse[0]);
    expect(Number(first[9])).toBe(totalMse(rows![0]));
    expect(Number(first[11])).toBe(rows![0].faithfulness);
    expect(Number(first[12])).toBe(cutEffectRecall(rows![0].interventions));
  });

  it('stops between chunks when cancelled and resolves null', async () => {
    const members = sweepMembers({ ...tiny, steps: 20_000 });
    const engine = new CpuEngine(model, members, data);
    let calls = 0;
    const rows = await runSweep(engine, model, members, 20_000, { cancelled: () => ++calls > 3, chunkMs: 5 });
    expect(rows).toBeNull();
    expect(engine.step).toBeGreaterThan(0);
    expect(engine.step).toBeLessThan(20_000);
  });
});

/**
 * Stands in for a GpuEngine that fails on its third chunk; its exportState is the host copy
 * from before its second chunk, as after a device loss. Underneath it is a CPU engine, so a
 * correct hand-over gives exactly the independent CPU runs.
 */
class FlakyGpu {
  readonly name = 'webgpu' as const;
  private calls = 0;
  copy: EngineState | null = null;
  /** The step count of the call that failed. */
  failedCount = 0;
  constructor(readonly inner: CpuEngine) {}
  get step() {
    return this.inner.step;
  }
  get data() {
    return this.inner.data;
  }
  train(count: number): Promise<void> {
    this.calls++;
    if (this.calls === 3) {
      this.failedCount = count;
      return Promise.reject(new Error('device lost (test)'));
    }
    if (this.calls === 2) {
      this.copy = {
        step: this.inner.step,
        members: this.inner.trainers.map((t) => ({ params: t.params.slice(), m: t.optimizerState().m.slice(), v: t.optimizerState().v.slice() })),
      };
    }
    return this.inner.train(count);
  }
  exportState(): Promise<EngineState> {
    return Promise.resolve(this.copy!);
  }
  readParams(i: number) {
    return this.inner.readParams(i);
  }
  lossParts(i: number) {
    return this.inner.lossParts(i);
  }
  dispose() {}
}

describe('runSweep across a GPU → CPU hand-over', () => {
  it('rolls back to the exported state, finishes on the CPU engine, and matches independent runs exactly', async () => {
    const model = xorAndModel();
    const data = modelData(model);
    const members = sweepMembers({ ...tiny, variants: ['clt-sum'] });
    const notes: string[] = [];
    const flaky = new FlakyGpu(new CpuEngine(model, members, data));
    const engine = new FallbackEngine(flaky as unknown as GpuEngine, () => new CpuEngine(model, members, data), (m) => notes.push(m));
    const progress: SweepProgress[] = [];
    const rows = await runSweep(engine, model, members, 300, { onProgress: (p) => void progress.push(p), chunkMs: 5 });
    expect(progress[0].engine).toBe('webgpu');
    expect(progress.at(-1)).toEqual({ done: 300, total: 300, engine: 'cpu' });
    // The failed chunk's steps are trained again on the CPU from the rolled-back step.
    const firstCpu = progress.find((p) => p.engine === 'cpu')!;
    expect(firstCpu.done).toBe(flaky.copy!.step + flaky.failedCount);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('continues on the CPU engine');
    members.forEach((m, i) => {
      const alone = cpuTrainer(m.kind, model, data, m.config);
      alone.train(300);
      expect(rows![i]).toEqual({ variant: m.variant, lambda: m.config.lambda, seed: m.config.seed, ...computeMetrics(alone, data, model) });
    });
  });
});
