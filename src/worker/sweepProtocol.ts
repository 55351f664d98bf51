/**
 * The sweep worker's messages, types only: a run (the whole grid, or a pool worker's slice) or a
 * cancel goes in; progress, the rows, `cancelled` or `error` come back, each with the request's id.
 */
import type { TrainConfig } from '../core/config.ts';
import type { EngineName } from '../core/engine.ts';
import type { SweepProgress, SweepRow, SweepSpec } from '../core/sweep/sweep.ts';

/** Starts a sweep in the sweep worker. */
export interface SweepRunRequest {
  type: 'run';
  id: number;
  spec: SweepSpec;
  /** The current experiment's training config; the sweep overrides its grid fields. */
  base: TrainConfig;
  /** The URL's circuit ('' is the write-up's model). */
  circuit: string;
  /** 'auto' takes WebGPU on a hardware adapter, like the main run. */
  engine: 'auto' | 'cpu' | 'webgpu';
  /** Also measure each member under the hand-off cut (the Why panel). */
  handoff?: boolean;
  /**
   * A pool worker's share (issue 18): the grid indices it trains, one run after another on
   * the CPU engine (core/sweep/pool.ts); the rows come back in this order. Absent: the whole grid
   * as one population on the engine chosen.
   */
  slice?: number[];
}

/** Stops the running sweep after its current chunk. */
export interface SweepCancelRequest {
  type: 'cancel';
  id: number;
}

export type SweepRequest = SweepRunRequest | SweepCancelRequest;

/** Every event carries the id of the run request it answers. */
export type SweepEvent =
  | ({ type: 'progress'; id: number; members: number; note?: string; runs?: number; modelSteps?: number } & SweepProgress)
  | { type: 'result'; id: number; rows: SweepRow[]; engine: EngineName; ms: number }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; message: string };
