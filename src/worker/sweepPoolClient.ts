/**
 * The page's pool of sweep workers (issue 18): one browser Worker per slice, driven by
 * core/sweep/pool.ts's runPool. A worker that crashes is ended and its slice retried once on a fresh
 * one; cancel reaches every worker, each stopping after its current chunk. Workers are kept
 * between sweeps.
 */
import { runPool, type PoolProgress, type PoolResult } from '../core/sweep/pool.ts';
import type { SweepRow } from '../core/sweep/sweep.ts';
import type { SweepEvent, SweepRequest, SweepRunRequest } from './sweepProtocol.ts';

/** Starts one sweep worker the way Vite bundles it. */
export function createSweepWorker(): Worker {
  return new Worker(new URL('./sweep.worker.ts', import.meta.url), { type: 'module' });
}

export class SweepPoolClient {
  private readonly workers: (Worker | null)[] = [];
  private runningId = -1;
  private cancelledId = -1;

  constructor(private readonly make: () => Worker) {}

  /** Trains `req`'s grid (n runs) on `size` workers; resolves when every slice has answered. */
  run(req: Omit<SweepRunRequest, 'slice' | 'engine'>, n: number, size: number, onProgress: (p: PoolProgress) => void, onRetry: (slice: number, message: string) => void): Promise<PoolResult> {
    this.runningId = req.id;
    return runPool(n, req.spec.steps, size, {
      onProgress,
      onRetry,
      runSlice: (s, indices, attempt, report) => this.runSlice(s, attempt, { ...req, engine: 'cpu', slice: [...indices] }, report),
    });
  }

  /** Asks every worker to stop the current sweep after its chunk. */
  cancel(): void {
    this.cancelledId = this.runningId;
    const req: SweepRequest = { type: 'cancel', id: this.runningId };
    for (const w of this.workers) w?.postMessage(req);
  }

  terminate(): void {
    this.workers.forEach((w, i) => {
      w?.terminate();
      this.workers[i] = null;
    });
  }

  private worker(s: number, fresh: boolean): Worker {
    let w = this.workers[s];
    if (w && fresh) w.terminate();
    if (!w || fresh) {
      w = this.make();
      this.workers[s] = w;
    }
    return w;
  }

  private runSlice(s: number, attempt: number, req: SweepRunRequest, report: (p: { runs: number; modelSteps: number }) => void): Promise<SweepRow[] | null> {
    // A retry that comes after cancel does not start.
    if (this.cancelledId === req.id) return Promise.resolve(null);
    const w = this.worker(s, attempt > 0);
    return new Promise((resolve, reject) => {
      const done = () => {
        w.removeEventListener('message', onMessage);
        w.removeEventListener('error', onError);
      };
      const onMessage = (e: MessageEvent<SweepEvent>) => {
        const ev = e.data;
        if (ev.id !== req.id) return;
        if (ev.type === 'progress') report({ runs: ev.runs ?? 0, modelSteps: ev.modelSteps ?? 0 });
        else if (ev.type === 'result') {
          done();
          resolve(ev.rows);
        } else if (ev.type === 'cancelled') {
          done();
          resolve(null);
        } else if (ev.type === 'error') {
          done();
          reject(new Error(ev.message));
        }
      };
      const onError = (e: ErrorEvent) => {
        done();
        // A crashed worker is ended; the retry (or the next sweep) starts a fresh one.
        w.terminate();
        if (this.workers[s] === w) this.workers[s] = null;
        reject(new Error(`the sweep worker crashed (${e.message || 'unknown error'})`));
      };
      w.addEventListener('message', onMessage);
      w.addEventListener('error', onError);
      w.postMessage(req);
    });
  }
}
