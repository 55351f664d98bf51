/**
 * The Engine interface every engine implements: a population of transcoders trained in lock
 * step. The CPU engine is the exact reference; the WebGPU engine plugs in behind the same face.
 */
import type { TrainConfig, TranscoderKind } from './config.ts';
import type { LossParts } from './transcoder/training.ts';
import type { TrainingData } from './transcoder/data.ts';

export type EngineName = 'cpu' | 'webgpu';

/** One member of a population: its kind and the config it trains under. */
export interface MemberSpec {
  kind: TranscoderKind;
  config: TrainConfig;
}

/** Parameters and their Adam moments, all of one length. */
export interface ParamState {
  params: Float64Array;
  m: Float64Array;
  v: Float64Array;
}

/**
 * One member's parameters and Adam state in its own layout, for handing a run between engines;
 * `padded`: its decoders' padded columns (transcoder/padded.ts), present exactly when the member
 * trains them (padDims above the model's dims, CPU engine only), kept out of `params` so every
 * view's layout indexing stays as it is.
 */
export interface MemberState extends ParamState {
  padded?: ParamState;
}

/** A whole population's training state at one step. */
export interface EngineState {
  step: number;
  members: MemberState[];
}

/**
 * Throws (a bug in the caller: states come from an engine of the same members) unless `state`
 * has one member per size, each with params, m and v of that size, and padded columns of
 * `paddedSizes[i]` exactly where that is above 0 (absent: no member has any); checked before any
 * write, so a refused import leaves the engine as it was.
 */
export function checkEngineState(state: EngineState, sizes: readonly number[], paddedSizes: readonly number[] = []): void {
  if (state.members.length !== sizes.length) throw new Error(`state has ${state.members.length} members, the engine ${sizes.length}`);
  const fits = (i: number, what: string, s: ParamState, size: number): void => {
    for (const [name, a] of [['parameters', s.params], ['first moments', s.m], ['second moments', s.v]] as const) {
      if (a.length !== size) throw new Error(`member ${i}: state has ${a.length} ${what}${name}, the engine ${size}`);
    }
  };
  state.members.forEach((s, i) => {
    fits(i, '', s, sizes[i]);
    const padded = paddedSizes[i] ?? 0;
    if (padded > 0 && !s.padded) throw new Error(`member ${i}: state has no padded decoder columns, the engine trains ${padded}`);
    if (padded === 0 && s.padded) throw new Error(`member ${i}: state has padded decoder columns, the engine trains none`);
    if (s.padded) fits(i, 'padded-column ', s.padded, padded);
  });
}

export interface Engine {
  readonly name: EngineName;
  /** Steps taken so far (the same for every member). */
  readonly step: number;
  readonly data: TrainingData;
  /** Runs `count` more steps for every member. */
  train(count: number): Promise<void>;
  /** A copy of member i's flat parameters. */
  readParams(i: number): Promise<Float64Array>;
  /**
   * A copy of member i's padded decoder columns (transcoder/padded.ts), null when it trains
   * none; engines that never train them leave it out.
   */
  readPadded?(i: number): Promise<Float64Array | null>;
  /** Member i's loss parts at its last step. */
  lossParts(i: number): LossParts;
  /**
   * Continues a run from `state` (same members, same order): a run handed over by another
   * engine, or one resumed from a snapshot in a fresh worker.
   */
  importState(state: EngineState): Promise<void>;
  /** Fault injection: destroys the GPU device as a real loss would; false when there is none. */
  loseDevice?(): boolean;
  dispose(): void;
}
