/** A framework-free d3 drawer: several series over training steps, with a step marker and hover read-out. */
import * as d3 from 'd3';
import { attachCursor } from './chartCursor.ts';
import { fmt, hideTooltip, showTooltip } from './tooltip.ts';

/** One line: its name for the legend and tooltip, its colour, an optional SVG dash array. */
export interface LineSeries {
  name: string;
  colour: string;
  /** SVG stroke-dasharray, e.g. "5 3"; omitted draws solid. */
  dash?: string;
  /** Steps, increasing. */
  xs: Float64Array;
  /** Values at those steps; NaN leaves a gap. */
  ys: Float64Array;
}

export interface LineChartOptions {
  title: string;
  /** Y axis title including its unit, e.g. "MSE (standardized units²)". */
  yLabel: string;
  logY?: boolean;
  /** The step shown (live or scrubbed); a vertical rule marks it. */
  marker?: number | null;
  width?: number;
  height?: number;
  /** Draw the legend right of the plot (off when the view draws one shared legend). */
  legend?: boolean;
  /** Top of a linear y axis; higher values are clipped (e.g. an early transient), and the chart says so. */
  yClip?: number;
  /** Labelled points, e.g. where a curve reaches zero. */
  annotations?: readonly LineAnnotation[];
}

/** A labelled point on the chart. */
export interface LineAnnotation {
  x: number;
  y: number;
  text: string;
  colour: string;
}

const M = { top: 24, right: 12, bottom: 38, left: 56 };
/** Makes clip-path ids unique across charts on one page. */
let drawCount = 0;

/** Index of the x in xs nearest to x (xs increasing, non-empty). */
function nearest(xs: Float64Array, x: number): number {
  const i = d3.bisectLeft(xs, x);
  if (i <= 0) return 0;
  if (i >= xs.length) return xs.length - 1;
  return x - xs[i - 1] <= xs[i] - x ? i - 1 : i;
}

/** Draws the chart into `container`; returns the cleanup that removes it. */
export function drawLineChart(container: HTMLElement, series: readonly LineSeries[], opts: LineChartOptions): () => void {
  const W = opts.width ?? 320;
  const H = opts.height ?? 190;
  // The legend sits right of the plot so it never covers a line.
  const legendW = opts.legend === false ? 0 : 34 + 6 * Math.max(0, ...series.map((s) => s.name.length));
  const iw = W - M.left - M.right - legendW;
  const ih = H - M.top - M.bottom;
  const svg = d3
    .select(container)
    .append('svg')
    .attr('class', 'chart line-chart')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img');
  svg.append('text').attr('class', 'chart-title').attr('x', M.left).attr('y', 14).text(opts.title);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);

  let xMax = 1;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of series) {
    if (s.xs.length > 0) xMax = Math.max(xMax, s.xs[s.xs.length - 1]);
    for (const v of s.ys) {
      if (!Number.isFinite(v) || (opts.logY && v <= 0)) continue;
      yMin = Math.min(yMin, v);
      yMax = Math.max(yMax, v);
    }
  }
  if (opts.marker != null) xMax = Math.max(xMax, opts.marker);
  const x = d3.scaleLinear().domain([0, xMax]).range([0, iw]);
  let y: d3.ScaleContinuousNumeric<number, number>;
  if (opts.logY) {
    const lo = Number.isFinite(yMin) ? yMin : 1e-4;
    const hi = Number.isFinite(yMax) ? yMax : 1;
    y = d3.scaleLog().domain([lo, Math.max(hi, lo * 10)]).range([ih, 0]).nice();
  } else {
    let hi = Number.isFinite(yMax) ? yMax : 1;
    if (opts.yClip !== undefined && hi > opts.yClip) hi = opts.yClip;
    y = d3.scaleLinear().domain([Math.min(0, Number.isFinite(yMin) ? yMin : 0), hi > 0 ? hi : 1]).range([ih, 0]).nice();
  }

  g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`).call(d3.axisBottom(x).ticks(5, '~s'));
  g.append('g').attr('class', 'axis y-axis').call(opts.logY ? d3.axisLeft(y).ticks(4, '~g') : d3.axisLeft(y).ticks(5));
  g.append('text').attr('class', 'axis-title').attr('x', iw / 2).attr('y', ih + 32).attr('text-anchor', 'middle').text('step');
  g.append('text')
    .attr('class', 'axis-title')
    .attr('transform', `translate(${-44},${ih / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(opts.yLabel);

  const defined = (v: number): boolean => Number.isFinite(v) && (!opts.logY || v > 0);
  const clipped = !opts.logY && opts.yClip !== undefined && yMax > opts.yClip;
  const clipId = `line-clip-${++drawCount}`;
  svg.append('defs').append('clipPath').attr('id', clipId).append('rect').attr('y', -2).attr('width', iw).attr('height', ih + 4);
  if (clipped) {
    g.append('text').attr('class', 'clip-note').attr('x', iw - 2).attr('y', 9).attr('text-anchor', 'end').text(`▲ clipped at ${fmt(y.domain()[1])}`);
  }
  const lines = g.append('g').attr('clip-path', `url(#${clipId})`);
  for (const s of series) {
    const line = d3
      .line<number>()
      .defined((i) => defined(s.ys[i]))
      .x((i) => x(s.xs[i]))
      .y((i) => y(s.ys[i]));
    lines.append('path')
      .attr('class', 'series')
      .attr('fill', 'none')
      .attr('stroke', s.colour)
      .attr('stroke-width', 1.6)
      .attr('stroke-dasharray', s.dash ?? null)
      .attr('d', line(d3.range(s.xs.length)));
  }

  if (opts.marker != null) {
    g.append('line')
      .attr('class', 'step-marker')
      .attr('x1', x(opts.marker))
      .attr('x2', x(opts.marker))
      .attr('y1', 0)
      .attr('y2', ih);
  }

  for (const a of opts.annotations ?? []) {
    if (!defined(a.y)) continue;
    const ax = x(a.x);
    const ay = Math.min(ih, Math.max(0, y(a.y)));
    g.append('circle').attr('class', 'annotation-dot').attr('cx', ax).attr('cy', ay).attr('r', 4)
      .attr('fill', 'white').attr('stroke', a.colour).attr('stroke-width', 2);
    g.append('text').attr('class', 'annotation').attr('x', Math.min(ax, iw - 4)).attr('y', ay - 8)
      .attr('text-anchor', ax > iw / 2 ? 'end' : 'start').attr('fill', a.colour).text(a.text);
  }

  if (opts.legend !== false) {
    const lg = g.append('g').attr('class', 'legend').attr('transform', `translate(${iw + 10},4)`);
    series.forEach((s, i) => {
      const row = lg.append('g').attr('transform', `translate(0,${i * 13})`);
      row.append('line').attr('x1', 0).attr('x2', 20).attr('y1', 0).attr('y2', 0)
        .attr('stroke', s.colour).attr('stroke-width', 2).attr('stroke-dasharray', s.dash ?? null);
      row.append('text').attr('x', 24).attr('y', 3.5).text(s.name);
    });
  }

  // Hover: a rule and one dot per series at the nearest recorded step.
  const hover = g.append('g').attr('class', 'hover').style('display', 'none');
  hover.append('line').attr('class', 'hover-rule').attr('y1', 0).attr('y2', ih);
  const dots = series.map((s) => hover.append('circle').attr('r', 3).attr('fill', s.colour));
  const ref = series.find((s) => s.xs.length > 0);
  /** Moves the rule and dots to a recorded step and returns the read-out. */
  const showStep = (step: number): string[] => {
    hover.style('display', null);
    hover.select('.hover-rule').attr('x1', x(step)).attr('x2', x(step));
    const lines = [`step ${step}`];
    series.forEach((s, k) => {
      if (s.xs.length === 0) return dots[k].style('display', 'none');
      const v = s.ys[nearest(s.xs, step)];
      lines.push(`${s.name}: ${fmt(v)}`);
      const ok = defined(v);
      if (ok) dots[k].style('display', null).attr('cx', x(step)).attr('cy', Math.max(0, y(v)));
      else dots[k].style('display', 'none');
    });
    return lines;
  };
  const overlay = g.append('rect').attr('class', 'overlay').attr('width', iw).attr('height', ih).attr('fill', 'transparent');
  overlay
    .on('pointermove', (event: PointerEvent) => {
      if (!ref) return;
      const [px] = d3.pointer(event, g.node());
      showTooltip(event.clientX, event.clientY, showStep(ref.xs[nearest(ref.xs, x.invert(px))]));
    })
    .on('pointerleave', () => {
      hover.style('display', 'none');
      hideTooltip();
    });

  // Keyboard: ← → walk the recorded steps, from the shown one.
  const detach = attachCursor(svg.node() as SVGSVGElement, {
    label: opts.title,
    count: ref?.xs.length ?? 0,
    start: () => (ref ? nearest(ref.xs, opts.marker ?? Infinity) : 0),
    show: (i) => {
      const lines = ref ? showStep(ref.xs[i]) : [];
      return { anchor: hover.select('.hover-rule').node() as Element, lines };
    },
    clear: () => hover.style('display', 'none'),
  });

  return () => {
    detach();
    hideTooltip();
    svg.remove();
  };
}

/** The views' shared palette: one hue family per transcoder kind, darker for earlier layers. */
export const KIND_PALETTE: Record<'clt' | 'plt', readonly string[]> = {
  clt: ['#1d4ed8', '#3b82f6', '#93c5fd'],
  plt: ['#c2410c', '#f97316', '#fdba74'],
};

/** Colour and dash of one kind's line at one layer: layer 0 solid, layer 1 dashed, later dotted. */
export function layerStyle(kind: 'clt' | 'plt', layer: number): { colour: string; dash?: string } {
  const shades = KIND_PALETTE[kind];
  const colour = shades[Math.min(layer, shades.length - 1)];
  if (layer === 0) return { colour };
  return { colour, dash: layer === 1 ? '6 3' : '2 3' };
}
