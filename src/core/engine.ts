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

/** One member's parameters and Adam state in its own layout, for handing a run between engines. */
export interface MemberState {
  params: Float64Array;
  m: Float64Array;
  v: Float64Array;
}

/** A whole population's training state at one step. */
export interface EngineState {
  step: number;
  members: MemberState[];
}

/**
 * Throws (a bug in the caller: states come from an engine of the same members) unless `state`
 * has one member per size, each with params, m and v of that size; checked before any write,
 * so a refused import leaves the engine as it was.
 */
export function checkEngineState(state: EngineState, sizes: readonly number[]): void {
  if (state.members.length !== sizes.length) throw new Error(`state has ${state.members.length} members, the engine ${sizes.length}`);
  state.members.forEach((s, i) => {
    for (const [name, a] of [['parameters', s.params], ['first moments', s.m], ['second moments', s.v]] as const) {
      if (a.length !== sizes[i]) throw new Error(`member ${i}: state has ${a.length} ${name}, the engine ${sizes[i]}`);
    }
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
