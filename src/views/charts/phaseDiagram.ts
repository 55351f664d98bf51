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

/** What stays as the panel is created: its id, titles, size and scale kind. */
export type PhasePanelSetup = Pick<PhaseOptions, 'panel' | 'title' | 'yLabel' | 'logY' | 'width' | 'height'>;

/** What the owner keeps: redraw with new points in place, emphasise one series, remove the panel. */
export interface PhasePanel {
  update(points: PhasePoints, opts: Omit<PhaseOptions, keyof PhasePanelSetup>): void;
  /** Emphasises the series of that name (the others fade); null shows all alike. */
  setHighlight(series: string | null): void;
  destroy(): void;
}

interface PhaseDot {
  i: number;
  cx: number;
  cy: number;
  v: number;
  colour: string;
  series: string;
}

/**
 * Creates the panel in `container`: the SVG, axes and titles are made once; `update` moves them
 * to new points with d3 joins (only the medians and dots change).
 */
export function createPhasePanel(container: HTMLElement, setup: PhasePanelSetup): PhasePanel {
  const W = setup.width ?? 300;
  const H = setup.height ?? 210;
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const logY = setup.logY === true;
  const svg = d3
    .select(container)
    .append('svg')
    .attr('class', 'chart phase-chart')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'group')
    .attr('aria-label', setup.title);
  svg.append('text').attr('class', 'chart-title').attr('x', M.left).attr('y', 14).text(setup.title);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  const xAxis = g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`);
  const yAxis = g.append('g').attr('class', 'axis y-axis');
  g.append('text').attr('class', 'axis-title').attr('x', iw / 2).attr('y', ih + 30).attr('text-anchor', 'middle').text('λ (log scale; dots at one λ spread sideways by seed)');
  g.append('text')
    .attr('class', 'axis-title')
    .attr('transform', `translate(${-48},${ih / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(setup.yLabel);
  const mediansG = g.append('g');
  const dots = g.append('g').attr('class', 'dots');
  let opts: Omit<PhaseOptions, keyof PhasePanelSetup> | null = null;
  const ok = (v: number) => Number.isFinite(v) && (!logY || v > 0);

  return {
    update(points, next) {
      opts = next;
      const xs = [...new Set(points.x)].sort((a, b) => a - b);
      const xLo = xs[0] ?? 0.01;
      const xHi = xs[xs.length - 1] ?? 1;
      // Half a step of padding each side (a decade when there is one λ), so edge dots stay inside.
      const pad = xs.length > 1 ? Math.sqrt(xs[1] / xs[0]) : Math.sqrt(10);
      const x = d3.scaleLog().domain([xLo / pad, xHi * pad]).range([0, iw]);
      const band = xs.length > 1 ? (0.7 * iw) / (xs.length + 1) : 0.35 * iw;
      const finite = Array.from(points.y).filter(ok);
      let y: d3.ScaleContinuousNumeric<number, number>;
      if (logY) {
        const lo = d3.min(finite) ?? 1e-4;
        const hi = d3.max(finite) ?? 1;
        y = d3.scaleLog().domain([lo, Math.max(hi, lo * 10)]).range([ih, 0]).nice();
      } else {
        const hi = d3.max(finite) ?? 1;
        y = d3.scaleLinear().domain(next.yDomain ?? [Math.min(0, d3.min(finite) ?? 0), hi > 0 ? hi : 1]).range([ih, 0]).nice();
      }
      xAxis.call(d3.axisBottom(x).ticks(4, '~g'));
      yAxis.call(logY ? d3.axisLeft(y).ticks(4, '~g') : d3.axisLeft(y).ticks(5));

      const medians = medianLines(points, next.series.length, logY);
      // Each median sits at its dots' mean sideways offset, so a line runs through its own variant's dots.
      const line = d3.line<{ x: number; y: number; offset: number }>().defined((p) => ok(p.y)).x((p) => x(p.x) + p.offset * band).y((p) => y(p.y));
      mediansG.selectAll<SVGPathElement, { x: number; y: number; offset: number }[]>('path.median').data(medians).join('path')
        .attr('class', 'median')
        .attr('data-series', (_, s) => next.series[s].name)
        .attr('fill', 'none')
        .attr('stroke', (_, s) => next.series[s].colour)
        .attr('stroke-width', 1.8)
        .attr('stroke-opacity', 0.85)
        .attr('d', (m) => line(m));

      const shown: PhaseDot[] = [];
      for (let i = 0; i < points.x.length; i++) {
        const v = points.y[i];
        if (!ok(v)) continue;
        const s = next.series[points.series[i]];
        shown.push({ i, v, cx: x(points.x[i]) + points.offset[i] * band, cy: y(v), colour: s.colour, series: s.name });
      }
      const links = dots.selectAll<SVGAElement, PhaseDot>('a').data(shown).join((enter) => {
        const a = enter.append('a');
        a.append('circle').attr('data-testid', 'sweep-dot').attr('r', 3.2).attr('fill-opacity', 0.75).attr('stroke', 'white').attr('stroke-width', 0.6);
        // Handlers read the dot's datum and the latest options, so they survive updates.
        a.on('click', (event: MouseEvent, d) => {
          event.preventDefault();
          hideTooltip();
          opts?.onOpen(d.i);
        })
          .on('pointerenter', (event: PointerEvent, d) => showTooltip(event.clientX, event.clientY, [...(opts?.describe(d.i) ?? []), 'click: open this run in the main view']))
          .on('pointerleave', () => hideTooltip())
          .on('focus', function (_, d) {
            showTooltipAt(this, [...(opts?.describe(d.i) ?? []), 'Enter: open this run in the main view']);
          })
          .on('blur', () => hideTooltip());
        return a;
      });
      links
        .attr('href', (d) => next.href(d.i))
        .attr('tabindex', next.focusable ? null : -1)
        .attr('aria-label', (d) => `${next.describe(d.i)[0] ?? 'run'}: open in the main view`);
      links.select('circle')
        .attr('data-panel', setup.panel)
        .attr('data-url', (d) => next.href(d.i))
        .attr('data-value', (d) => d.v)
        .attr('cx', (d) => d.cx)
        .attr('cy', (d) => d.cy)
        .attr('fill', (d) => d.colour);
    },
    setHighlight(series) {
      mediansG.selectAll<SVGPathElement, unknown>('path.median').attr('opacity', function () {
        return series === null || this.getAttribute('data-series') === series ? null : 0.3;
      });
      dots.selectAll<SVGAElement, PhaseDot>('a').attr('opacity', (d) => (series === null || d.series === series ? null : 0.3));
    },
    destroy() {
      hideTooltip();
      svg.remove();
    },
  };
}

/** A metric value for tooltips: 10 significant digits, enough to match the main view's numbers without float noise. */
export function exact(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(10))) : fmt(v);
}
