/**
 * The training contract every engine implements (SPEC §2): Adam's constants, the options one
 * transcoder trains under, the λ and learning-rate schedules, the reconstruction term's scale and
 * the loss parts an engine reports. The CPU engine (cpuTrainer.ts) and the WebGPU engine (gpu/)
 * both read it from here.
 */
import type { TrainConfig } from '../config.ts';
import type { BaseModel } from '../model/baseModel.ts';

export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** The options one transcoder trains under (a subset of TrainConfig). */
export type TrainOptions = Pick<
  TrainConfig,
  'lambda' | 'penalty' | 'c' | 'norm' | 'lr' | 'steps' | 'epsilon' | 'lambdaP' | 'warmup'
> & Partial<Pick<TrainConfig, 'asymmetry' | 'consistency' | RecipeLossKey>>;

/** Recipe options (SPEC §2 presets) the loss and the optimizer read; absent means the spec recipe. */
type RecipeLossKey = 'reduction' | 'padDims' | 'straightThrough' | 'preact' | 'lrDecayStep' | 'lrDecayFactor' | 'init';

/**
 * The reconstruction term's scale: 1 under `sum` (Σ_t mean_n ‖ŷ_t − y_t‖²); under `mean`,
 * 1/(L·W) with W = padDims, or the model's own dims when padDims is 0: a mean over samples ×
 * layers × (padded) dims, where the padding adds no error (SPEC §2, write-up).
 */
export function reconstructionScale(opts: Pick<TrainOptions, 'reduction' | 'padDims'>, layers: number, dims: number): number {
  if (opts.reduction !== 'mean') return 1;
  const width = (opts.padDims ?? 0) > 0 ? opts.padDims! : dims;
  return 1 / (layers * width);
}

/** Adam's rate at a step: lr, times lrDecayFactor from step lrDecayStep on (0 = never). */
export function lrAt(opts: Pick<TrainOptions, 'lr' | 'lrDecayStep' | 'lrDecayFactor'>, step: number): number {
  const at = opts.lrDecayStep ?? 0;
  return at > 0 && step >= at ? opts.lr * (opts.lrDecayFactor ?? 1) : opts.lr;
}

/** What the intervention-consistency loss needs beyond the training data: the real model and the run's seed. */
export interface TrainerContext {
  model: BaseModel;
  seed: number;
}

/** λ ramps linearly from 0 over the first `warmup` share of the run (SPEC §2). */
export function lambdaAt(opts: Pick<TrainOptions, 'lambda' | 'steps' | 'warmup'>, step: number): number {
  const ramp = opts.warmup * opts.steps;
  return ramp > 0 ? opts.lambda * Math.min(1, step / ramp) : opts.lambda;
}

export interface LossParts {
  loss: number;
  recon: number;
  /** S, the sparsity penalty before λ. */
  sparsity: number;
  preact: number;
  /** L0 variance across layers, before its coefficient; present only when that mitigation is on. */
  asymmetry?: number;
  /** Intervention-consistency loss C, before its coefficient; present only when that mitigation is on. */
  consistency?: number;
}
