/**
 * The sweep pool on Node worker_threads (`npm run sweep`, `npm run bench:sweep`): core/sweep/pool.ts's
 * runPool with one thread per slice, each running sweepThread.ts under tsx. A thread that dies
 * is retried once on a fresh one, as in the page.
 */
import { Worker } from 'node:worker_threads';
import type { TrainConfig } from '../src/core/config.ts';
import { runPool, type PoolProgress, type PoolResult, type SliceProgress } from '../src/core/sweep/pool.ts';
import { sweepMembers, type SweepRow, type SweepSpec } from '../src/core/sweep/sweep.ts';
import type { SweepEvent, SweepRunRequest } from '../src/worker/sweepProtocol.ts';

const THREAD = new URL('./sweepThread.ts', import.meta.url).href;
const TSX = import.meta.resolve('tsx/esm/api');

/** A worker thread that runs sweepThread.ts through tsx's loader. */
function startThread(): Worker {
  const boot = `import { register } from ${JSON.stringify(TSX)}; register(); await import(${JSON.stringify(THREAD)});`;
  return new Worker(boot, { eval: true });
}

function runSlice(req: SweepRunRequest, report: (p: SliceProgress) => void): Promise<SweepRow[] | null> {
  const w = startThread();
  return new Promise<SweepRow[] | null>((resolve, reject) => {
    w.on('message', (ev: SweepEvent) => {
      if (ev.id !== req.id) return;
      if (ev.type === 'progress') report({ runs: ev.runs ?? 0, modelSteps: ev.modelSteps ?? 0 });
      else if (ev.type === 'result') resolve(ev.rows);
      else if (ev.type === 'cancelled') resolve(null);
      else if (ev.type === 'error') reject(new Error(ev.message));
    });
    w.on('error', (e) => reject(e));
    w.on('exit', (code) => reject(new Error(`the sweep thread exited (code ${code})`)));
    w.postMessage(req);
  }).finally(() => void w.terminate());
}

/** Trains the grid of `spec` on `workers` threads; rows in grid order. */
export function runSweepThreads(
  spec: SweepSpec,
  base: TrainConfig,
  workers: number,
  onProgress?: (p: PoolProgress) => void,
  onRetry?: (slice: number, message: string) => void,
): Promise<PoolResult> {
  const n = sweepMembers(spec, base).length;
  const req = { type: 'run' as const, id: 1, spec, base, circuit: '', engine: 'cpu' as const };
  return runPool(n, spec.steps, workers, {
    onProgress,
    onRetry,
    runSlice: (_s, indices, _attempt, report) => runSlice({ ...req, slice: [...indices] }, report),
  });
}
