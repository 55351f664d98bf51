/**
 * A framework-free d3 drawer for one panel of the sweep's phase diagram: a metric against λ
 * (log x), one dot per run coloured by its series, spread sideways a little so seeds at one λ
 * do not hide each other, and a median line per series. Each dot is a link to its run.
 */
import * as d3 from 'd3';
import { fmt, hideTooltip, showTooltip, showTooltipAt } from './tooltip.ts';

/** One series (a variant): legend name and colour. */
export interface PhaseSeries {
  name: string;
  colour: string;
}

/** The runs as columns; index i is one run in every column. */
export interface PhasePoints {
  /** λ of each run (> 0). */
  x: Float64Array;
  /** The panel's metric; NaN (or ≤ 0 on a log axis) draws no dot. */
  y: Float64Array;
  /** Index into the series list. */
  series: Uint8Array;
  /** Sideways offset as a share of the gap between adjacent λ, in [−0.5, 0.5]. */
  offset: Float64Array;
}

export interface PhaseOptions {
  /** Stable id of the panel, written on every dot as data-panel. */
  panel: string;
  title: string;
  yLabel: string;
  series: readonly PhaseSeries[];
  logY?: boolean;
  /** Fixed y range of a linear axis, e.g. [0, 1] for a share. */
  yDomain?: [number, number];
  width?: number;
  height?: number;
  /** Tooltip lines of run i (plain text). */
  describe: (i: number) => string[];
  /** Link of run i. */
  href: (i: number) => string;
  /** Opens run i; the drawer cancels the link's own navigation. */
  onOpen: (i: number) => void;
  /** Whether the dots are in the tab order (one panel should be, not all four). */
  focusable?: boolean;
}

const M = { top: 22, right: 12, bottom: 36, left: 58 };

/** Per series, the median of y over the runs at each distinct x (in increasing x), and those runs' mean offset. */
export function medianLines(points: PhasePoints, seriesCount: number, logY = false): { x: number; y: number; offset: number }[][] {
  const out: { x: number; y: number; offset: number }[][] = [];
  for (let s = 0; s < seriesCount; s++) {
    const byX = new Map<number, { ys: number[]; offsets: number[] }>();
    for (let i = 0; i < points.x.length; i++) {
      const v = points.y[i];
      if (points.series[i] !== s || !Number.isFinite(v) || (logY && v <= 0)) continue;
      let at = byX.get(points.x[i]);
      if (!at) byX.set(points.x[i], (at = { ys: [], offsets: [] }));
      at.ys.push(v);
      at.offsets.push(points.offset[i]);
    }
    out.push(
      [...byX.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([x, at]) => ({ x, y: d3.median(at.ys) ?? NaN, offset: d3.mean(at.offsets) ?? 0 })),
    );
  }
  return out;
}

/** Draws the panel into `container`; returns the cleanup that removes it. */
export function drawPhasePanel(container: HTMLElement, points: PhasePoints, opts: PhaseOptions): () => void {
  const W = opts.width ?? 300;
  const H = opts.height ?? 210;
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const svg = d3
    .select(container)
    .append('svg')
    .attr('class', 'chart phase-chart')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'group')
    .attr('aria-label', opts.title);
  svg.append('text').attr('class', 'chart-title').attr('x', M.left).attr('y', 14).text(opts.title);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);

  const xs = [...new Set(points.x)].sort((a, b) => a - b);
  const xLo = xs[0] ?? 0.01;
  const xHi = xs[xs.length - 1] ?? 1;
  // Half a step of padding each side (a decade when there is one λ), so edge dots stay inside.
  const pad = xs.length > 1 ? Math.sqrt(xs[1] / xs[0]) : Math.sqrt(10);
  const x = d3.scaleLog().domain([xLo / pad, xHi * pad]).range([0, iw]);
  const band = xs.length > 1 ? (0.7 * iw) / (xs.length + 1) : 0.35 * iw;

  const ok = (v: number) => Number.isFinite(v) && (!opts.logY || v > 0);
  const finite = Array.from(points.y).filter(ok);
  let y: d3.ScaleContinuousNumeric<number, number>;
  if (opts.logY) {
    const lo = d3.min(finite) ?? 1e-4;
    const hi = d3.max(finite) ?? 1;
    y = d3.scaleLog().domain([lo, Math.max(hi, lo * 10)]).range([ih, 0]).nice();
  } else {
    const hi = d3.max(finite) ?? 1;
    y = d3.scaleLinear().domain(opts.yDomain ?? [Math.min(0, d3.min(finite) ?? 0), hi > 0 ? hi : 1]).range([ih, 0]).nice();
  }

  g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`).call(d3.axisBottom(x).ticks(4, '~g'));
  g.append('g').attr('class', 'axis y-axis').call(opts.logY ? d3.axisLeft(y).ticks(4, '~g') : d3.axisLeft(y).ticks(5));
  g.append('text').attr('class', 'axis-title').attr('x', iw / 2).attr('y', ih + 30).attr('text-anchor', 'middle').text('λ (log scale; dots at one λ spread sideways by seed)');
  g.append('text')
    .attr('class', 'axis-title')
    .attr('transform', `translate(${-48},${ih / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(opts.yLabel);

  const medians = medianLines(points, opts.series.length, opts.logY);
  // Each median sits at its dots' mean sideways offset, so a line runs through its own variant's dots.
  const line = d3.line<{ x: number; y: number; offset: number }>().defined((p) => ok(p.y)).x((p) => x(p.x) + p.offset * band).y((p) => y(p.y));
  medians.forEach((m, s) => {
    g.append('path')
      .attr('class', 'median')
      .attr('data-series', opts.series[s].name)
      .attr('fill', 'none')
      .attr('stroke', opts.series[s].colour)
      .attr('stroke-width', 1.8)
      .attr('stroke-opacity', 0.85)
      .attr('d', line(m));
  });

  const dots = g.append('g').attr('class', 'dots');
  for (let i = 0; i < points.x.length; i++) {
    const v = points.y[i];
    if (!ok(v)) continue;
    const link = dots
      .append('a')
      .attr('href', opts.href(i))
      .attr('tabindex', opts.focusable ? null : -1)
      .attr('aria-label', `${opts.describe(i)[0] ?? 'run'}: open in the main view`);
    link
      .append('circle')
      .attr('data-testid', 'sweep-dot')
      .attr('data-panel', opts.panel)
      .attr('data-url', opts.href(i))
      .attr('data-value', v)
      .attr('cx', x(points.x[i]) + points.offset[i] * band)
      .attr('cy', y(v))
      .attr('r', 3.2)
      .attr('fill', opts.series[points.series[i]].colour)
      .attr('fill-opacity', 0.75)
      .attr('stroke', 'white')
      .attr('stroke-width', 0.6);
    link
      .on('click', (event: MouseEvent) => {
        event.preventDefault();
        hideTooltip();
        opts.onOpen(i);
      })
      .on('pointerenter', (event: PointerEvent) => showTooltip(event.clientX, event.clientY, [...opts.describe(i), 'click: open this run in the main view']))
      .on('pointerleave', () => hideTooltip())
      .on('focus', function () {
        showTooltipAt(this, [...opts.describe(i), 'Enter: open this run in the main view']);
      })
      .on('blur', () => hideTooltip());
  }

  return () => {
    hideTooltip();
    svg.remove();
  };
}

/** A metric value for tooltips: 10 significant digits, enough to match the main view's numbers without float noise. */
export function exact(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(10))) : fmt(v);
}
