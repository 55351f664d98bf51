/** How two engines' numbers are compared (shared by the conformance suite and the GPU tests). */
import { DEFAULT_TRAIN, type TrainConfig } from './config.ts';
import type { MemberSpec } from './engine.ts';
import type { LossParts } from './transcoder/training.ts';

/** max |a − b| / max |b|. */
export function scaledDiff(a: Float64Array, b: Float64Array): number {
  let diff = 0;
  let ref = 0;
  for (let k = 0; k < b.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    ref = Math.max(ref, Math.abs(b[k]));
  }
  return diff / ref;
}

/** Difference of two updates from `start`, over the largest update: max |(a − s) − (b − s)| / max |b − s|. */
export function changeDiff(a: Float64Array, b: Float64Array, start: Float64Array): number {
  let diff = 0;
  let ref = 0;
  for (let k = 0; k < b.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    ref = Math.max(ref, Math.abs(b[k] - start[k]));
  }
  return diff / ref;
}

/** The loss parts every engine reports. */
export const LOSS_PARTS = ['loss', 'recon', 'sparsity', 'preact'] as const;

/**
 * Largest loss-part difference, relative but floored at 1 (standardized units): recon is a squared
 * residual ~1e-2 of targets ~1, so its relative error is the parameters' times |ŷ| / |ŷ − ŷ*| ≈ 100.
 */
export function lossDiff(a: LossParts, b: LossParts): number {
  return Math.max(...LOSS_PARTS.map((k) => Math.abs(a[k] - b[k]) / Math.max(Math.abs(b[k]), 1)));
}

/** A member of `kind` on the defaults with `config` over them. */
export const member = (kind: MemberSpec['kind'], config: Partial<TrainConfig> = {}): MemberSpec => ({ kind, config: { ...DEFAULT_TRAIN, ...config } });
