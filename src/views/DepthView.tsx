/**
 * Depth signatures (issue 7, SPEC §5): where in depth each replacement does its work. (a) The
 * per-layer L0 profile of CLT vs PLT at the shown step; (b) the cumulative share of positive
 * attribution into the output by layer, pooled over the model's inputs (a deterministic sample
 * for big models; see core/attribution/depth.ts), the real model's own line beside them, and
 * each input's own value on hover.
 */
import * as d3 from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TranscoderKind } from '../core/config.ts';
import { depthSignature, pooledDepth, type InputDepth } from '../core/attribution/depth.ts';
import { attributionGraph, type AttributionGraph } from '../core/attribution/graph.ts';
import { realGraph } from '../core/attribution/realGraph.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import { sharedModelData } from '../core/run.ts';
import type { RunSnapshot } from '../core/snapshot.ts';
import type { TrainedTranscoder } from '../core/transcoder/apply.ts';
import type { TrainingData } from '../core/transcoder/data.ts';
import type { Layout } from '../core/transcoder/layout.ts';
import { useStore } from '../state/store.ts';
import { KIND_PALETTE } from './charts/lineChart.ts';
import { attachCursor } from './charts/chartCursor.ts';
import { fmt, hideTooltip, showTooltip } from './charts/tooltip.ts';
import type { ViewProps } from './types.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';
import './views.css';
import './depth.css';

/** Most inputs whose attribution graphs are pooled; beyond it an evenly spaced sample is used. */
export const MAX_DEPTH_INPUTS = 64;

const KIND_LABEL: Record<TranscoderKind, string> = { clt: 'CLT', plt: 'PLT' };
const ORDER: Record<TranscoderKind, number> = { clt: 0, plt: 1 };

/** One member's L0 per layer at the shown step. */
export interface L0Row {
  kind: TranscoderKind;
  /** Active features per input, per layer. */
  l0: number[];
}

/** One graph family's cumulative attribution share by layer: a member's, or the real model's. */
export interface CumulativeRow {
  kind: TranscoderKind | 'real';
  /** Σ_{l ≤ n} of the pooled per-layer share of positive attribution into the output. */
  cumulative: number[];
  /** Inputs that weigh in the pooled share (those whose graph has positive feature attribution). */
  counted: number;
  /** Each input's own signature. */
  perInput: InputDepth[];
}

const ROW_LABEL: Record<CumulativeRow['kind'], string> = { ...KIND_LABEL, real: 'real model' };
const REAL_COLOUR = '#374151';
const rowColour = (kind: CumulativeRow['kind']): string => (kind === 'real' ? REAL_COLOUR : KIND_PALETTE[kind][0]);

/**
 * How many inputs to pool: all up to MAX_DEPTH_INPUTS, fewer for wide transcoders, since a
 * graph's cost grows with the square of the active features (a 256-feature one gets 4).
 */
export function depthSampleSize(n: number, features: number): number {
  const byWidth = Math.floor(MAX_DEPTH_INPUTS * (32 / Math.max(32, features)) ** 2);
  return Math.min(n, Math.max(4, byWidth));
}

/** `count` input indices spread evenly over 0..n−1 (all of them when n ≤ count). */
export function sampleInputs(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

/**
 * Cumulative share of positive attribution by layer, pooled over the sampled inputs
 * (core/attribution/depth.ts): an input where no feature reaches the output weighs nothing.
 */
export function cumulativeAttribution(tc: TrainedTranscoder, data: TrainingData, model: BaseModel, inputs: readonly number[]): Omit<CumulativeRow, 'kind'> {
  const { cumulativeShare, counted, perInput } = depthSignature(tc, data, model, inputs);
  return { cumulative: cumulativeShare, counted, perInput };
}

/** The same for the real model's own graphs (its neurons are the feature nodes). */
export function realCumulative(model: BaseModel, inputs: readonly number[]): CumulativeRow {
  const { cumulativeShare, counted, perInput } = pooledDepth(inputs.map((n) => realGraph(model, n)), model.layers.length);
  return { kind: 'real', cumulative: cumulativeShare, counted, perInput };
}

/** Per-input read-out lines for the tooltip at layer ≤ l: "5: 100 %", "—" where nothing reaches the output. */
export function perInputLines(perInput: readonly InputDepth[], l: number, perLine = 4, maxLines = 8): string[] {
  const cells = perInput.map((p) => `${String(p.input).padStart(2)}: ${p.cumulative ? `${(100 * p.cumulative[l]).toFixed(0).padStart(3)} %` : '    —'}`);
  const lines: string[] = [];
  for (let i = 0; i < cells.length && lines.length < maxLines; i += perLine) lines.push(cells.slice(i, i + perLine).join('  '));
  const shown = Math.min(cells.length, perLine * maxLines);
  if (shown < cells.length) lines.push(`… and ${cells.length - shown} more inputs`);
  return lines;
}

/** The snapshot's members that match the current layouts (a stale snapshot can outlive a config change for a moment). */
function matching(snapshot: RunSnapshot, layouts: readonly Layout[], model: BaseModel) {
  return snapshot.members
    .flatMap((m, k) => {
      const layout = layouts[k];
      return layout && m.params.length === layout.size && layout.dims === model.dims ? [{ member: m, tc: { layout, params: m.params } }] : [];
    })
    .sort((a, b) => ORDER[a.member.kind] - ORDER[b.member.kind]);
}

function l0Rows(snapshot: RunSnapshot, layouts: readonly Layout[], model: BaseModel): L0Row[] {
  return matching(snapshot, layouts, model).map(({ member: m, tc }) => ({
    kind: m.kind,
    l0: Array.from({ length: tc.layout.layers }, (_, l) => m.metrics.l0[l] ?? NaN),
  }));
}

export function cumulativeRows(snapshot: RunSnapshot, layouts: readonly Layout[], model: BaseModel, data: TrainingData, inputs: readonly number[]): CumulativeRow[] {
  const members = matching(snapshot, layouts, model).map(({ member, tc }) => ({ kind: member.kind, ...cumulativeAttribution(tc, data, model, inputs) }));
  return [realCumulative(model, inputs), ...members];
}

/**
 * cumulativeRows in pieces, one attribution graph a step (the real model's, then each member's,
 * input by input); `finish` pools them. Run all the steps and finish: the same rows as cumulativeRows.
 */
export function cumulativeRowSteps(snapshot: RunSnapshot, layouts: readonly Layout[], model: BaseModel, data: TrainingData, inputs: readonly number[]) {
  const members = matching(snapshot, layouts, model);
  type Nodes = Pick<AttributionGraph, 'input' | 'nodes'>;
  const real: Nodes[] = [];
  const graphs: Nodes[][] = members.map(() => []);
  const keep = (g: AttributionGraph): Nodes => ({ input: g.input, nodes: g.nodes });
  const steps: (() => void)[] = [
    ...inputs.map((n) => () => void real.push(keep(realGraph(model, n)))),
    ...members.flatMap(({ tc }, k) => inputs.map((n) => () => void graphs[k].push(keep(attributionGraph(tc, data, model, n))))),
  ];
  const row = (kind: CumulativeRow['kind'], gs: Nodes[]): CumulativeRow => {
    const { cumulativeShare, counted, perInput } = pooledDepth(gs, model.layers.length);
    return { kind, cumulative: cumulativeShare, counted, perInput };
  };
  const finish = (): CumulativeRow[] => [row('real', real), ...members.map(({ member }, k) => row(member.kind, graphs[k]))];
  return { steps, finish };
}

/** Milliseconds of attribution graphs per task: the depth chart is computed in slices, never in one long task. */
const SLICE_MS = 8;

type RowsKey = readonly [RunSnapshot, readonly Layout[], BaseModel, TrainingData, readonly number[]];

/** A computation of cumulative rows in slices; the views that ask for the same rows share it. */
interface RowsJob {
  key: RowsKey;
  rows: CumulativeRow[] | null;
  waiting: Set<(rows: CumulativeRow[]) => void>;
  timer: number;
}

/** The newest job: the depth view and the real-graphs panel ask for the same rows of the same snapshot. */
let newest: RowsJob | null = null;

/** The same rows: the same objects, and inputs of the same values (each view samples its own array). */
function sameKey(a: RowsKey, b: readonly unknown[]): boolean {
  const [ai, bi] = [a[4], b[4] as readonly number[]];
  return a.slice(0, 4).every((x, i) => x === b[i]) && ai.length === bi.length && ai.every((n, k) => n === bi[k]);
}

const NO_ROWS: CumulativeRow[] = [];

function startRows(key: RowsKey): RowsJob {
  const { steps, finish } = cumulativeRowSteps(...key);
  const job: RowsJob = { key, rows: null, waiting: new Set(), timer: 0 };
  let next = 0;
  const slice = (): void => {
    const until = performance.now() + SLICE_MS;
    while (next < steps.length && (next === 0 || performance.now() < until)) steps[next++]();
    if (next < steps.length) {
      job.timer = window.setTimeout(slice, 0);
      return;
    }
    const rows = finish();
    job.rows = rows;
    job.waiting.forEach((got) => got(rows));
    job.waiting.clear();
  };
  job.timer = window.setTimeout(slice, 0);
  return job;
}

/** Hands `got` the rows of `key` (at once when they are in); returns the leave, which stops a job no one waits for. */
function requestRows(key: RowsKey, got: (rows: CumulativeRow[]) => void): () => void {
  const job = newest !== null && sameKey(newest.key, key) ? newest : (newest = startRows(key));
  if (job.rows) {
    got(job.rows);
    return () => {};
  }
  job.waiting.add(got);
  return () => {
    job.waiting.delete(got);
    if (job.waiting.size > 0 || job.rows) return;
    window.clearTimeout(job.timer);
    if (newest === job) newest = null;
  };
}

/**
 * The cumulative rows of `snapshot` (none for null), computed in slices of SLICE_MS, each in a task
 * of its own, once for every view that asks; until they are in, none.
 */
export function useCumulativeRows(snapshot: RunSnapshot | null, layouts: readonly Layout[], model: BaseModel, data: TrainingData, inputs: readonly number[]): CumulativeRow[] {
  const [done, setDone] = useState<{ key: RowsKey; rows: CumulativeRow[] } | null>(null);
  useEffect(() => {
    if (!snapshot) return;
    const key: RowsKey = [snapshot, layouts, model, data, inputs];
    return requestRows(key, (rows) => setDone({ key, rows }));
  }, [snapshot, layouts, model, data, inputs]);
  // Rows of another snapshot (or of an earlier config) are never shown beside this one.
  return done !== null && sameKey(done.key, [snapshot, layouts, model, data, inputs]) ? done.rows : NO_ROWS;
}

const M = { top: 26, right: 10, bottom: 38, left: 48 };
const W = 340;
const H = 210;

function frame(el: HTMLElement, title: string, yLabel: string, xLabel: string) {
  const svg = d3.select(el).append('svg').attr('class', 'chart depth-chart').attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'img');
  svg.append('text').attr('class', 'chart-title').attr('x', M.left).attr('y', 14).text(title);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  g.append('text').attr('class', 'axis-title').attr('x', iw / 2).attr('y', ih + 32).attr('text-anchor', 'middle').text(xLabel);
  g.append('text').attr('class', 'axis-title').attr('transform', `translate(-36,${ih / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(yLabel);
  return { svg, g, iw, ih };
}

/** Keyboard read-out over a chart's marks, one row per member and one column per layer; returns the detach. */
function readByKeyboard(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>, title: string, marks: readonly { el: Element; tip: string[] }[], layers: number) {
  return attachCursor(svg.node() as SVGSVGElement, {
    label: title,
    count: marks.length,
    columns: layers,
    show: (i) => {
      marks.forEach((m, k) => m.el.classList.toggle('cursor', k === i));
      return { anchor: marks[i].el, lines: marks[i].tip };
    },
    clear: () => marks.forEach((m) => m.el.classList.remove('cursor')),
  });
}

/** Grouped bars: one group per layer, one bar per member, each bar carrying its value. */
function drawL0Bars(el: HTMLElement, rows: readonly L0Row[], layers: number): () => void {
  const title = 'Active features per input (L0) by layer';
  const { svg, g, iw, ih } = frame(el, title, 'L0 (features / input)', 'layer');
  const marks: { el: Element; tip: string[] }[] = [];
  const top = Math.max(1, ...rows.flatMap((r) => r.l0.filter(Number.isFinite)));
  const x = d3.scaleBand<number>().domain(d3.range(layers)).range([0, iw]).padding(0.25);
  const inner = d3.scaleBand<string>().domain(rows.map((r) => r.kind)).range([0, x.bandwidth()]).padding(0.08);
  const y = d3.scaleLinear().domain([0, top * 1.15]).range([ih, 0]).nice();
  g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`).call(d3.axisBottom(x).tickFormat((l) => `layer ${l}`));
  g.append('g').attr('class', 'axis y-axis').call(d3.axisLeft(y).ticks(5));
  for (const r of rows) {
    const colour = KIND_PALETTE[r.kind][0];
    r.l0.forEach((v, l) => {
      const value = Number.isFinite(v) ? v : 0;
      const bx = (x(l) ?? 0) + (inner(r.kind) ?? 0);
      const tip = [`${KIND_LABEL[r.kind]} layer ${l}`, `L0 = ${fmt(v)} active features / input`];
      const bar = g.append('rect')
        .attr('class', `depth-bar depth-bar-${r.kind}`)
        .attr('data-testid', `depth-l0-${r.kind}-${l}`)
        .attr('data-value', v)
        .attr('x', bx)
        .attr('width', inner.bandwidth())
        .attr('y', y(value))
        .attr('height', Math.max(0, ih - y(value)))
        .attr('fill', colour)
        .on('pointermove', (e: PointerEvent) => showTooltip(e.clientX, e.clientY, tip))
        .on('pointerleave', hideTooltip);
      marks.push({ el: bar.node() as Element, tip });
      g.append('text')
        .attr('class', value === 0 ? 'bar-value bar-zero' : 'bar-value')
        .attr('x', bx + inner.bandwidth() / 2)
        .attr('y', y(value) - 3)
        .attr('text-anchor', 'middle')
        .text(value === 0 ? '0' : d3.format('.2~f')(value));
    });
  }
  const detach = readByKeyboard(svg, title, marks, layers);
  return () => {
    detach();
    hideTooltip();
    svg.remove();
  };
}

/** One line per member (and the real model) over layers: the running pooled share of positive attribution into the output, 0 to 1. */
function drawCumulative(el: HTMLElement, rows: readonly CumulativeRow[], layers: number): () => void {
  const title = 'Cumulative share of positive attribution';
  const { svg, g, iw, ih } = frame(el, title, 'share of output attribution', 'features in layers up to');
  const marks: { el: Element; tip: string[] }[] = [];
  const x = d3.scalePoint<number>().domain(d3.range(layers)).range([0, iw]).padding(0.4);
  const y = d3.scaleLinear().domain([0, 1]).range([ih, 0]);
  g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`).call(d3.axisBottom(x).tickFormat((l) => `≤ ${l}`));
  g.append('g').attr('class', 'axis y-axis').call(d3.axisLeft(y).ticks(5, '.0%'));
  for (const r of rows) {
    const colour = rowColour(r.kind);
    const line = d3.line<number>().x((_, l) => x(l) ?? 0).y((v) => y(v));
    g.append('path').attr('class', 'series').attr('fill', 'none').attr('stroke', colour).attr('stroke-width', r.kind === 'real' ? 1.5 : 2)
      .attr('stroke-dasharray', r.kind === 'plt' ? '6 3' : r.kind === 'real' ? '2 3' : null).attr('d', line(r.cumulative));
    r.cumulative.forEach((v, l) => {
      const tip = [
        `${ROW_LABEL[r.kind]}: ${r.kind === 'real' ? 'neurons' : 'features'} in layers ≤ ${l}`,
        `pooled over ${r.perInput.length} inputs: ${fmt(100 * v)} %`,
        'of the positive attribution into the output',
        `(summed, then normalized; the ${r.perInput.length - r.counted} inputs`,
        ' where nothing reaches the output weigh 0)',
        `per input, layers ≤ ${l}:`,
        ...perInputLines(r.perInput, l),
      ];
      const point = g.append('circle')
        .attr('class', 'depth-point')
        .attr('data-testid', `depth-cum-${r.kind}-${l}`)
        .attr('data-value', v)
        .attr('cx', x(l) ?? 0)
        .attr('cy', y(v))
        .attr('r', 4.5)
        .attr('fill', 'white')
        .attr('stroke', colour)
        .attr('stroke-width', 2)
        .on('pointermove', (e: PointerEvent) => showTooltip(e.clientX, e.clientY, tip))
        .on('pointerleave', hideTooltip);
      marks.push({ el: point.node() as Element, tip });
    });
  }
  const detach = readByKeyboard(svg, title, marks, layers);
  return () => {
    detach();
    hideTooltip();
    svg.remove();
  };
}

/** A d3 drawer owned by React: drawn in an effect, removed in its cleanup. */
function ChartBox({ draw }: { draw: (el: HTMLElement) => () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => (ref.current ? draw(ref.current) : undefined), [draw]);
  return <div className="chart-box" ref={ref} />;
}

/** The per-layer L0 profile and cumulative attribution share, CLT beside PLT. */
export function DepthView({ model, config, layouts }: ViewProps) {
  const { snapshot, box } = useShownSnapshot(1000, 1, 870);
  const layers = model.layers.length;
  // Attribution graphs are too heavy to redo at every live snapshot: they wait for a pause, the end, or the scrubber.
  const training = useStore((s) => s.status === 'training' && s.scrubStep === null);
  // Under the write-up's layout the transcoders trained on re-arranged data (SPEC §2).
  const dataLayout = useStore((s) => s.config.layout);
  const data = useMemo(() => sharedModelData(model, dataLayout), [model, dataLayout]);
  const inputs = useMemo(() => sampleInputs(model.n, depthSampleSize(model.n, config.features)), [model, config.features]);
  const bars = useMemo(() => (snapshot ? l0Rows(snapshot, layouts, model) : []), [snapshot, layouts, model]);
  const attributed = training ? null : snapshot;
  // Up to 2 × 64 attribution graphs: once per shown snapshot, not per render, in slices.
  const lines = useCumulativeRows(attributed, layouts, model, data, inputs);
  const drawBars = useMemo(() => (el: HTMLElement) => drawL0Bars(el, bars, layers), [bars, layers]);
  const drawCum = useMemo(() => (el: HTMLElement) => drawCumulative(el, lines, layers), [lines, layers]);

  if (bars.length === 0 || !snapshot) {
    return (
      <section ref={box} className="view view-depth" data-testid="view-depth">
        <h2>Depth signatures</h2>
        <p className="view-waiting">waiting for the first snapshot</p>
      </section>
    );
  }
  const sampled = inputs.length < model.n;
  const skipped = lines.filter((r) => r.counted < inputs.length);
  return (
    <section ref={box} className="view view-depth" data-testid="view-depth" aria-label="Depth signatures">
      <h2>Depth signatures: in which layers does each replacement work?</h2>
      <ul className="view-legend" aria-label="legend">
        {bars.map((r) => (
          <li key={r.kind}>
            <span className="swatch" style={{ background: KIND_PALETTE[r.kind][0] }} /> {KIND_LABEL[r.kind]}
            {r.kind === 'plt' && lines.length > 0 ? ' (dashed line)' : ''}
          </li>
        ))}
        {lines.length > 0 && (
          <li>
            <span className="swatch" style={{ background: REAL_COLOUR }} /> real model (dotted line, right chart: the ground truth)
          </li>
        )}
        <li className="legend-note">step {snapshot.step}</li>
      </ul>
      <div className="small-multiples">
        <ChartBox draw={drawBars} />
        {lines.length > 0 ? (
          <ChartBox draw={drawCum} />
        ) : (
          <p className="view-waiting depth-pending" data-testid="depth-cum-pending">
            {attributed
              ? `Computing the cumulative attribution from ${inputs.length} attribution graphs per transcoder…`
              : `The cumulative attribution is computed from ${inputs.length} attribution graphs per transcoder when training pauses or ends, or for a step picked on the scrubber.`}
          </p>
        )}
      </div>
      <p className="view-caption">
        Left: how many features fire per input in each layer. Right: of all the positive attribution the active features
        carry into the output (each feature&apos;s total effect, direct and through later features), the share held by
        layers up to each one, pooled over{' '}
        {sampled
          ? `${inputs.length} evenly spaced inputs of ${model.n} (a cap that keeps the page responsive; wider transcoders get fewer)`
          : `all ${model.n} inputs`}
        : summed over the inputs first and normalized once, so an input where no feature reaches the output weighs
        nothing (hover a point for each input&apos;s own value). The real model&apos;s line is the same measure on its own
        neurons. A CLT that skips layers puts its attribution in early layers: its line climbs close to 100 % while the PLT&apos;s,
        which follows the real model step by step, is still low, and its bars for the layers it skips shrink towards 0 —
        though the real model needs every layer.
      </p>
      {skipped.map((r) => (
        <p key={r.kind} className="view-caption">
          {ROW_LABEL[r.kind]}: {inputs.length - r.counted} of {inputs.length} inputs have no active {r.kind === 'real' ? 'neuron' : 'feature'} reaching the
          output; they weigh nothing in its pooled share.
        </p>
      ))}
    </section>
  );
}
