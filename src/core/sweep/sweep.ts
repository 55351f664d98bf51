/**
 * Sweeps (issue 5): a grid of λ × seeds × variants expanded into one population, trained in
 * lock step by any Engine, then measured member by member (SPEC §3–4). Pure: runs in Node,
 * in the sweep worker and in tests. The sweep worker's messages are worker/sweepProtocol.ts.
 */
import { BOUNDS, DEFAULT_TRAIN, PENALTIES, type PenaltyKind, type TrainConfig } from '../config.ts';
import type { Engine, EngineName, MemberSpec } from '../engine.ts';
import { cutEffectRecall } from '../metrics/effects.ts';
import { computeMetrics, type Metrics } from '../metrics/metrics.ts';
import type { BaseModel } from '../model/baseModel.ts';
import { transcoderLayout } from '../run.ts';
import type { TrainedTranscoder } from '../transcoder/apply.ts';
import type { TrainingData } from '../transcoder/data.ts';

/** The transcoder variants a sweep can compare. */
export type SweepVariant = 'clt-concat' | 'clt-sum' | 'clt-window' | 'plt';

export const SWEEP_VARIANTS: readonly SweepVariant[] = ['clt-concat', 'clt-sum', 'clt-window', 'plt'];

/** What a person reads for each variant (legend, tooltip, CSV stays on the id). */
export const VARIANT_LABEL: Record<SweepVariant, string> = {
  'clt-concat': 'CLT, concat norm',
  'clt-sum': 'CLT, sum norm',
  'clt-window': 'windowed CLT',
  plt: 'PLT',
};

/** Everything the user picks for a sweep. */
export interface SweepSpec {
  lambdaMin: number;
  lambdaMax: number;
  /** λ values, log-spaced from lambdaMin to lambdaMax inclusive. */
  lambdaCount: number;
  /** Seeds 0 … seeds − 1. */
  seeds: number;
  variants: SweepVariant[];
  penalty: PenaltyKind;
  c: number;
  steps: number;
  features: number;
  /** The windowed CLT's span k (t − s < k). */
  window: number;
}

/**
 * A sweep's resource limits, defined here once: checkSweep enforces them (in the page and again
 * in the sweep worker) and the Sweep view prints them. The GPU population, memory and the
 * page's patience set them.
 */
export const SWEEP_BOUNDS = {
  /** Runs: λ values × seeds × variants. */
  members: 512,
  /**
   * Parameters of all runs together. Each also keeps a gradient and Adam's two moments, so
   * this caps a sweep's training state near 256 MB on the CPU engine (float64).
   */
  parameters: 8_000_000,
  steps: { min: 1, max: 20_000 },
  lambdaCount: { min: 1, max: 32 },
  seeds: { min: 1, max: 64 },
  window: { min: 1, max: BOUNDS.window.max },
} as const;

export const DEFAULT_SWEEP: SweepSpec = {
  lambdaMin: 0.01,
  lambdaMax: 1,
  lambdaCount: 7,
  seeds: 4,
  variants: ['clt-concat', 'clt-sum', 'plt'],
  penalty: 'l1',
  c: DEFAULT_TRAIN.c,
  steps: 15_000,
  features: DEFAULT_TRAIN.features,
  window: 2,
};

/** One member of a sweep: an engine member plus where it sits in the grid. */
export interface SweepMember extends MemberSpec {
  variant: SweepVariant;
}

/** One trained member's measurements (SPEC §3–4). */
export interface SweepRow extends Metrics {
  variant: SweepVariant;
  lambda: number;
  seed: number;
  /** Inputs the hand-off cut changes and those the replacement follows; only when the request asked (the Why panel). */
  handoff?: { changed: number; followed: number };
}

/** Progress of a running sweep, in population steps. */
export interface SweepProgress {
  done: number;
  total: number;
  engine: EngineName;
}

/** The λ grid: `count` values from min to max, evenly spaced in log λ, rounded to 4 significant digits for readable URLs. */
export function sweepLambdas(min: number, max: number, count: number): number[] {
  if (count <= 1) return [min];
  const a = Math.log(min);
  const b = Math.log(max);
  return Array.from({ length: count }, (_, i) => Number(Math.exp(a + ((b - a) * i) / (count - 1)).toPrecision(4)));
}

/**
 * A message per problem with the spec (empty when it can run). With the base model it also
 * checks the parameters all runs hold together, which depend on its sizes.
 */
export function checkSweep(spec: SweepSpec, model?: BaseModel): string[] {
  const problems: string[] = [];
  const inRange = (name: string, v: number, min: number, max: number, integer: boolean) => {
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      problems.push(`${name} must be ${integer ? 'a whole number ' : ''}between ${min} and ${max}`);
    }
  };
  inRange('λ min', spec.lambdaMin, BOUNDS.lambda.min, BOUNDS.lambda.max, false);
  inRange('λ max', spec.lambdaMax, BOUNDS.lambda.min, BOUNDS.lambda.max, false);
  if (spec.lambdaMin > spec.lambdaMax) problems.push('λ min must not exceed λ max');
  inRange('λ count', spec.lambdaCount, SWEEP_BOUNDS.lambdaCount.min, SWEEP_BOUNDS.lambdaCount.max, true);
  inRange('seeds', spec.seeds, SWEEP_BOUNDS.seeds.min, SWEEP_BOUNDS.seeds.max, true);
  inRange('steps', spec.steps, SWEEP_BOUNDS.steps.min, SWEEP_BOUNDS.steps.max, true);
  inRange('features', spec.features, BOUNDS.features.min, BOUNDS.features.max, true);
  inRange('c', spec.c, BOUNDS.c.min, BOUNDS.c.max, false);
  inRange('window span', spec.window, SWEEP_BOUNDS.window.min, SWEEP_BOUNDS.window.max, true);
  if (!PENALTIES.includes(spec.penalty)) problems.push(`penalty must be one of ${PENALTIES.join(', ')}`);
  const unknown = spec.variants.filter((v) => !SWEEP_VARIANTS.includes(v));
  if (unknown.length > 0) problems.push(`unknown variant ${String(unknown[0]).slice(0, 20)}; use ${SWEEP_VARIANTS.join(', ')}`);
  if (spec.variants.length === 0) problems.push('pick at least one variant');
  const members = memberCount(spec);
  if (members > SWEEP_BOUNDS.members) {
    const variants = chosenVariants(spec).length;
    problems.push(`${members} transcoders (${spec.lambdaCount} λ × ${spec.seeds} seeds × ${variants} variant${variants === 1 ? '' : 's'}) is more than the ${SWEEP_BOUNDS.members} a sweep may train; use fewer λ values, seeds or variants`);
  } else if (model && problems.length === 0) {
    const parameters = sweepParameters(spec, model);
    if (parameters > SWEEP_BOUNDS.parameters) {
      const millions = (n: number) => `${Number((n / 1e6).toPrecision(3))} million`;
      problems.push(`${members} transcoders of ${spec.features} features on this ${model.layers.length}-layer model hold ${millions(parameters)} parameters, more than the ${millions(SWEEP_BOUNDS.parameters)} a sweep may hold; use fewer runs or features`);
    }
  }
  return problems;
}

/** The spec's known variants, each once, in SWEEP_VARIANTS order. */
export function chosenVariants(spec: SweepSpec): SweepVariant[] {
  return SWEEP_VARIANTS.filter((v) => spec.variants.includes(v));
}

/** λ count × seeds × variants (each variant counted once). */
export function memberCount(spec: SweepSpec): number {
  return spec.lambdaCount * spec.seeds * chosenVariants(spec).length;
}

/** The parameters every run of the spec holds on `model`, together. */
export function sweepParameters(spec: SweepSpec, model: BaseModel): number {
  let perGridPoint = 0;
  for (const variant of chosenVariants(spec)) {
    const { kind, config } = variantConfig(spec, variant, spec.lambdaMin, 0);
    perGridPoint += transcoderLayout(kind, model, config).size;
  }
  return perGridPoint * spec.lambdaCount * spec.seeds;
}

/**
 * The exact training config of one grid point: `base` (lr, ε, λ_p, warm-up, mitigations)
 * with the sweep's settings and the variant's norm and span. The PLT takes `concat` and no
 * window, which do not change a PLT, so its link opens a default CLT beside it.
 */
export function variantConfig(spec: SweepSpec, variant: SweepVariant, lambda: number, seed: number, base: TrainConfig = DEFAULT_TRAIN): { kind: MemberSpec['kind']; config: TrainConfig } {
  const config: TrainConfig = { ...trainConfigOf(base), seed, lambda, penalty: spec.penalty, c: spec.c, steps: spec.steps, features: spec.features, norm: 'concat', window: 0 };
  if (variant === 'clt-sum') config.norm = 'sum';
  if (variant === 'clt-window') config.window = spec.window;
  return { kind: variant === 'plt' ? 'plt' : 'clt', config };
}

/** Only the TrainConfig fields of `config` (an ExperimentConfig also carries cuts, engine, input, circuit). */
export function trainConfigOf(config: TrainConfig): TrainConfig {
  const out = { ...DEFAULT_TRAIN };
  for (const key of Object.keys(DEFAULT_TRAIN) as (keyof TrainConfig)[]) (out as Record<string, unknown>)[key] = config[key];
  return out;
}

/** Expands a spec into its members, variant-major, then λ, then seed (the rows come back in this order). */
export function sweepMembers(spec: SweepSpec, base: TrainConfig = DEFAULT_TRAIN): SweepMember[] {
  const lambdas = sweepLambdas(spec.lambdaMin, spec.lambdaMax, spec.lambdaCount);
  const variants = chosenVariants(spec);
  const members: SweepMember[] = [];
  for (const variant of variants) {
    for (const lambda of lambdas) {
      for (let seed = 0; seed < spec.seeds; seed++) members.push({ variant, ...variantConfig(spec, variant, lambda, seed, base) });
    }
  }
  return members;
}

export interface RunSweepOptions {
  /** Called after every chunk; awaited, so the caller may post a message or yield. */
  onProgress?: (p: SweepProgress) => void | Promise<void>;
  /** Checked between chunks; when it returns true the sweep stops and resolves null. */
  cancelled?: () => boolean;
  /** Wall time one chunk aims for, so progress and cancel stay responsive (default 150 ms). */
  chunkMs?: number;
  /** An extra measurement per member, stored as the row's `handoff`. */
  handoff?: (tc: TrainedTranscoder, data: TrainingData, model: BaseModel) => { changed: number; followed: number };
}

/**
 * Trains every member of `engine` to `steps` in chunks sized to take about chunkMs each, then
 * reads each member's parameters and measures it. Resolves null when cancelled. The engine's
 * step may move back (a GPU hand-over resumes from its last host copy), so it loops on step.
 */
export async function runSweep(
  engine: Engine,
  model: BaseModel,
  members: readonly SweepMember[],
  steps: number,
  options: RunSweepOptions = {},
): Promise<SweepRow[] | null> {
  const target = options.chunkMs ?? 150;
  let chunk = 8;
  while (engine.step < steps) {
    if (options.cancelled?.()) return null;
    const k = Math.min(chunk, steps - engine.step);
    const t0 = performance.now();
    await engine.train(k);
    const ms = Math.max(1, performance.now() - t0);
    chunk = Math.max(1, Math.min(4 * chunk, Math.round((k * target) / ms)));
    await options.onProgress?.({ done: engine.step, total: steps, engine: engine.name });
    // A macrotask between chunks lets a worker read its `cancel` message.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  if (options.cancelled?.()) return null;
  const rows: SweepRow[] = [];
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    const params = await engine.readParams(i);
    const layout = transcoderLayout(m.kind, model, m.config);
    const metrics = computeMetrics({ layout, params }, engine.data, model);
    const handoff = options.handoff ? { handoff: options.handoff({ layout, params }, engine.data, model) } : {};
    rows.push({ variant: m.variant, lambda: m.config.lambda, seed: m.config.seed, ...metrics, ...handoff });
  }
  return rows;
}

/**
 * The sweep's table, once: its columns (per-layer l0_0, l0_1, …) and each row's values, with an
 * undefined number (faithfulness or effect recall where nothing changed) as null.
 */
function sweepTable(rows: readonly SweepRow[]): { header: string[]; values: (string | number | null)[][] } {
  const L = rows.reduce((n, r) => Math.max(n, r.l0.length), 0);
  const perLayer = (name: string) => Array.from({ length: L }, (_, l) => `${name}_${l}`);
  const header = ['variant', 'lambda', 'seed', ...perLayer('l0'), ...perLayer('alive'), ...perLayer('mse'), 'mse_total', 'accuracy', 'faithfulness', 'cut_effect_recall'];
  const layer = (xs: number[]) => Array.from({ length: L }, (_, l) => xs[l] ?? null);
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  const values = rows.map((r) => [
    r.variant, r.lambda, r.seed, ...layer(r.l0), ...layer(r.alive), ...layer(r.mse),
    totalMse(r), r.accuracy, num(r.faithfulness), num(cutEffectRecall(r.interventions)),
  ]);
  return { header, values };
}

/** The rows as CSV: one line per member; numbers as JavaScript prints them (exact round trip), an undefined one empty. */
export function sweepCsv(rows: readonly SweepRow[]): string {
  const { header, values } = sweepTable(rows);
  const lines = values.map((v) => v.map((x) => (x === null ? '' : String(x))).join(','));
  return [header.join(','), ...lines].join('\n') + '\n';
}

/**
 * The rows as the CSV's records (`npm run sweep -- --json`): one object per row with the CSV's
 * columns as keys, in its order, and its values as numbers (a missing or undefined value is null).
 */
export function sweepRecords(rows: readonly SweepRow[]): Record<string, string | number | null>[] {
  const { header, values } = sweepTable(rows);
  return values.map((v) => Object.fromEntries(header.map((h, k) => [h, v[k]])));
}

/** Sum of the per-layer MSEs (standardized units). */
export function totalMse(row: Pick<SweepRow, 'mse'>): number {
  return row.mse.reduce((s, v) => s + v, 0);
}
