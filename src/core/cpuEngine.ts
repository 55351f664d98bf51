/** The exact CPU engine (SPEC §2): one CpuTrainer per member, the reference every other engine is tested against. */
import { checkEngineState, type Engine, type EngineState, type MemberSpec } from './engine.ts';
import type { BaseModel } from './model/baseModel.ts';
import { cpuTrainer, modelData } from './run.ts';
import type { CpuTrainer } from './transcoder/cpuTrainer.ts';
import type { TrainingData } from './transcoder/data.ts';
import type { LossParts } from './transcoder/training.ts';

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
