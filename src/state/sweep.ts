/**
 * The page's side of sweeps (issue 15 item 4): the views ask here, never the worker floor. A
 * SweepClient owns the sweep workers — one that trains the whole grid as one population
 * (WebGPU, or its CPU fallback) and the CPU pool that trains it in slices — and answers each
 * run's events by its id. The grid, its bounds and the CSV are core/sweep/.
 */
import type { EngineChoice } from '../core/config.ts';
import type { SweepMember } from '../core/sweep/sweep.ts';
import type { PoolProgress, PoolResult } from '../core/sweep/pool.ts';
import { cpuOnlyReason, isSoftwareAdapter } from '../worker/engines.ts';
import type { SweepEvent, SweepRequest, SweepRunRequest } from '../worker/sweepProtocol.ts';
import { createSweepWorker, SweepPoolClient } from '../worker/sweepPoolClient.ts';

export type { SweepEvent, SweepRunRequest } from '../worker/sweepProtocol.ts';

let hardwareGpu: Promise<boolean> | null = null;
/** Whether this browser has a hardware WebGPU adapter (asked once). */
function hasHardwareGpu(): Promise<boolean> {
  hardwareGpu ??= (async () => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
    return adapter !== null && !isSoftwareAdapter(adapter);
  })();
  return hardwareGpu;
}

/**
 * Whether the sweep trains as one population in one worker (WebGPU, as the engine choice
 * asks) rather than sliced over the CPU pool: `webgpu` always, `auto` on a hardware adapter
 * for a run WebGPU implements, `cpu` never.
 */
export async function trainsAsPopulation(choice: EngineChoice, members: readonly SweepMember[]): Promise<boolean> {
  if (choice === 'cpu') return false;
  if (choice === 'webgpu') return true;
  return cpuOnlyReason(members) === null && (await hasHardwareGpu());
}

/** What one population run is told: its events, and the crash of its worker (in a sentence). */
export interface PopulationListener {
  onEvent: (event: SweepEvent) => void;
  onCrash: (message: string) => void;
}

export class SweepClient {
  private worker: Worker | null = null;
  private pool: SweepPoolClient | null = null;
  private listener: { id: number; on: PopulationListener } | null = null;

  constructor(private readonly make: () => Worker = createSweepWorker) {}

  /**
   * Trains the whole grid of `req` as one population in one worker; only this run's events
   * reach `on` (a later run replaces it). A crashed worker is ended; the next run starts a fresh one.
   */
  runPopulation(req: Omit<SweepRunRequest, 'type' | 'slice'>, on: PopulationListener): void {
    this.listener = { id: req.id, on };
    if (!this.worker) {
      const w = this.make();
      this.worker = w;
      w.addEventListener('message', (e: MessageEvent<SweepEvent>) => {
        const l = this.listener;
        if (l && e.data.id === l.id) l.on.onEvent(e.data);
      });
      w.addEventListener('error', (e) => {
        w.terminate();
        if (this.worker === w) this.worker = null;
        this.listener?.on.onCrash(e.message || 'unknown error');
      });
    }
    const run: SweepRequest = { type: 'run', ...req };
    this.worker.postMessage(run);
  }

  /** Trains `req`'s grid (n runs) sliced over `size` CPU workers, merged back in grid order. */
  runSliced(req: Omit<SweepRunRequest, 'type' | 'slice' | 'engine'>, n: number, size: number, onProgress: (p: PoolProgress) => void, onRetry: (slice: number, message: string) => void): Promise<PoolResult> {
    this.pool ??= new SweepPoolClient(this.make);
    return this.pool.run({ type: 'run', ...req }, n, size, onProgress, onRetry);
  }

  /** Asks every worker to stop run `id` after its current chunk. */
  cancel(id: number): void {
    const req: SweepRequest = { type: 'cancel', id };
    this.worker?.postMessage(req);
    this.pool?.cancel();
  }

  /** Ends every worker; a later run starts fresh ones. */
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.pool?.terminate();
    this.listener = null;
  }
}
