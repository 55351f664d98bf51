/**
 * The sweep pool (issue 18): a sweep's grid cut into slices, one per worker, each slice trained
 * on the CPU engine run by run, the rows merged back in grid order. Pure: the page's Workers,
 * Node's worker_threads (`npm run sweep`) and the tests share it. A run's numbers depend only on
 * its own config (each CpuTrainer is independent of the others), so the merged rows are the same,
 * bit for bit, whatever the pool size.
 */
import { computeMetrics } from '../metrics/metrics.ts';
import type { BaseModel } from '../model/baseModel.ts';
import { cpuTrainer, modelData, transcoderLayout } from '../run.ts';
import type { TrainingData } from '../transcoder/data.ts';
import type { SweepMember, SweepRow } from './sweep.ts';

/** Workers for a machine with `cores` logical cores: one each, less `reserve` (the page's own), at least one. */
export function poolSize(cores: number | undefined, reserve = 1): number {
  const n = Number.isFinite(cores) && cores! >= 1 ? Math.floor(cores!) : 2;
  return Math.max(1, n - reserve);
}

/**
 * Grid indices 0 … n − 1 dealt round-robin into min(workers, n) slices: member i goes to
 * slice i mod k. Neighbours in the grid are the same variant, so dealing (not cutting into
 * blocks) gives every worker a like share of cheap and dear variants.
 */
export function sliceGrid(n: number, workers: number): number[][] {
  const k = Math.max(1, Math.min(Math.floor(workers), n));
  const slices: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) slices[i % k].push(i);
  return slices;
}

/** Training progress of one slice: runs finished and model-steps taken (runs × steps, the run under way counted by its steps). */
export interface SliceProgress {
  runs: number;
  modelSteps: number;
}

export interface CpuSliceOptions {
  /** Called after every chunk; awaited, so a worker may post and yield. */
  onProgress?: (p: SliceProgress) => void | Promise<void>;
  /** Checked between chunks; true stops the slice, which resolves null. */
  cancelled?: () => boolean;
  /** Wall time one chunk aims for (default 150 ms), so progress and cancel stay responsive. */
  chunkMs?: number;
  data?: TrainingData;
}

/**
 * Trains `members` on the CPU engine one after another, each to `steps` in chunks of about
 * chunkMs, and measures each as runSweep does. Resolves the rows in `members` order, or null
 * when cancelled (checked between chunks, so within one chunk).
 */
export async function runCpuSlice(
  model: BaseModel,
  members: readonly SweepMember[],
  steps: number,
  options: CpuSliceOptions = {},
): Promise<SweepRow[] | null> {
  const data = options.data ?? modelData(model);
  const target = options.chunkMs ?? 150;
  const rows: SweepRow[] = [];
  let chunk = 8;
  for (const m of members) {
    const trainer = cpuTrainer(m.kind, model, data, m.config);
    while (trainer.step < steps) {
      if (options.cancelled?.()) return null;
      const k = Math.min(chunk, steps - trainer.step);
      const t0 = performance.now();
      trainer.train(k);
      const ms = Math.max(1, performance.now() - t0);
      chunk = Math.max(1, Math.min(4 * chunk, Math.round((k * target) / ms)));
      const finished = trainer.step >= steps;
      if (finished) {
        const layout = transcoderLayout(m.kind, model, m.config);
        const metrics = computeMetrics({ layout, params: Float64Array.from(trainer.params) }, data, model);
        rows.push({ variant: m.variant, lambda: m.config.lambda, seed: m.config.seed, ...metrics });
      }
      await options.onProgress?.({ runs: rows.length, modelSteps: rows.length * steps + (finished ? 0 : trainer.step) });
      // A macrotask between chunks lets a worker read its `cancel` message.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
  }
  if (options.cancelled?.()) return null;
  return rows;
}

/** A whole pool's progress: runs finished and model-steps taken, of the totals. */
export interface PoolProgress {
  runs: number;
  totalRuns: number;
  modelSteps: number;
  totalModelSteps: number;
}

/** A slice that crashed on its retry too: its grid indices and the last message. */
export interface SliceFailure {
  slice: number;
  indices: number[];
  message: string;
}

export interface PoolResult {
  cancelled: boolean;
  /** Finished rows in grid order (without the failed slices' runs). */
  rows: SweepRow[];
  /** The grid index of each row. */
  indices: number[];
  failures: SliceFailure[];
}

export interface PoolDriver {
  /**
   * Trains slice `slice` (grid indices `indices`) on a worker; `attempt` is 0, then 1 on the
   * retry after a crash (the driver starts a fresh worker). Resolves the slice's rows in
   * `indices` order, null when cancelled; rejects when the worker crashed.
   */
  runSlice(slice: number, indices: readonly number[], attempt: number, onProgress: (p: SliceProgress) => void): Promise<SweepRow[] | null>;
  onProgress?: (p: PoolProgress) => void;
  /** Told of each crash that will be retried. */
  onRetry?: (slice: number, message: string) => void;
}

/**
 * Runs the grid of `n` runs of `steps` steps on `workers` slices through `driver`, retrying a
 * crashed slice once. The rows come back in grid order whatever the pool size.
 */
export async function runPool(n: number, steps: number, workers: number, driver: PoolDriver): Promise<PoolResult> {
  const slices = sliceGrid(n, workers);
  const progress = slices.map(() => ({ runs: 0, modelSteps: 0 }));
  const report = () => {
    driver.onProgress?.({
      runs: progress.reduce((s, p) => s + p.runs, 0),
      totalRuns: n,
      modelSteps: progress.reduce((s, p) => s + p.modelSteps, 0),
      totalModelSteps: n * steps,
    });
  };
  const failures: SliceFailure[] = [];
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
  const outcomes = await Promise.all(
    slices.map(async (indices, s) => {
      const onProgress = (p: SliceProgress) => {
        progress[s] = p;
        report();
      };
      for (let attempt = 0; ; attempt++) {
        try {
          const rows = await driver.runSlice(s, indices, attempt, onProgress);
          if (rows !== null && rows.length !== indices.length) throw new Error(`slice ${s} returned ${rows.length} rows for ${indices.length} runs`);
          return rows;
        } catch (e) {
          progress[s] = { runs: 0, modelSteps: 0 };
          report();
          if (attempt >= 1) {
            failures.push({ slice: s, indices: [...indices], message: message(e) });
            return [];
          }
          driver.onRetry?.(s, message(e));
        }
      }
    }),
  );
  const cancelled = outcomes.some((o) => o === null);
  const byIndex: (SweepRow | undefined)[] = new Array(n);
  outcomes.forEach((rows, s) => rows?.forEach((r, j) => (byIndex[slices[s][j]] = r)));
  const rows: SweepRow[] = [];
  const indices: number[] = [];
  byIndex.forEach((r, i) => {
    if (r) {
      rows.push(r);
      indices.push(i);
    }
  });
  failures.sort((a, b) => a.slice - b.slice);
  return { cancelled, rows, indices, failures };
}

/** One progress sample: model-steps done at time t (ms). */
export interface ProgressSample {
  t: number;
  done: number;
}

/** Below this much measured time, a rate is not yet measurable. */
export const MIN_MEASURE_MS = 500;

/**
 * Throughput and time left from two samples: model-steps per second over the span from the
 * first sample to now, and the remaining model-steps at that rate. Both null ("—") until the
 * span is at least MIN_MEASURE_MS and some steps were taken in it.
 */
export function throughput(first: ProgressSample | null, now: ProgressSample, total: number): { perSecond: number | null; secondsLeft: number | null } {
  if (!first) return { perSecond: null, secondsLeft: null };
  const dt = now.t - first.t;
  const dn = now.done - first.done;
  if (dt < MIN_MEASURE_MS || dn <= 0) return { perSecond: null, secondsLeft: null };
  const perSecond = (dn * 1000) / dt;
  return { perSecond, secondsLeft: Math.max(0, total - now.done) / perSecond };
}

/** Seconds as "42 s", "3 min 05 s" or "1 h 02 min"; "—" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
