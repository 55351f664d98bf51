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
  dispose(): void;
}

/** The CPU engine: one exact CpuTrainer per member. */
export class CpuEngine implements Engine {
  readonly name = 'cpu' as const;
  readonly data: TrainingData;
  readonly trainers: CpuTrainer[];

  constructor(model: BaseModel, members: readonly MemberSpec[], data: TrainingData = modelData(model)) {
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

  dispose(): void {}
}
