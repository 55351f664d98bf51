/**
 * The write-up's published Table 1 ("Core metrics of JumpReLU CLT vs PLT", seed-post.txt),
 * cell by cell, and the comparison of a run's numbers with it. The published figures are the
 * reference being reproduced, so they are data here, quoted at the precision printed.
 * Table 1's MSE is a mean over all 110 dims of their padded stream (SPEC §2): ours is compared
 * as MSE × D / 110.
 */
import type { TranscoderKind } from './config.ts';

export type Table1Metric = 'accuracy' | 'l0-0' | 'l0-1' | 'mse-0' | 'mse-1' | 'alive-0' | 'alive-1';

export interface Table1Cell {
  metric: Table1Metric;
  label: string;
  /** Decimal places printed in the write-up: a value that rounds to the same text matches. */
  places: number;
  published: Record<TranscoderKind, number>;
}

/** The write-up's width of the padded residual stream its MSE is a mean over. */
export const TABLE1_WIDTH = 110;

export const TABLE1: readonly Table1Cell[] = [
  { metric: 'accuracy', label: 'Replacement accuracy', places: 2, published: { clt: 1, plt: 1 } },
  { metric: 'l0-0', label: 'L0 (layer 0)', places: 2, published: { clt: 1.81, plt: 1.68 } },
  { metric: 'l0-1', label: 'L0 (layer 1)', places: 2, published: { clt: 0.0, plt: 0.94 } },
  { metric: 'mse-0', label: 'MSE (layer 0), over 110 dims', places: 4, published: { clt: 0.0052, plt: 0.0065 } },
  { metric: 'mse-1', label: 'MSE (layer 1), over 110 dims', places: 4, published: { clt: 0.0028, plt: 0.0033 } },
  { metric: 'alive-0', label: 'Alive (layer 0)', places: 0, published: { clt: 8, plt: 7 } },
  { metric: 'alive-1', label: 'Alive (layer 1)', places: 0, published: { clt: 0, plt: 5 } },
];

export interface RunMetrics {
  l0: readonly number[];
  alive: readonly number[];
  mse: readonly number[];
  accuracy: number;
}

/** Our value for a Table 1 cell (MSE as a mean over 110 dims, from the MSE over the model's `dims`). */
export function ourValue(metric: Table1Metric, m: RunMetrics, dims: number): number {
  switch (metric) {
    case 'accuracy': return m.accuracy;
    case 'l0-0': return m.l0[0];
    case 'l0-1': return m.l0[1];
    case 'mse-0': return (m.mse[0] * dims) / TABLE1_WIDTH;
    case 'mse-1': return (m.mse[1] * dims) / TABLE1_WIDTH;
    case 'alive-0': return m.alive[0];
    case 'alive-1': return m.alive[1];
  }
}

/** Whether ours matches the published cell at the precision the write-up printed. */
export function matchesPublished(cell: Table1Cell, ours: number, kind: TranscoderKind): boolean {
  return ours.toFixed(cell.places) === cell.published[kind].toFixed(cell.places);
}
