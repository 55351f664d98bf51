/** Metrics of a trained transcoder (SPEC §3) and its faithfulness under interchange patches (SPEC §4). */
import type { Cut } from '../config.ts';
import { forward, outputClasses, type Ablation, type BaseModel } from '../model/baseModel.ts';
import type { TrainingData } from '../transcoder/data.ts';
import { decodeTarget, encodeLayer, type TrainedTranscoder } from '../transcoder/apply.ts';
import { faithfulnessOf, standardEffects, type StandardEffect } from './effects.ts';
import { replacementForward } from './replacement.ts';

export interface Metrics {
  l0: number[];
  alive: number[];
  mse: number[];
  accuracy: number;
  /** Mean effect IIA over the standard hand-offs' patches (SPEC §4); NaN when no patch changes the real model. */
  faithfulness: number;
  /** The standard hand-off set, each cut and patched: agreement, changed and followed (CONTRACTS §1). */
  interventions: StandardEffect[];
}

/** Activations and standardized reconstructions on the training inputs. */
export function trainingOutputs(tc: TrainedTranscoder, data: TrainingData): { acts: Float64Array[]; yHat: Float64Array[] } {
  const acts = data.x.map((x, l) => encodeLayer(tc, l, x).a);
  const yHat = data.y.map((_, t) => decodeTarget(tc, t, acts));
  return { acts, yHat };
}

/** The base model's output classes under an intervention: fixed per model, so computed once. */
const baseClassCache = new WeakMap<BaseModel, Map<string, boolean[]>>();
export function baseClasses(model: BaseModel, iv: Intervention = { cuts: [] }): boolean[] {
  let perModel = baseClassCache.get(model);
  if (!perModel) baseClassCache.set(model, (perModel = new Map()));
  const key = JSON.stringify(iv);
  let classes = perModel.get(key);
  if (!classes) perModel.set(key, (classes = outputClasses(model, forward(model, iv).resid)));
  return classes;
}

/** L0, alive and MSE per layer on the training data (`outputs` when already computed). */
export function sparsityMetrics(
  tc: TrainedTranscoder,
  data: TrainingData,
  outputs: { acts: Float64Array[]; yHat: Float64Array[] } = trainingOutputs(tc, data),
): Pick<Metrics, 'l0' | 'alive' | 'mse'> {
  const F = tc.layout.features;
  const D = data.dims;
  const N = data.n;
  const { acts, yHat } = outputs;
  const l0 = acts.map((a) => a.reduce((s, v) => s + (v > 0 ? 1 : 0), 0) / N);
  const alive = acts.map((a) => {
    let count = 0;
    for (let f = 0; f < F; f++) {
      for (let n = 0; n < N; n++) {
        if (a[n * F + f] > 0) {
          count++;
          break;
        }
      }
    }
    return count;
  });
  const mse = yHat.map((y, t) => y.reduce((s, v, k) => s + (v - data.y[t][k]) ** 2, 0) / (N * D));
  return { l0, alive, mse };
}

/** A base-model intervention: cuts plus neuron ablations. */
export interface Intervention {
  cuts: Cut[];
  ablations?: Ablation[];
}

/**
 * The zero-cuts the consistency loss trains on: for each layer l ≥ 1, every dim an earlier MLP
 * writes, cut alone into l, and all of them at once. The score measures patches instead.
 */
export function standardInterventions(model: BaseModel): Intervention[] {
  const out: Intervention[] = [];
  const D = model.dims;
  for (let l = 1; l < model.layers.length; l++) {
    const written: number[] = [];
    for (let d = 0; d < D; d++) {
      const writes = model.layers.slice(0, l).some((layer) => {
        for (let j = 0; j < layer.hidden; j++) if (layer.wOut[j * D + d] !== 0) return true;
        return false;
      });
      if (writes) written.push(d);
    }
    for (const d of written) out.push({ cuts: [{ dims: [d], layer: l }] });
    if (written.length > 1) out.push({ cuts: [{ dims: written, layer: l }] });
  }
  return out;
}

/** Share of inputs whose output class matches the truth (the clean base model). */
export function replacementAccuracy(tc: TrainedTranscoder, data: TrainingData, model: BaseModel): number {
  const truth = baseClasses(model);
  const repl = outputClasses(model, replacementForward(tc, data, model).resid);
  return truth.reduce((s, t, i) => s + (t === repl[i] ? 1 : 0), 0) / truth.length;
}

/**
 * The faithfulness score (SPEC §4): mean effect IIA over the standard hand-offs' interchange
 * patches. Never the zero-cuts the consistency loss trains on.
 */
export function faithfulness(tc: TrainedTranscoder, data: TrainingData, model: BaseModel): number {
  return faithfulnessOf(standardEffects(tc, data, model));
}

export function computeMetrics(
  tc: TrainedTranscoder,
  data: TrainingData,
  model: BaseModel,
  outputs?: { acts: Float64Array[]; yHat: Float64Array[] },
): Metrics {
  const interventions = standardEffects(tc, data, model);
  return {
    ...sparsityMetrics(tc, data, outputs),
    accuracy: replacementAccuracy(tc, data, model),
    faithfulness: faithfulnessOf(interventions),
    interventions,
  };
}
