/** Setting up one training run: base model → data → one transcoder per kind, seeded. */
import type { DataLayout, TrainConfig, TranscoderKind } from './config.ts';
import { forward, type BaseModel, type ForwardResult } from './model/baseModel.ts';
import { CpuTrainer } from './transcoder/cpuTrainer.ts';
import { trainingData, type TrainingData } from './transcoder/data.ts';
import { initParams } from './transcoder/init.ts';
import { allowedPairs, makeLayout, type Layout } from './transcoder/layout.ts';

export function transcoderLayout(
  kind: TranscoderKind, model: BaseModel, cfg: Pick<TrainConfig, 'features' | 'window'> & Partial<Pick<TrainConfig, 'thetaParam'>>,
): Layout {
  const L = model.layers.length;
  return makeLayout(L, model.dims, cfg.features, allowedPairs(kind, L, cfg.window), cfg.thetaParam ?? 'log');
}

/** The layout a model can be trained under: `as-trained` needs exactly two layers (SPEC §2); others use `as-described`. */
export function dataLayoutFor(model: BaseModel, layout: DataLayout = 'as-described'): DataLayout {
  return layout === 'as-trained' && model.layers.length === 2 ? 'as-trained' : 'as-described';
}

/** The transcoders' training set: the clean base model's MLP inputs and outputs, standardized, arranged per `layout`. */
export function modelData(model: BaseModel, layout: DataLayout = 'as-described'): TrainingData {
  return trainingData(forward(model), model.dims, dataLayoutFor(model, layout));
}

export function cpuTrainer(kind: TranscoderKind, model: BaseModel, data: TrainingData, cfg: TrainConfig): CpuTrainer {
  const layout = transcoderLayout(kind, model, cfg);
  const init = initParams(layout, cfg.seed, { init: cfg.init, thetaInit: cfg.thetaInit, padDims: cfg.padDims });
  return new CpuTrainer(layout, data, cfg, init, { model, seed: cfg.seed });
}

const cleanRuns = new WeakMap<BaseModel, ForwardResult>();
const dataSets = new WeakMap<BaseModel, Map<DataLayout, TrainingData>>();

/**
 * The clean forward pass over the model's own inputs, computed once per model object: the views
 * that each need it (truth values, reconstruction targets, constant inputs) share one pass. Read
 * only: callers must not write into it.
 */
export function cleanForward(model: BaseModel): ForwardResult {
  let run = cleanRuns.get(model);
  if (!run) {
    run = forward(model);
    cleanRuns.set(model, run);
  }
  return run;
}

/** `modelData`, computed once per model object and layout (read only, as `cleanForward`). */
export function sharedModelData(model: BaseModel, layout: DataLayout = 'as-described'): TrainingData {
  let byLayout = dataSets.get(model);
  if (!byLayout) {
    byLayout = new Map();
    dataSets.set(model, byLayout);
  }
  let data = byLayout.get(layout);
  if (!data) {
    // Over the shared clean pass: one forward pass per model, whatever the layouts asked.
    data = trainingData(cleanForward(model), model.dims, dataLayoutFor(model, layout));
    byLayout.set(layout, data);
  }
  return data;
}
