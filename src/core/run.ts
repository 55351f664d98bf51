/** Setting up one training run: base model → data → one transcoder per kind, seeded. */
import type { TrainConfig, TranscoderKind } from './config.ts';
import { forward, type BaseModel } from './model/baseModel.ts';
import { CpuTrainer } from './transcoder/cpuTrainer.ts';
import { trainingData, type TrainingData } from './transcoder/data.ts';
import { initParams } from './transcoder/init.ts';
import { allowedPairs, makeLayout, type Layout } from './transcoder/layout.ts';

export function transcoderLayout(kind: TranscoderKind, model: BaseModel, cfg: Pick<TrainConfig, 'features' | 'window'>): Layout {
  const L = model.layers.length;
  return makeLayout(L, model.dims, cfg.features, allowedPairs(kind, L, cfg.window));
}

/** The transcoders' training set: the clean base model's MLP inputs and outputs, standardized. */
export function modelData(model: BaseModel): TrainingData {
  return trainingData(forward(model), model.dims);
}

export function cpuTrainer(kind: TranscoderKind, model: BaseModel, data: TrainingData, cfg: TrainConfig): CpuTrainer {
  const layout = transcoderLayout(kind, model, cfg);
  return new CpuTrainer(layout, data, cfg, initParams(layout, cfg.seed), { model, seed: cfg.seed });
}
