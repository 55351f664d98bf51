import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../core/cpuEngine.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { modelData } from '../core/run.ts';
import { DEFAULT_TRAIN } from '../core/config.ts';
import { formatDuration, poolSize, runCpuSlice, runPool, sliceGrid, throughput, type PoolDriver, type PoolProgress } from '../core/sweep/pool.ts';
import { DEFAULT_SWEEP, runSweep, sweepCsv, sweepMembers, type SweepRow, type SweepSpec } from '../core/sweep/sweep.ts';
import type { SweepEvent } from './sweepProtocol.ts';
import { serveSlice } from './sweepSlice.ts';

const model = xorAndModel();
const data = modelData(model);
const small: SweepSpec = {
  ...DEFAULT_SWEEP, lambdaMin: 0.05, lambdaMax: 1, lambdaCount: 2, seeds: 2, variants: ['clt-concat', 'clt-sum', 'plt'], steps: 120, features: 8,
};
const members = sweepMembers(small);

/** A driver that trains each slice in this thread, as a worker would. */
function localDriver(extra: Partial<PoolDriver> = {}): PoolDriver {
  return {
    runSlice: (_s, indices, _attempt, onProgress) => runCpuSlice(model, indices.map((i) => members[i]), small.steps, { data, onProgress, chunkMs: 5 }),
    ...extra,
  };
}

describe('sweep pool', () => {
  it('sizes the pool one per core less the page, at least one', () => {
    expect(poolSize(8)).toBe(7);
    expect(poolSize(2)).toBe(1);
    expect(poolSize(1)).toBe(1);
    expect(poolSize(2, 0)).toBe(2);
    expect(poolSize(undefined)).toBe(1);
  });

  it('deals the grid round-robin into at most n non-empty slices', () => {
    expect(sliceGrid(7, 3)).toEqual([[0, 3, 6], [1, 4], [2, 5]]);
    expect(sliceGrid(2, 5)).toEqual([[0], [1]]);
    expect(sliceGrid(4, 1)).toEqual([[0, 1, 2, 3]]);
    expect(sliceGrid(5, 0)).toEqual([[0, 1, 2, 3, 4]]);
  });

  it('gives the same rows, bit for bit, for 1, 2 and 3 workers, and the same as one population', async () => {
    expect(members).toHaveLength(12);
    const reference = await runSweep(new CpuEngine(model, members, data), model, members, small.steps);
    expect(reference).not.toBeNull();
    const csvs: string[] = [];
    for (const workers of [1, 2, 3]) {
      const seen: PoolProgress[] = [];
      const out = await runPool(members.length, small.steps, workers, localDriver({ onProgress: (p) => seen.push(p) }));
      expect(out.cancelled).toBe(false);
      expect(out.failures).toEqual([]);
      expect(out.indices).toEqual(members.map((_, i) => i));
      expect(out.rows).toStrictEqual(reference);
      csvs.push(sweepCsv(out.rows));
      // Progress only grows and ends at the totals.
      const last = seen[seen.length - 1];
      expect(last).toEqual({ runs: 12, totalRuns: 12, modelSteps: 12 * 120, totalModelSteps: 12 * 120 });
      for (let k = 1; k < seen.length; k++) expect(seen[k].modelSteps).toBeGreaterThanOrEqual(seen[k - 1].modelSteps);
    }
    expect(new Set(csvs).size).toBe(1);
  });

  it('retries a crashed slice once on a fresh worker, then reports it and keeps the other slices', async () => {
    const retried: number[] = [];
    const once = await runPool(members.length, small.steps, 3, localDriver({
      runSlice: (s, indices, attempt, onProgress) => {
        if (s === 1 && attempt === 0) return Promise.reject(new Error('worker crashed'));
        return runCpuSlice(model, indices.map((i) => members[i]), small.steps, { data, onProgress });
      },
      onRetry: (s) => retried.push(s),
    }));
    expect(retried).toEqual([1]);
    expect(once.failures).toEqual([]);
    expect(once.rows).toHaveLength(12);

    const twice = await runPool(members.length, small.steps, 3, localDriver({
      runSlice: (s, indices, _attempt, onProgress) => {
        if (s === 1) return Promise.reject(new Error('out of memory'));
        return runCpuSlice(model, indices.map((i) => members[i]), small.steps, { data, onProgress });
      },
    }));
    expect(twice.failures).toEqual([{ slice: 1, indices: [1, 4, 7, 10], message: 'out of memory' }]);
    expect(twice.indices).toEqual([0, 2, 3, 5, 6, 8, 9, 11]);
    expect(twice.rows.map((r: SweepRow) => [r.variant, r.lambda, r.seed])).toEqual(
      twice.indices.map((i) => [members[i].variant, members[i].config.lambda, members[i].config.seed]),
    );
  });

  it('serves a worker’s slice: progress in model-steps, then its rows in slice order; a bad index is an error', async () => {
    const events: SweepEvent[] = [];
    const req = { type: 'run' as const, id: 7, spec: small, base: DEFAULT_TRAIN, circuit: '', engine: 'cpu' as const };
    await serveSlice({ ...req, slice: [5, 1] }, (e) => events.push(e), () => false);
    const last = events[events.length - 1];
    expect(last.type).toBe('result');
    const reference = (await runPool(members.length, small.steps, 1, localDriver())).rows;
    expect(last.type === 'result' && last.rows).toStrictEqual([reference[5], reference[1]]);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress[0]).toMatchObject({ runs: 0, modelSteps: 0, members: 2, total: 120 });
    expect(progress[progress.length - 1]).toMatchObject({ runs: 2, modelSteps: 240, done: 120 });
    const bad: SweepEvent[] = [];
    await serveSlice({ ...req, slice: [12] }, (e) => bad.push(e), () => false);
    expect(bad).toEqual([{ type: 'error', id: 7, message: 'slice: run 12 is not in this 12-run grid' }]);
  });

  it('stops a slice within one chunk of cancel', async () => {
    let chunks = 0;
    let stop = false;
    const out = await runCpuSlice(model, members.slice(0, 3), 5000, {
      data,
      chunkMs: 5,
      cancelled: () => stop,
      onProgress: () => {
        chunks++;
        if (chunks === 2) stop = true;
      },
    });
    expect(out).toBeNull();
    expect(chunks).toBe(2);
  });

  it('measures model-steps per second and time left from the samples, "—" until measurable', () => {
    // 2000 model-steps in 2 s = 1000 /s; 8000 left = 8 s.
    expect(throughput({ t: 1000, done: 100 }, { t: 3000, done: 2100 }, 10_100)).toEqual({ perSecond: 1000, secondsLeft: 8 });
    expect(throughput(null, { t: 3000, done: 2100 }, 10_100)).toEqual({ perSecond: null, secondsLeft: null });
    expect(throughput({ t: 1000, done: 100 }, { t: 1400, done: 900 }, 10_100)).toEqual({ perSecond: null, secondsLeft: null });
    expect(throughput({ t: 1000, done: 100 }, { t: 3000, done: 100 }, 10_100)).toEqual({ perSecond: null, secondsLeft: null });
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(8)).toBe('8 s');
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });
});
