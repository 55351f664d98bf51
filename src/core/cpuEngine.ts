/** The exact CPU engine (SPEC §2): one CpuTrainer per member, the reference every other engine is tested against. */
import { checkEngineState, type Engine, type EngineState, type MemberSpec, type MemberState } from './engine.ts';
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

  /** A copy of member i's padded decoder columns, null when it trains none. */
  readPadded(i: number): Promise<Float64Array | null> {
    const padded = this.trainers[i].padded;
    return Promise.resolve(padded ? Float64Array.from(padded.params) : null);
  }

  lossParts(i: number): LossParts {
    return this.trainers[i].last;
  }

  importState(state: EngineState): Promise<void> {
    this.importStateSync(state);
    return Promise.resolve();
  }

  /** Every member's params and Adam moments (copies), with its padded columns' when it trains them. */
  exportState(): Promise<EngineState> {
    return Promise.resolve(this.exportStateSync());
  }

  exportStateSync(): EngineState {
    const members = this.trainers.map((t): MemberState => {
      const { m, v } = t.optimizerState();
      const own = { params: Float64Array.from(t.params), m: Float64Array.from(m), v: Float64Array.from(v) };
      if (!t.padded) return own;
      const p = t.padded.state();
      return { ...own, padded: { params: Float64Array.from(p.params), m: Float64Array.from(p.m), v: Float64Array.from(p.v) } };
    });
    return { step: this.step, members };
  }

  importStateSync(state: EngineState): void {
    checkEngineState(state, this.trainers.map((t) => t.params.length), this.trainers.map((t) => t.padded?.params.length ?? 0));
    this.trainers.forEach((t, i) => {
      const s = state.members[i];
      t.params.set(s.params);
      t.optimizerState().m.set(s.m);
      t.optimizerState().v.set(s.v);
      if (t.padded && s.padded) {
        const p = t.padded.state();
        p.params.set(s.padded.params);
        p.m.set(s.padded.m);
        p.v.set(s.padded.v);
      }
      t.step = state.step;
    });
  }

  dispose(): void {}
}
