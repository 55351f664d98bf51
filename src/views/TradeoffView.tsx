/** The sparsity–reconstruction trade-off: total L0 against total MSE, traced as each transcoder trains. */
import { useRef } from 'react';
import type { TranscoderKind } from '../core/config.ts';
import type { RunSnapshot } from '../core/snapshot.ts';
import { KIND_PALETTE } from './charts/lineChart.ts';
import { createScatterTrace, type ScatterTraceOptions, type TracePath } from './charts/scatterTrace.ts';
import type { ViewProps } from './types.ts';
import { useSnapshotDrawer } from './useSnapshotDrawer.ts';
import './views.css';

const KIND_LABEL: Record<TranscoderKind, string> = { clt: 'CLT', plt: 'PLT' };
/** Most points drawn per path; longer histories are thinned evenly (first, shown and last kept). */
const MAX_POINTS = 400;

const OPTIONS: ScatterTraceOptions = {
  title: 'Sparsity vs reconstruction over training',
  xLabel: 'total L0 (active features / input, summed over layers)',
  yLabel: 'total MSE (std. units², summed, log)',
  xName: 'total L0',
  yName: 'total MSE',
  logY: true,
};

const sum = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0);

/** History indices to draw: evenly thinned, always with the first, the shown and the last. */
function thin(count: number, shown: number): number[] {
  if (count <= MAX_POINTS) return Array.from({ length: count }, (_, i) => i);
  const keep = new Set<number>([0, count - 1]);
  if (shown >= 0) keep.add(shown);
  const stride = (count - 1) / (MAX_POINTS - 1);
  for (let k = 0; k < MAX_POINTS; k++) keep.add(Math.round(k * stride));
  return [...keep].sort((a, b) => a - b);
}

/** Index of the last snapshot at or before `step`; -1 when none. */
function shownIndex(history: readonly RunSnapshot[], step: number): number {
  let idx = -1;
  for (let i = 0; i < history.length && history[i].step <= step; i++) idx = i;
  return idx;
}

export function tradeoffPaths(history: readonly RunSnapshot[], shownStep: number | null): TracePath[] {
  const last = history[history.length - 1];
  if (!last) return [];
  const shown = shownStep === null ? history.length - 1 : shownIndex(history, shownStep);
  const idx = thin(history.length, shown);
  return last.members.map((member, k) => {
    const n = idx.length;
    const steps = new Float64Array(n);
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    idx.forEach((h, j) => {
      const m = history[h].members[k];
      steps[j] = history[h].step;
      xs[j] = m ? sum(m.metrics.l0) : NaN;
      ys[j] = m ? sum(m.metrics.mse) : NaN;
    });
    return {
      name: KIND_LABEL[member.kind],
      colour: KIND_PALETTE[member.kind][1],
      steps,
      xs,
      ys,
      current: shown < 0 ? -1 : idx.indexOf(shown),
    };
  });
}

/**
 * Each transcoder's path through (total L0, total MSE), with the shown step emphasised. The
 * trace is a drawer the snapshot lane updates in place; React renders this view only on mount.
 */
export function TradeoffView(_: ViewProps) {
  const chart = useRef<HTMLDivElement>(null);
  const waiting = useRef<HTMLParagraphElement>(null);
  const { box } = useSnapshotDrawer((el) => {
    const trace = createScatterTrace(chart.current ?? el, OPTIONS);
    return {
      update: (shown, history) => {
        const ready = history.length > 0 && shown !== null;
        el.hidden = !ready;
        if (waiting.current) waiting.current.hidden = ready;
        if (ready) trace.update(tradeoffPaths(history, shown.step));
      },
      destroy: trace.destroy,
    };
  }, { period: 500, phase: 250, delay: 60 });

  return (
    <section className="view view-tradeoff" data-testid="view-tradeoff">
      <h2>Sparsity–reconstruction trade-off</h2>
      <div ref={box} hidden>
        <div className="chart-box chart-box-wide" ref={chart} />
        <p className="view-caption">
          Each path follows one transcoder from its first recorded step (hollow ring) to the shown step (large dot);
          arrows and rising opacity point forward in time, dashed faint segments lie after the shown step. Lower left
          is better on both counts.
        </p>
      </div>
      <p ref={waiting} className="view-waiting">waiting for the first snapshot</p>
    </section>
  );
}
