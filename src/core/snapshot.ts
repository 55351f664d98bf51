/** What the page sees of a transcoder at one step: parameters, activations, reconstructions, metrics. */
import type { TranscoderKind } from './config.ts';
import { computeMetrics, trainingOutputs, type Metrics } from './metrics/metrics.ts';
import type { BaseModel } from './model/baseModel.ts';
import type { LossParts } from './transcoder/training.ts';
import type { TrainingData } from './transcoder/data.ts';
import type { Layout } from './transcoder/layout.ts';

export interface TranscoderSnapshot {
  kind: TranscoderKind;
  step: number;
  /** Flat parameters in `transcoderLayout(kind, model, config)` order. */
  params: Float64Array;
  /** L × N × F activations on the training inputs. */
  acts: Float64Array;
  /** L × N × D reconstructed MLP outputs, un-standardized (the model's own units). */
  recon: Float64Array;
  metrics: Metrics;
  loss: LossParts;
}

export interface RunSnapshot {
  step: number;
  totalSteps: number;
  members: TranscoderSnapshot[];
}

/** Builds a snapshot of one transcoder from its parameters. */
export function snapshotOf(
  kind: TranscoderKind,
  layout: Layout,
  params: Float64Array,
  step: number,
  loss: LossParts,
  data: TrainingData,
  model: BaseModel,
): TranscoderSnapshot {
  const tc = { layout, params };
  const outputs = trainingOutputs(tc, data);
  const { acts, yHat } = outputs;
  const L = layout.layers;
  const N = data.n;
  const F = layout.features;
  const D = data.dims;
  const actsFlat = new Float64Array(L * N * F);
  const recon = new Float64Array(L * N * D);
  for (let l = 0; l < L; l++) {
    actsFlat.set(acts[l], l * N * F);
    const { mean, std } = data.outStats[l];
    for (let k = 0; k < N * D; k++) recon[l * N * D + k] = yHat[l][k] * std[k % D] + mean[k % D];
  }
  return { kind, step, params, acts: actsFlat, recon, metrics: computeMetrics(tc, data, model, outputs), loss };
}

/** The buffers a snapshot can hand over without copying. */
export function snapshotTransfers(s: RunSnapshot): ArrayBuffer[] {
  return s.members.flatMap((m) => [m.params.buffer, m.acts.buffer, m.recon.buffer] as ArrayBuffer[]);
}
