/** Reconstructions: every MLP output dim that varies, over all inputs, truth beside each transcoder's estimate. */
import { useEffect, useMemo, useRef } from 'react';
import type { TranscoderKind } from '../core/config.ts';
import { inputLabel, type BaseModel } from '../core/model/baseModel.ts';
import { cleanForward } from '../core/run.ts';
import type { RunSnapshot } from '../core/snapshot.ts';
import { KIND_PALETTE } from './charts/lineChart.ts';
import { drawReconChart, type ReconChartHandle, type ReconSeries } from './charts/reconChart.ts';
import type { ViewProps } from './types.ts';
import { memberInputs, rowOf, sampleWords } from './shownInputs.ts';
import { inOwnTask } from './taskQueue.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';
import './views.css';

const KIND_LABEL: Record<TranscoderKind, string> = { clt: 'CLT', plt: 'PLT' };
const KIND_SYMBOL: Record<TranscoderKind, ReconSeries['symbol']> = { clt: 'circle', plt: 'diamond' };
/** Below this variance over inputs an output dim counts as constant (nothing to reconstruct). */
const MIN_VARIANCE = 1e-12;
/**
 * Inputs a chart draws when the snapshot carries a sample (more than 8-input models): the first of
 * its inputs. Each chart draws a column, bar, markers and a label stack per input, one chart per
 * varying dim; the 256 a snapshot carries would cost seconds of main thread.
 */
const SAMPLED_RECON_INPUTS = 64;

/** One MLP output dim that varies over the inputs, with its true values. */
export interface ReconTarget {
  layer: number;
  dim: number;
  truth: Float64Array;
}

/** Every (layer, dim) whose true MLP output is not constant over the model's inputs. */
export function reconTargets(model: BaseModel): ReconTarget[] {
  const { n, mlpOut } = cleanForward(model);
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

/** Each member's reconstruction of one target on the shown inputs, read from the snapshot's L × S × D block. */
function seriesFor(snapshot: RunSnapshot, target: ReconTarget, rows: Int32Array, S: number, D: number): ReconSeries[] {
  // `rows` may be the first few of the S rows the snapshot carries.
  return snapshot.members.map((m) => {
    const values = new Float64Array(rows.length).fill(NaN);
    const base = target.layer * S * D;
    if (m.recon.length >= base + S * D) for (let i = 0; i < rows.length; i++) values[i] = m.recon[base + i * D + target.dim];
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
  const drawn = useRef({ truth, series });
  // Created when its inputs or labels change, each chart in a task of its own (the charts of one
  // commit never build in one task); a new snapshot only updates the values in place.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let h: ReconChartHandle | null = null;
    const cancel = inOwnTask(() => {
      drawn.current = data.current;
      h = drawReconChart(el, data.current.truth, data.current.series, {
        title,
        yLabel: 'output (model units)',
        labels,
        rowNames,
        onHover: (i) => hover.current(i),
      });
      h.setHighlight(inputRef.current);
      handle.current = h;
    });
    return () => {
      cancel();
      h?.destroy();
      handle.current = null;
    };
  }, [title, labels, rowNames]);
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
  const shown = snapshot && snapshot.members.length > 0 ? memberInputs(snapshot.members[0], model.n) : null;
  const rows = shown?.kept ? shown.rows : null;
  // Keyed by the inputs' content, not the array: a subset arrives as a new array with every snapshot.
  const rowsKey = rows ? (shown?.all ? `all${rows.length}` : rows.join()) : '';
  const stableRows = useMemo(() => (rows && !shown?.all ? rows.slice(0, SAMPLED_RECON_INPUTS) : rows), [rowsKey]);
  const carried = rows?.length ?? 0;
  const labels = useMemo(() => (stableRows ? Array.from(stableRows, (i) => inputLabel(model, i)) : []), [model, stableRows]);
  const rowNames = useMemo(() => model.inputDims.map((d) => model.dimNames[d]), [model]);
  const truths = useMemo(
    () => targets.map((t) => (stableRows === null || shown?.all ? t.truth : Float64Array.from(stableRows, (i) => t.truth[i]))),
    [targets, stableRows],
  );
  const charts = useMemo(
    () => (snapshot && stableRows ? targets.map((t, k) => ({ target: t, truth: truths[k], series: seriesFor(snapshot, t, stableRows, carried, model.dims) })) : []),
    [snapshot, targets, truths, stableRows, carried, model],
  );
  const latest = useRef({ highlight, onHighlight, stableRows });
  useEffect(() => {
    latest.current = { highlight, onHighlight, stableRows };
  });
  const onHover = useMemo(
    () => (column: number | null) => {
      const { highlight: h, onHighlight: set, stableRows: r } = latest.current;
      // A chart's columns are the shown inputs: column k is input r[k].
      const input = column === null || r === null ? column : (r[column] ?? null);
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
        <li className="legend-note">
          x axis: {shown?.kept && !shown.all ? sampleWords(labels.length, model.n) + ' (a fixed sample, in order)' : `the ${model.n} inputs`}, each
          column the signs of {rowNames.join(', ')}
        </li>
      </ul>
      {shown && !shown.kept && (
        <p className="view-waiting" data-testid="recon-not-kept">
          Reconstructions are not kept for step {snapshot.step}: this run is too big to keep them on every history step. Scrub
          to the end (or press play) to see the latest ones.
        </p>
      )}
      <div className="small-multiples">
        {charts.map(({ target, truth, series }) => (
          <ReconChartBox
            key={`${target.layer}-${target.dim}`}
            title={`MLP ${target.layer} output ${model.dimNames[target.dim]}`}
            labels={labels}
            rowNames={rowNames}
            truth={truth}
            series={series}
            input={stableRows === null || highlight.input === null ? null : rowOf(stableRows, highlight.input)}
            onHover={onHover}
          />
        ))}
      </div>
    </section>
  );
}
