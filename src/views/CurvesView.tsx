/** Small multiples over training steps: loss, L0, alive and MSE per layer, CLT beside PLT. */
import { useEffect, useMemo, useRef } from 'react';
import type { TranscoderKind } from '../core/config.ts';
import type { RunSnapshot, TranscoderSnapshot } from '../core/snapshot.ts';
import { drawLineChart, KIND_PALETTE, layerStyle, type LineChartOptions, type LineSeries } from './charts/lineChart.ts';
import type { ViewProps } from './types.ts';
import './views.css';

const KIND_LABEL: Record<TranscoderKind, string> = { clt: 'CLT', plt: 'PLT' };

/** One d3 line chart owned by React: drawn in an effect, removed in its cleanup. */
function LineChartBox({ series, opts }: { series: LineSeries[]; opts: LineChartOptions }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    return drawLineChart(el, series, opts);
  }, [series, opts]);
  return <div className="chart-box" ref={ref} />;
}

type PerLayer = 'l0' | 'alive' | 'mse';

/** The kinds present, in member order, read from the latest snapshot. */
function kindsOf(history: readonly RunSnapshot[]): TranscoderKind[] {
  const last = history[history.length - 1];
  return last ? last.members.map((m) => m.kind) : [];
}

function column(history: readonly RunSnapshot[], member: number, read: (m: TranscoderSnapshot) => number): LineSeries['ys'] {
  const ys = new Float64Array(history.length);
  for (let i = 0; i < history.length; i++) {
    const m = history[i].members[member];
    ys[i] = m ? read(m) : NaN;
  }
  return ys;
}

function perLayerSeries(history: readonly RunSnapshot[], xs: Float64Array, layers: number, key: PerLayer): LineSeries[] {
  const out: LineSeries[] = [];
  kindsOf(history).forEach((kind, k) => {
    for (let l = 0; l < layers; l++) {
      out.push({ name: `${KIND_LABEL[kind]} layer ${l}`, ...layerStyle(kind, l), xs, ys: column(history, k, (m) => m.metrics[key][l] ?? NaN) });
    }
  });
  return out;
}

/** For each layer ≥ 1 where the CLT's L0 is 0 at the shown step, the step since which it has stayed 0. */
function collapses(history: readonly RunSnapshot[], shownStep: number, layers: number): { layer: number; since: number }[] {
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
function steadyTop(series: readonly LineSeries[]): number {
  let top = 0;
  for (const s of series) {
    const from = 0.15 * (s.xs[s.xs.length - 1] ?? 0);
    for (let i = 0; i < s.xs.length; i++) if (s.xs[i] >= from && Number.isFinite(s.ys[i])) top = Math.max(top, s.ys[i]);
  }
  return Math.max(2, Math.ceil(1.3 * top));
}

/** Training curves for every member of the run, with the shown step marked. */
export function CurvesView({ model, snapshot, history }: ViewProps) {
  const layers = model.layers.length;
  const marker = snapshot?.step ?? null;
  const charts = useMemo(() => {
    const xs = Float64Array.from(history, (s) => s.step);
    const kinds = kindsOf(history);
    const loss: LineSeries[] = kinds.map((kind, k) => ({
      name: KIND_LABEL[kind],
      colour: KIND_PALETTE[kind][0],
      xs,
      ys: column(history, k, (m) => m.loss.loss),
    }));
    const l0 = perLayerSeries(history, xs, layers, 'l0');
    return [
      { key: 'loss', series: loss, opts: { title: 'Total loss', yLabel: 'loss (log scale)', logY: true } },
      { key: 'l0', series: l0, opts: { title: 'L0 per layer', yLabel: 'active features / input', yClip: steadyTop(l0) } },
      { key: 'alive', series: perLayerSeries(history, xs, layers, 'alive'), opts: { title: 'Alive features per layer', yLabel: 'features (count)' } },
      { key: 'mse', series: perLayerSeries(history, xs, layers, 'mse'), opts: { title: 'Reconstruction MSE per layer', yLabel: 'MSE (std. units², log)', logY: true } },
    ];
  }, [history, layers]);
  const collapsed = useMemo(() => (marker === null ? [] : collapses(history, marker, layers)), [history, marker, layers]);
  const withMarker = useMemo(() => {
    // Mark where the CLT's later-layer L0 reached zero for good: the collapse the lab is about.
    const annotations = collapsed.map(({ layer, since }) => ({
      // The darkest CLT shade: the layer's own lighter line colour is too faint for text (< 4.5:1 on white).
      x: since, y: 0, text: `CLT layer ${layer} → 0`, colour: KIND_PALETTE.clt[0],
    }));
    return charts.map((c) => ({
      ...c,
      opts: { ...c.opts, marker, legend: false, annotations: c.key === 'l0' ? annotations : [] } as LineChartOptions,
    }));
  }, [charts, marker, collapsed]);

  if (history.length === 0 || snapshot === null) {
    return (
      <section className="view view-curves" data-testid="view-curves">
        <h2>Training curves</h2>
        <p className="view-waiting">waiting for the first snapshot</p>
      </section>
    );
  }

  const kinds = kindsOf(history);
  return (
    <section className="view view-curves" data-testid="view-curves">
      <h2>Training curves</h2>
      <ul className="view-legend" aria-label="legend">
        {kinds.map((kind) => (
          <li key={kind}>
            <span className="swatch" style={{ background: KIND_PALETTE[kind][0] }} /> {KIND_LABEL[kind]}
          </li>
        ))}
        {Array.from({ length: Math.min(layers, 3) }, (_, l) => (
          <li key={`layer${l}`}>
            <svg width="22" height="8" aria-hidden="true">
              <line x1="0" x2="22" y1="4" y2="4" stroke="currentColor" strokeWidth="2" strokeDasharray={layerStyle('clt', l).dash} />
            </svg>{' '}
            {l < 2 ? `layer ${l}` : `layer${layers > 3 ? 's' : ''} ${l}${layers > 3 ? `–${layers - 1}` : ''}`}
          </li>
        ))}
        <li><span className="marker-swatch" /> shown step ({snapshot.step})</li>
      </ul>
      <div className="small-multiples">
        {withMarker.map((c) => (
          <LineChartBox key={c.key} series={c.series} opts={c.opts} />
        ))}
      </div>
      {collapsed.map(({ layer, since }) => (
        <p key={layer} className="collapse-note" data-testid={`collapse-note-${layer}`}>
          The CLT&apos;s layer-{layer} L0 has been 0 since step {since}: no layer-{layer} feature fires on any input, so the
          CLT skips layer {layer} and writes its output from earlier layers.
        </p>
      ))}
    </section>
  );
}
