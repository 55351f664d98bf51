/** Metrics of a trained transcoder (SPEC §3) and its faithfulness under interventions (SPEC §4). */
import type { Cut } from '../config.ts';
import { forward, outputClasses, type Ablation, type BaseModel } from '../model/baseModel.ts';
import type { TrainingData } from '../transcoder/data.ts';
import { decodeTarget, encodeLayer, type TrainedTranscoder } from '../transcoder/apply.ts';
import { replacementForward, type ReplacementInterventions } from './replacement.ts';

export interface Metrics {
  l0: number[];
  alive: number[];
  mse: number[];
  accuracy: number;
  faithfulness: number;
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
 * The standard set (SPEC §4): for each layer l ≥ 1, every dim an earlier MLP writes, cut
 * alone into l, and all of them at once.
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

/** Per input: does the intervened replacement give the intervened base model's class? */
export function agreementPerInput(
  tc: TrainedTranscoder,
  data: TrainingData,
  model: BaseModel,
  iv: Intervention,
  extra: Omit<ReplacementInterventions, 'cuts'> = {},
): boolean[] {
  const base = baseClasses(model, iv);
  const repl = outputClasses(model, replacementForward(tc, data, model, { ...extra, cuts: iv.cuts }).resid);
  return base.map((b, i) => b === repl[i]);
}

export function agreement(tc: TrainedTranscoder, data: TrainingData, model: BaseModel, iv: Intervention): number {
  const per = agreementPerInput(tc, data, model, iv);
  return per.filter(Boolean).length / per.length;
}

/** Mean agreement over the standard set of interventions. */
export function faithfulness(tc: TrainedTranscoder, data: TrainingData, model: BaseModel): number {
  const set = standardInterventions(model);
  if (set.length === 0) return 1;
  return set.reduce((s, iv) => s + agreement(tc, data, model, iv), 0) / set.length;
}

export function computeMetrics(
  tc: TrainedTranscoder,
  data: TrainingData,
  model: BaseModel,
  outputs?: { acts: Float64Array[]; yHat: Float64Array[] },
): Metrics {
  return {
    ...sparsityMetrics(tc, data, outputs),
    accuracy: replacementAccuracy(tc, data, model),
    faithfulness: faithfulness(tc, data, model),
  };
}
