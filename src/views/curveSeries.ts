/** Series over training steps, shared by the training curves and the live L0 chart. */
import type { TranscoderKind } from '../core/config.ts';
import type { RunSnapshot, TranscoderSnapshot } from '../core/snapshot.ts';
import { layerStyle, type LineSeries } from './charts/lineChart.ts';

export const KIND_LABEL: Record<TranscoderKind, string> = { clt: 'CLT', plt: 'PLT' };

export type PerLayer = 'l0' | 'alive' | 'mse';

/** The kinds present, in member order, read from the latest snapshot. */
export function kindsOf(history: readonly RunSnapshot[]): TranscoderKind[] {
  const last = history[history.length - 1];
  return last ? last.members.map((m) => m.kind) : [];
}

export function column(history: readonly RunSnapshot[], member: number, read: (m: TranscoderSnapshot) => number): LineSeries['ys'] {
  const ys = new Float64Array(history.length);
  for (let i = 0; i < history.length; i++) {
    const m = history[i].members[member];
    ys[i] = m ? read(m) : NaN;
  }
  return ys;
}

export function perLayerSeries(history: readonly RunSnapshot[], xs: Float64Array, layers: number, key: PerLayer): LineSeries[] {
  const out: LineSeries[] = [];
  kindsOf(history).forEach((kind, k) => {
    for (let l = 0; l < layers; l++) {
      out.push({ name: `${KIND_LABEL[kind]} layer ${l}`, ...layerStyle(kind, l), xs, ys: column(history, k, (m) => m.metrics[key][l] ?? NaN) });
    }
  });
  return out;
}

/** For each layer ≥ 1 where the CLT's L0 is 0 at the shown step, the step since which it has stayed 0. */
export function collapses(history: readonly RunSnapshot[], shownStep: number, layers: number): { layer: number; since: number }[] {
  const k = kindsOf(history).indexOf('clt');
  if (k < 0) return [];
  const upto = history.filter((s) => s.step <= shownStep);
  const out: { layer: number; since: number }[] = [];
  for (let l = 1; l < layers; l++) {
    let since = -1;
    for (let i = upto.length - 1; i >= 0; i--) {
      const v = upto[i].members[k]?.metrics.l0[l];
      if (v !== 0) break;
      since = upto[i].step;
    }
    if (since >= 0) out.push({ layer: l, since });
  }
  return out;
}

/** A y top that leaves out the early transient: the largest value after the first 15 % of steps, with headroom. */
export function steadyTop(series: readonly LineSeries[]): number {
  let top = 0;
  for (const s of series) {
    const from = 0.15 * (s.xs[s.xs.length - 1] ?? 0);
    for (let i = 0; i < s.xs.length; i++) if (s.xs[i] >= from && Number.isFinite(s.ys[i])) top = Math.max(top, s.ys[i]);
  }
  return Math.max(2, Math.ceil(1.3 * top));
}
