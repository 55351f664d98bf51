/**
 * The Engine interface every engine implements: a population of transcoders trained in lock
 * step. The CPU engine is the exact reference; the WebGPU engine plugs in behind the same face.
 */
import type { TrainConfig, TranscoderKind } from './config.ts';
import type { BaseModel } from './model/baseModel.ts';
import { cpuTrainer, modelData } from './run.ts';
import type { CpuTrainer, LossParts } from './transcoder/cpuTrainer.ts';
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

/** The CPU engine: one exact CpuTrainer per member. */
export class CpuEngine implements Engine {
  readonly name = 'cpu' as const;
  readonly data: TrainingData;
  readonly trainers: CpuTrainer[];

  constructor(model: BaseModel, members: readonly MemberSpec[], data: TrainingData = modelData(model, members[0]?.config.layout)) {
    this.data = data;
    this.trainers = members.map((m) => cpuTrainer(m.kind, model, data, m.config));
  }

  get step(): number {
    return this.trainers[0]?.step ?? 0;
  }

  /** Synchronous training, for the CLI and tests. */
  trainSync(count: number): void {
    for (const t of this.trainers) t.train(count);
  }

  train(count: number): Promise<void> {
    this.trainSync(count);
    return Promise.resolve();
  }

  readParams(i: number): Promise<Float64Array> {
    return Promise.resolve(Float64Array.from(this.trainers[i].params));
  }

  lossParts(i: number): LossParts {
    return this.trainers[i].last;
  }

  importState(state: EngineState): Promise<void> {
    this.importStateSync(state);
    return Promise.resolve();
  }

  importStateSync(state: EngineState): void {
    checkEngineState(state, this.trainers.map((t) => t.params.length));
    this.trainers.forEach((t, i) => {
      const s = state.members[i];
      t.params.set(s.params);
      t.optimizerState().m.set(s.m);
      t.optimizerState().v.set(s.v);
      t.step = state.step;
    });
  }

  dispose(): void {}
}
