/**
 * What the page sees of a transcoder at one step: parameters, activations, reconstructions,
 * metrics. Its cost scales with what is shown: activations and reconstructions are carried for
 * at most SHOWN_INPUTS inputs, a history entry drops them (`historyPlan`) when a run's history
 * would hold more than HISTORY_SHOWN_BYTES of them, and keeps parameters on every k-th entry
 * only when all of them would pass HISTORY_PARAMS_BYTES, and the interventions (N × N pairs each) are measured
 * only up to MAX_PAIRS pairs.
 */
import type { TranscoderKind } from './config.ts';
import { computeMetrics, replacementAccuracy, sparsityMetrics, trainingOutputs, type Metrics } from './metrics/metrics.ts';
import type { BaseModel } from './model/baseModel.ts';
import { Random } from './random.ts';
import type { LossParts } from './transcoder/training.ts';
import type { TrainingData } from './transcoder/data.ts';
import type { Layout } from './transcoder/layout.ts';

/** Most inputs a snapshot carries activations and reconstructions for: every input up to 8-input circuits. */
export const SHOWN_INPUTS = 256;
/** Most (target, source) pairs a snapshot's interventions are measured on (SPEC §4 patches all N × N): N ≤ 256. */
export const MAX_PAIRS = 65_536;
/** History snapshots per run that the budget below is spread over (pacer.ts HISTORY_POINTS + the first and last). */
const HISTORY_SNAPSHOTS = 302;
/** Most bytes of activations and reconstructions a run's whole history may hold, all members together. */
export const HISTORY_SHOWN_BYTES = 64 * 2 ** 20;
/** Most bytes of parameters a run's whole history may hold, all members together. */
export const HISTORY_PARAMS_BYTES = 128 * 2 ** 20;

export interface TranscoderSnapshot {
  kind: TranscoderKind;
  step: number;
  /** Flat parameters in `transcoderLayout(kind, model, config)` order. */
  params: Float64Array;
  /**
   * The decoders' padded columns (transcoder/padded.ts), set only on a live snapshot of a member
   * that trains them (padDims above the model's dims): no view reads them, a resumed run needs
   * them. History entries never carry them.
   */
  padded?: Float64Array;
  /**
   * L × N × F activations on the training inputs; with `inputs`, L × inputs.length × F on those
   * inputs only (none in a history snapshot that dropped them).
   */
  acts: Float64Array;
  /** L × N × D reconstructed MLP outputs, un-standardized (the model's own units); with `inputs`, on those only. */
  recon: Float64Array;
  /**
   * Set when `acts` and `recon` do not cover every input: the input indices they cover, in
   * order. Absent: all N inputs, in order. Always set by `snapshotOf` when it is a subset.
   */
  inputs?: Int32Array;
  /** L × F: on how many of all N inputs each feature fires (what the alive counts and filters read). Set by `snapshotOf`. */
  fires?: Int32Array;
  metrics: Metrics;
  loss: LossParts;
  /**
   * A sentence naming what this snapshot did not measure, when the run is too big for it (the
   * interventions of a circuit with more than 8 inputs): `metrics.interventions` is then empty
   * and `metrics.faithfulness` NaN.
   */
  unmeasured?: string;
}

export interface RunSnapshot {
  step: number;
  totalSteps: number;
  members: TranscoderSnapshot[];
}

const shownCache = new Map<number, Int32Array>();
/**
 * The inputs a snapshot shows out of N: all of them up to SHOWN_INPUTS, else a fixed spread of
 * SHOWN_INPUTS of them (a seeded draw without replacement, sorted), the same on every step.
 */
export function shownInputs(n: number): Int32Array | null {
  if (n <= SHOWN_INPUTS) return null;
  let out = shownCache.get(n);
  if (!out) {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const rng = new Random(0x5eed ^ n);
    for (let k = 0; k < SHOWN_INPUTS; k++) {
      const j = k + rng.int(n - k);
      [order[k], order[j]] = [order[j], order[k]];
    }
    out = order.slice(0, SHOWN_INPUTS).sort();
    shownCache.set(n, out);
  }
  return out;
}

/** Whether a run's history snapshots can keep their activations and reconstructions within HISTORY_SHOWN_BYTES. */
export function historyKeepsShown(layout: Layout, data: TrainingData, members: number): boolean {
  const shown = Math.min(data.n, SHOWN_INPUTS);
  const bytes = layout.layers * shown * (layout.features + data.dims) * 8;
  return bytes * members * HISTORY_SNAPSHOTS <= HISTORY_SHOWN_BYTES;
}

/** What a run's history entries keep, so its whole history stays within the budgets above. */
export interface HistoryPlan {
  /** Activations and reconstructions (else empty). */
  shown: boolean;
  /** Parameters on every k-th history entry (and the first and last); 1: on all. */
  paramsEvery: number;
}

/** The history plan of a run of these members' layouts on `data`: everything, unless it would outgrow the budgets. */
export function historyPlan(layouts: readonly Layout[], data: TrainingData): HistoryPlan {
  const params = layouts.reduce((s, l) => s + l.size * 8, 0) * HISTORY_SNAPSHOTS;
  return {
    shown: layouts.every((l) => historyKeepsShown(l, data, layouts.length)),
    paramsEvery: Math.max(1, Math.ceil(params / HISTORY_PARAMS_BYTES)),
  };
}

/**
 * A member's light history entry: fire counts, metrics and loss, and (copied) parameters when
 * `keep.params`, activations and reconstructions when `keep.shown`; what is not kept is empty
 * (`inputs` empty too).
 */
export function historyEntry(snapshot: TranscoderSnapshot, keep: { shown: boolean; params: boolean }): TranscoderSnapshot {
  // The padded columns stay with the live snapshot (a resume reads the newest one, never the history).
  const m = { ...snapshot };
  delete m.padded;
  const fires = m.fires ? { fires: m.fires.slice() } : {};
  const params = keep.params ? m.params.slice() : new Float64Array(0);
  if (keep.shown) return { ...m, params, acts: m.acts.slice(), recon: m.recon.slice(), ...(m.inputs ? { inputs: m.inputs.slice() } : {}), ...fires };
  return { ...m, params, acts: new Float64Array(0), recon: new Float64Array(0), inputs: new Int32Array(0), ...fires };
}

/** Builds a snapshot of one transcoder from its parameters (and its padded columns, carried as given, when it trains them). */
export function snapshotOf(
  kind: TranscoderKind,
  layout: Layout,
  params: Float64Array,
  step: number,
  loss: LossParts,
  data: TrainingData,
  model: BaseModel,
  padded: Float64Array | null = null,
): TranscoderSnapshot {
  const tc = { layout, params };
  const outputs = trainingOutputs(tc, data);
  const { acts, yHat } = outputs;
  const L = layout.layers;
  const N = data.n;
  const F = layout.features;
  const D = data.dims;
  const subset = shownInputs(N);
  const S = subset ? subset.length : N;
  const actsShown = new Float64Array(L * S * F);
  const recon = new Float64Array(L * S * D);
  const fires = new Int32Array(L * F);
  for (let l = 0; l < L; l++) {
    const a = acts[l];
    for (let i = 0; i < N * F; i++) if (a[i] > 0) fires[l * F + (i % F)]++;
    const { mean, std } = data.outStats[l];
    if (!subset) {
      actsShown.set(a, l * N * F);
      for (let k = 0; k < N * D; k++) recon[l * N * D + k] = yHat[l][k] * std[k % D] + mean[k % D];
      continue;
    }
    for (let s = 0; s < S; s++) {
      const n = subset[s];
      actsShown.set(a.subarray(n * F, (n + 1) * F), (l * S + s) * F);
      for (let d = 0; d < D; d++) recon[(l * S + s) * D + d] = yHat[l][n * D + d] * std[d] + mean[d];
    }
  }
  const shown = { ...(padded ? { padded } : {}), acts: actsShown, recon, fires, ...(subset ? { inputs: subset.slice() } : {}) };
  if (N * N <= MAX_PAIRS) return { kind, step, params, ...shown, metrics: computeMetrics(tc, data, model, outputs), loss };
  // Every standard hand-off patches N × N pairs: at 4,096 inputs, 16.8 million pairs × F features each.
  const metrics: Metrics = { ...sparsityMetrics(tc, data, outputs), accuracy: replacementAccuracy(tc, data, model), faithfulness: NaN, interventions: [] };
  const unmeasured =
    `Faithfulness and the standard interventions are not measured while training ${N.toLocaleString('en-US')} inputs: ` +
    `each hand-off's patch spans ${(N * N).toLocaleString('en-US')} (target, source) pairs; snapshots measure up to ${MAX_PAIRS.toLocaleString('en-US')} (8 inputs).`;
  return { kind, step, params, ...shown, metrics, loss, unmeasured };
}

/** The buffers a snapshot can hand over without copying. */
export function snapshotTransfers(s: RunSnapshot): ArrayBuffer[] {
  return s.members.flatMap(
    (m) => [m.params.buffer, ...(m.padded ? [m.padded.buffer] : []), m.acts.buffer, m.recon.buffer, ...(m.inputs ? [m.inputs.buffer] : []), ...(m.fires ? [m.fires.buffer] : [])] as ArrayBuffer[],
  );
}
