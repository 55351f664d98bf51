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

/** What the owner keeps: redraw with new series in place, emphasise one series, remove the chart. */
export interface LineChart {
  /** `opts` may change the marker, clip and annotations; title, labels, size and log scale stay as created. */
  update(series: readonly LineSeries[], opts?: Partial<LineChartOptions>): void;
  /** Emphasises the series of that name (the others fade); null shows all alike. */
  setHighlight(name: string | null): void;
  destroy(): void;
}

/**
 * Creates the chart in `container`: the SVG, axes, titles, clip, hover layer and overlay are made
 * once; `update` moves them to new data with d3 joins (only lines, marker, annotations and
 * legend rows change).
 */
export function createLineChart(container: HTMLElement, created: LineChartOptions): LineChart {
  const W = created.width ?? 320;
  const H = created.height ?? 190;
  const ih = H - M.top - M.bottom;
  const logY = created.logY === true;
  const svg = d3
    .select(container)
    .append('svg')
    .attr('class', 'chart line-chart')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img');
  svg.append('text').attr('class', 'chart-title').attr('x', M.left).attr('y', 14).text(created.title);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  const xAxis = g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`);
  const yAxis = g.append('g').attr('class', 'axis y-axis');
  const xTitle = g.append('text').attr('class', 'axis-title').attr('y', ih + 32).attr('text-anchor', 'middle').text('step');
  g.append('text')
    .attr('class', 'axis-title')
    .attr('transform', `translate(${-44},${ih / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(created.yLabel);
  const clipId = `line-clip-${++drawCount}`;
  const clipRect = svg.append('defs').append('clipPath').attr('id', clipId).append('rect').attr('y', -2).attr('height', ih + 4);
  const clipNote = g.append('text').attr('class', 'clip-note').attr('y', 9).attr('text-anchor', 'end');
  const lines = g.append('g').attr('clip-path', `url(#${clipId})`);
  const marker = g.append('line').attr('class', 'step-marker').attr('y1', 0).attr('y2', ih);
  const notes = g.append('g');
  const lg = g.append('g').attr('class', 'legend');
  // Hover: a rule and one dot per series at the nearest recorded step.
  const hover = g.append('g').attr('class', 'hover').style('display', 'none');
  hover.append('line').attr('class', 'hover-rule').attr('y1', 0).attr('y2', ih);
  const dotsG = hover.append('g');
  const overlay = g.append('rect').attr('class', 'overlay').attr('height', ih).attr('fill', 'transparent');

  let series: readonly LineSeries[] = [];
  let opts: LineChartOptions = created;
  let x = d3.scaleLinear();
  let y: d3.ScaleContinuousNumeric<number, number> = d3.scaleLinear();
  let ref: LineSeries | undefined;
  let highlighted: string | null = null;
  const defined = (v: number): boolean => Number.isFinite(v) && (!logY || v > 0);

  /** Moves the rule and dots to a recorded step and returns the read-out. */
  const showStep = (step: number): string[] => {
    hover.style('display', null);
    hover.select('.hover-rule').attr('x1', x(step)).attr('x2', x(step));
    const out = [`step ${step}`];
    const dots = dotsG.selectAll<SVGCircleElement, LineSeries>('circle');
    dots.each(function (s) {
      const dot = d3.select(this);
      if (s.xs.length === 0) {
        dot.style('display', 'none');
        return;
      }
      const v = s.ys[nearest(s.xs, step)];
      out.push(`${s.name}: ${fmt(v)}`);
      if (defined(v)) dot.style('display', null).attr('cx', x(step)).attr('cy', Math.max(0, y(v)));
      else dot.style('display', 'none');
    });
    return out;
  };
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
  let detach = (): void => {};
  let cursorCount = -1;

  const update = (next: readonly LineSeries[], patch: Partial<LineChartOptions> = {}): void => {
    series = next;
    opts = { ...opts, ...patch };
    // The legend sits right of the plot so it never covers a line.
    const legendW = opts.legend === false ? 0 : 34 + 6 * Math.max(0, ...series.map((s) => s.name.length));
    const iw = W - M.left - M.right - legendW;
    let xMax = 1;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (const s of series) {
      if (s.xs.length > 0) xMax = Math.max(xMax, s.xs[s.xs.length - 1]);
      for (const v of s.ys) {
        if (!Number.isFinite(v) || (logY && v <= 0)) continue;
        yMin = Math.min(yMin, v);
        yMax = Math.max(yMax, v);
      }
    }
    if (opts.marker != null) xMax = Math.max(xMax, opts.marker);
    x = d3.scaleLinear().domain([0, xMax]).range([0, iw]);
    if (logY) {
      const lo = Number.isFinite(yMin) ? yMin : 1e-4;
      const hi = Number.isFinite(yMax) ? yMax : 1;
      y = d3.scaleLog().domain([lo, Math.max(hi, lo * 10)]).range([ih, 0]).nice();
    } else {
      let hi = Number.isFinite(yMax) ? yMax : 1;
      if (opts.yClip !== undefined && hi > opts.yClip) hi = opts.yClip;
      y = d3.scaleLinear().domain([Math.min(0, Number.isFinite(yMin) ? yMin : 0), hi > 0 ? hi : 1]).range([ih, 0]).nice();
    }
    xAxis.call(d3.axisBottom(x).ticks(5, '~s'));
    yAxis.call(logY ? d3.axisLeft(y).ticks(4, '~g') : d3.axisLeft(y).ticks(5));
    xTitle.attr('x', iw / 2);
    clipRect.attr('width', iw);
    overlay.attr('width', iw);
    const clipped = !logY && opts.yClip !== undefined && yMax > opts.yClip;
    clipNote.attr('x', iw - 2).attr('display', clipped ? null : 'none').text(clipped ? `▲ clipped at ${fmt(y.domain()[1])}` : '');

    lines.selectAll<SVGPathElement, LineSeries>('path.series').data(series).join('path')
      .attr('class', 'series')
      .attr('fill', 'none')
      .attr('stroke', (s) => s.colour)
      .attr('stroke-width', 1.6)
      .attr('stroke-dasharray', (s) => s.dash ?? null)
      .attr('opacity', (s) => (highlighted === null || s.name === highlighted ? null : 0.3))
      .attr('d', (s) => d3.line<number>().defined((i) => defined(s.ys[i])).x((i) => x(s.xs[i])).y((i) => y(s.ys[i]))(d3.range(s.xs.length)));

    if (opts.marker != null) marker.style('display', null).attr('x1', x(opts.marker)).attr('x2', x(opts.marker));
    else marker.style('display', 'none');

    const shown = (opts.annotations ?? []).filter((a) => defined(a.y)).map((a) => {
      const ax = x(a.x);
      return { a, ax, ay: Math.min(ih, Math.max(0, y(a.y))) };
    });
    notes.selectAll<SVGCircleElement, (typeof shown)[number]>('circle.annotation-dot').data(shown).join('circle')
      .attr('class', 'annotation-dot').attr('cx', (d) => d.ax).attr('cy', (d) => d.ay).attr('r', 4)
      .attr('fill', 'white').attr('stroke', (d) => d.a.colour).attr('stroke-width', 2);
    notes.selectAll<SVGTextElement, (typeof shown)[number]>('text.annotation').data(shown).join('text')
      .attr('class', 'annotation').attr('x', (d) => Math.min(d.ax, iw - 4)).attr('y', (d) => d.ay - 8)
      .attr('text-anchor', (d) => (d.ax > iw / 2 ? 'end' : 'start')).attr('fill', (d) => d.a.colour).text((d) => d.a.text);

    lg.attr('transform', `translate(${iw + 10},4)`);
    const rows = lg.selectAll<SVGGElement, LineSeries>('g').data(opts.legend === false ? [] : series).join((enter) => {
      const row = enter.append('g');
      row.append('line').attr('x1', 0).attr('x2', 20).attr('y1', 0).attr('y2', 0).attr('stroke-width', 2);
      row.append('text').attr('x', 24).attr('y', 3.5);
      return row;
    });
    rows.attr('transform', (_, i) => `translate(0,${i * 13})`);
    rows.select('line').attr('stroke', (s) => s.colour).attr('stroke-dasharray', (s) => s.dash ?? null);
    rows.select('text').text((s) => s.name);

    dotsG.selectAll<SVGCircleElement, LineSeries>('circle').data(series).join('circle').attr('r', 3).attr('fill', (s) => s.colour);
    ref = series.find((s) => s.xs.length > 0);
    // Keyboard: ← → walk the recorded steps, from the shown one. Re-attached only when the count changes.
    const count = ref?.xs.length ?? 0;
    if (count !== cursorCount) {
      cursorCount = count;
      detach();
      detach = attachCursor(svg.node() as SVGSVGElement, {
        label: created.title,
        count,
        start: () => (ref ? nearest(ref.xs, opts.marker ?? Infinity) : 0),
        show: (i) => {
          const out = ref ? showStep(ref.xs[Math.min(i, ref.xs.length - 1)]) : [];
          return { anchor: hover.select('.hover-rule').node() as Element, lines: out };
        },
        clear: () => hover.style('display', 'none'),
      });
    }
  };

  return {
    update,
    setHighlight(name) {
      highlighted = name;
      lines.selectAll<SVGPathElement, LineSeries>('path.series').attr('opacity', (s) => (name === null || s.name === name ? null : 0.3));
    },
    destroy() {
      detach();
      hideTooltip();
      svg.remove();
    },
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
