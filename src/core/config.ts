/**
 * The experiment configuration: one typed table of every option, its default and its bounds.
 * The URL codec, the CLI and the controls all derive from this table (SPEC §2, CONTRACTS §1–2).
 */

export type PenaltyKind = 'l1' | 'tanh' | 'l0';
export type NormMode = 'concat' | 'sum';
export type EngineChoice = 'auto' | 'cpu' | 'webgpu';
export type TranscoderKind = 'clt' | 'plt';

/** A cut removes residual dims from what one layer reads (SPEC §4). */
export interface Cut {
  /** Residual dim indices removed. */
  dims: number[];
  /** The layer whose input loses them. */
  layer: number;
}

/** Everything that decides a training run; a seed and this table fix every number. */
export interface TrainConfig {
  seed: number;
  lambda: number;
  penalty: PenaltyKind;
  /** tanh penalty's saturation constant. */
  c: number;
  norm: NormMode;
  features: number;
  lr: number;
  steps: number;
  /** CLT span k (t − s < k); 0 means every later layer. */
  window: number;
  /** Straight-through bandwidth ε. */
  epsilon: number;
  /** Pre-activation loss coefficient λ_p. */
  lambdaP: number;
  /** Share of the run over which λ ramps linearly from 0. */
  warmup: number;
  /** L0-asymmetry penalty coefficient: variance across layers of per-layer L0 (0 = off). */
  asymmetry: number;
  /** Intervention-consistency loss coefficient: replacement vs real model under random cuts (0 = off). */
  consistency: number;
}

/** The whole experiment: training plus what the user is looking at and has cut. */
export interface ExperimentConfig extends TrainConfig {
  cuts: Cut[];
  engine: EngineChoice;
  /** Selected input (0–15 for the XOR-AND model). */
  input: number;
  /** Boolean formula of the ground-truth circuit; '' is the write-up's model. */
  circuit: string;
}

export const PENALTIES: readonly PenaltyKind[] = ['l1', 'tanh', 'l0'];
export const NORMS: readonly NormMode[] = ['concat', 'sum'];
export const ENGINES: readonly EngineChoice[] = ['auto', 'cpu', 'webgpu'];

/** Numeric bounds shared by the URL parser, the CLI and the controls. */
export const BOUNDS = {
  seed: { min: 0, max: 2 ** 31 - 1, integer: true },
  lambda: { min: 1e-4, max: 100, integer: false },
  c: { min: 0.01, max: 100, integer: false },
  features: { min: 1, max: 256, integer: true },
  // Far past any useful rate: a huge one is how a user makes a run diverge on purpose.
  lr: { min: 1e-5, max: 1e4, integer: false },
  steps: { min: 1, max: 200_000, integer: true },
  window: { min: 0, max: 16, integer: true },
  epsilon: { min: 1e-4, max: 2, integer: false },
  lambdaP: { min: 0, max: 1, integer: false },
  warmup: { min: 0, max: 1, integer: false },
  asymmetry: { min: 0, max: 100, integer: false },
  consistency: { min: 0, max: 100, integer: false },
  input: { min: 0, max: 4095, integer: true },
} as const;

export type NumericKey = keyof typeof BOUNDS;

/** Defaults reproduce the CLT's collapse (SPEC §2 calibration recipe). */
export const DEFAULT_TRAIN: TrainConfig = {
  seed: 0,
  lambda: 0.3,
  penalty: 'l1',
  c: 0.5,
  norm: 'concat',
  features: 32,
  lr: 3e-3,
  steps: 15_000,
  window: 0,
  epsilon: 0.05,
  lambdaP: 3e-6,
  warmup: 0.3,
  // Mitigations are off by default, so default runs stay bit-identical to the calibration.
  asymmetry: 0,
  consistency: 0,
};

export const DEFAULT_EXPERIMENT: ExperimentConfig = {
  ...DEFAULT_TRAIN,
  cuts: [],
  engine: 'auto',
  input: 10,
  circuit: '',
};

/** Returns a message when value is outside key's bounds, else null. */
export function checkBound(key: NumericKey, value: number): string | null {
  const b = BOUNDS[key];
  if (!Number.isFinite(value)) return `${key} must be a finite number`;
  if (b.integer && !Number.isInteger(value)) return `${key} must be an integer`;
  if (value < b.min || value > b.max) return `${key} must be between ${b.min} and ${b.max}`;
  return null;
}
