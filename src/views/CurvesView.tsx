/** Small multiples over training steps: loss, L0, alive and MSE per layer, CLT beside PLT. */
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { createLineChart, KIND_PALETTE, layerStyle, type LineChart, type LineChartOptions, type LineSeries } from './charts/lineChart.ts';
import { collapses, column, KIND_LABEL, kindsOf, perLayerSeries, steadyTop } from './curveSeries.ts';
import type { ViewProps } from './types.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';
import { inOwnTask } from './taskQueue.ts';
import './views.css';

/**
 * One d3 line chart owned by React: created on mount (its title, labels and size fixed then),
 * updated in place when its series or options change, removed on unmount.
 */
export function LineChartBox({ series, opts }: { series: LineSeries[]; opts: LineChartOptions }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<LineChart | null>(null);
  const first = useRef(opts);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const c = createLineChart(el, first.current);
    chart.current = c;
    return () => {
      c.destroy();
      chart.current = null;
    };
  }, []);
  // Each chart redraws in a task of its own: the four charts of one commit never redraw in one task.
  useEffect(() => inOwnTask(() => chart.current?.update(series, opts)), [series, opts]);
  return <div className="chart-box" ref={ref} />;
}

/** Training curves for every member of the run, with the shown step marked. */
export function CurvesView({ model }: ViewProps) {
  const { snapshot, history, box } = useShownSnapshot(500, 0, 130);
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
      <section ref={box} className="view view-curves" data-testid="view-curves">
        <h2>Training curves</h2>
        <p className="view-waiting">waiting for the first snapshot</p>
      </section>
    );
  }

  const kinds = kindsOf(history);
  return (
    <section ref={box} className="view view-curves" data-testid="view-curves">
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
