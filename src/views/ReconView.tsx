/** Reconstructions: every MLP output dim that varies, over all inputs, truth beside each transcoder's estimate. */
import { useEffect, useMemo, useRef } from 'react';
import type { TranscoderKind } from '../core/config.ts';
import { forward, inputLabel, type BaseModel } from '../core/model/baseModel.ts';
import type { RunSnapshot } from '../core/snapshot.ts';
import { KIND_PALETTE } from './charts/lineChart.ts';
import { drawReconChart, type ReconChartHandle, type ReconSeries } from './charts/reconChart.ts';
import type { ViewProps } from './types.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';
import './views.css';

const KIND_LABEL: Record<TranscoderKind, string> = { clt: 'CLT', plt: 'PLT' };
const KIND_SYMBOL: Record<TranscoderKind, ReconSeries['symbol']> = { clt: 'circle', plt: 'diamond' };
/** Below this variance over inputs an output dim counts as constant (nothing to reconstruct). */
const MIN_VARIANCE = 1e-12;

/** One MLP output dim that varies over the inputs, with its true values. */
export interface ReconTarget {
  layer: number;
  dim: number;
  truth: Float64Array;
}

/** Every (layer, dim) whose true MLP output is not constant over the model's inputs. */
export function reconTargets(model: BaseModel): ReconTarget[] {
  const { n, mlpOut } = forward(model);
  const D = model.dims;
  const out: ReconTarget[] = [];
  mlpOut.forEach((y, layer) => {
    for (let d = 0; d < D; d++) {
      const truth = new Float64Array(n);
      for (let i = 0; i < n; i++) truth[i] = y[i * D + d];
      const mean = truth.reduce((s, v) => s + v, 0) / n;
      const variance = truth.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
      if (variance > MIN_VARIANCE) out.push({ layer, dim: d, truth });
    }
  });
  return out;
}

/** Each member's reconstruction of one target, read from the snapshot's L × N × D block. */
function seriesFor(snapshot: RunSnapshot, target: ReconTarget, n: number, D: number): ReconSeries[] {
  return snapshot.members.map((m) => {
    const values = new Float64Array(n).fill(NaN);
    const base = target.layer * n * D;
    if (m.recon.length >= base + n * D) for (let i = 0; i < n; i++) values[i] = m.recon[base + i * D + target.dim];
    return { name: KIND_LABEL[m.kind], colour: KIND_PALETTE[m.kind][1], symbol: KIND_SYMBOL[m.kind], values };
  });
}

interface BoxProps {
  title: string;
  labels: readonly string[];
  rowNames: readonly string[];
  truth: Float64Array;
  series: ReconSeries[];
  input: number | null;
  onHover: (input: number | null) => void;
}

/** One d3 recon chart owned by React; the highlight moves without a redraw. */
function ReconChartBox({ title, labels, rowNames, truth, series, input, onHover }: BoxProps) {
  const ref = useRef<HTMLDivElement>(null);
  const handle = useRef<ReconChartHandle | null>(null);
  const hover = useRef(onHover);
  const inputRef = useRef(input);
  useEffect(() => {
    hover.current = onHover;
    inputRef.current = input;
  });
  const data = useRef({ truth, series });
  data.current = { truth, series };
  // Created when its inputs or labels change; a new snapshot only updates the values in place.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const h = drawReconChart(el, data.current.truth, data.current.series, {
      title,
      yLabel: 'output (model units)',
      labels,
      rowNames,
      onHover: (i) => hover.current(i),
    });
    h.setHighlight(inputRef.current);
    handle.current = h;
    return () => {
      h.destroy();
      handle.current = null;
    };
  }, [title, labels, rowNames]);
  const drawn = useRef({ truth, series });
  useEffect(() => {
    if (drawn.current.truth === truth && drawn.current.series === series) return;
    drawn.current = { truth, series };
    handle.current?.update(truth, series);
  }, [truth, series]);
  useEffect(() => handle.current?.setHighlight(input), [input]);
  return <div className="chart-box" ref={ref} />;
}

/** True MLP outputs against the CLT's and PLT's reconstructions, one small chart per varying dim. */
export function ReconView({ model, highlight, onHighlight }: ViewProps) {
  const { snapshot, box } = useShownSnapshot(1000, 1, 620);
  const targets = useMemo(() => reconTargets(model), [model]);
  const labels = useMemo(() => Array.from({ length: model.n }, (_, i) => inputLabel(model, i)), [model]);
  const rowNames = useMemo(() => model.inputDims.map((d) => model.dimNames[d]), [model]);
  const charts = useMemo(
    () => (snapshot ? targets.map((t) => ({ target: t, series: seriesFor(snapshot, t, model.n, model.dims) })) : []),
    [snapshot, targets, model],
  );
  const latest = useRef({ highlight, onHighlight });
  useEffect(() => {
    latest.current = { highlight, onHighlight };
  });
  const onHover = useMemo(
    () => (input: number | null) => {
      const { highlight: h, onHighlight: set } = latest.current;
      if (h.input !== input) set({ ...h, input });
    },
    [],
  );

  if (snapshot === null) {
    return (
      <section ref={box} className="view view-recon" data-testid="view-recon">
        <h2>Reconstructions</h2>
        <p className="view-waiting">waiting for the first snapshot</p>
      </section>
    );
  }
  return (
    <section ref={box} className="view view-recon" data-testid="view-recon">
      <h2>Reconstructions at step {snapshot.step}</h2>
      <ul className="view-legend" aria-label="legend">
        <li><span className="swatch swatch-truth" /> true MLP output</li>
        {snapshot.members.map((m) => (
          <li key={m.kind}>
            <span className={`symbol symbol-${KIND_SYMBOL[m.kind]}`} style={{ background: KIND_PALETTE[m.kind][1] }} />{' '}
            {KIND_LABEL[m.kind]} reconstruction
          </li>
        ))}
        <li className="legend-note">x axis: the {model.n} inputs, each column the signs of {rowNames.join(', ')}</li>
      </ul>
      <div className="small-multiples">
        {charts.map(({ target, series }) => (
          <ReconChartBox
            key={`${target.layer}-${target.dim}`}
            title={`MLP ${target.layer} output ${model.dimNames[target.dim]}`}
            labels={labels}
            rowNames={rowNames}
            truth={target.truth}
            series={series}
            input={highlight.input}
            onHover={onHover}
          />
        ))}
      </div>
    </section>
  );
}
