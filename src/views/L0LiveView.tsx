/**
 * The first thing to watch: L0 per layer for both kinds as the run trains, the CLT's layer 1
 * marked where it dies. It sits beside the metrics table, above the fold.
 */
import { useMemo } from 'react';
import { KIND_PALETTE, layerStyle, type LineChartOptions } from './charts/lineChart.ts';
import { LineChartBox } from './CurvesView.tsx';
import { collapses, KIND_LABEL, kindsOf, perLayerSeries, steadyTop } from './curveSeries.ts';
import type { ViewProps } from './types.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';
import './views.css';

export function L0LiveView({ model }: ViewProps) {
  const { snapshot, history, box } = useShownSnapshot(500, 0, 30);
  const layers = model.layers.length;
  const shown = snapshot?.step ?? null;
  const series = useMemo(() => perLayerSeries(history, Float64Array.from(history, (s) => s.step), layers, 'l0'), [history, layers]);
  const died = useMemo(() => (shown === null ? [] : collapses(history, shown, layers)), [history, shown, layers]);
  const total = snapshot?.totalSteps ?? 0;
  const opts = useMemo<LineChartOptions>(
    () => ({
      title: 'L0 per layer, live',
      yLabel: 'active features / input',
      yClip: steadyTop(series),
      marker: shown,
      legend: false,
      width: 420,
      height: 210,
      annotations: died.map(({ layer, since }) => ({ x: since, y: 0, text: `layer ${layer} died at step ${since.toLocaleString('en-US')}`, colour: KIND_PALETTE.clt[0] })),
    }),
    [series, shown, died],
  );
  const clt = kindsOf(history).indexOf('clt');
  const cltL1 = clt >= 0 ? snapshot?.members[clt]?.metrics.l0[1] : undefined;
  const first = died.find((d) => d.layer === 1);
  return (
    <section ref={box} className="view view-l0-live" data-testid="l0-live" data-value={cltL1 ?? ''} data-died={first?.since ?? ''} aria-label="Live L0 per layer">
      <h2>
        Does the CLT still use layer 1?{' '}
        <span className="hint">
          {shown === null ? 'waiting for the first snapshot' : first ? `no: layer 1 died at step ${first.since.toLocaleString('en-US')}` : `step ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`}
        </span>
      </h2>
      <ul className="view-legend" aria-label="legend">
        {kindsOf(history).map((kind) => (
          <li key={kind}>
            <span className="swatch" style={{ background: KIND_PALETTE[kind][0] }} /> {KIND_LABEL[kind]}
          </li>
        ))}
        {Array.from({ length: Math.min(layers, 2) }, (_, l) => (
          <li key={l}>
            <svg width="22" height="8" aria-hidden="true">
              <line x1="0" x2="22" y1="4" y2="4" stroke="currentColor" strokeWidth="2" strokeDasharray={layerStyle('clt', l).dash} />
            </svg>{' '}
            layer {l}
          </li>
        ))}
      </ul>
      {history.length > 0 && <LineChartBox series={series} opts={opts} />}
    </section>
  );
}
