/** A framework-free d3 drawer: one output dim over every input, the truth as bars and reconstructions as markers. */
import * as d3 from 'd3';
import { attachCursor } from './chartCursor.ts';
import { fmt, hideTooltip, showTooltip } from './tooltip.ts';

/** One reconstruction drawn as a marker per input. */
export interface ReconSeries {
  name: string;
  colour: string;
  symbol: 'circle' | 'diamond' | 'triangle' | 'square';
  /** One value per input. */
  values: Float64Array;
}

export interface ReconChartOptions {
  title: string;
  /** Y axis title including its unit. */
  yLabel: string;
  /** One label per input (x axis), drawn one character per row, e.g. "+−+−". */
  labels: readonly string[];
  /** Names of the label rows, drawn left of them (e.g. the input dims a, b, c, d). */
  rowNames?: readonly string[];
  width?: number;
  height?: number;
  /** Called with the input under the pointer (or the keyboard cursor), and null when it leaves. */
  onHover?: (input: number | null) => void;
}

/** What a drawn chart offers: moving the input outline without redrawing, and removal. */
export interface ReconChartHandle {
  /** Redraws the values in place (same inputs and labels). */
  update(truth: Float64Array, series: readonly ReconSeries[]): void;
  setHighlight(input: number | null): void;
  destroy(): void;
}

const M = { top: 22, right: 8, bottom: 50, left: 44 };
/** Line height of the stacked input labels. */
const ROW = 9.5;
const SYMBOLS = { circle: d3.symbolCircle, diamond: d3.symbolDiamond, triangle: d3.symbolTriangle, square: d3.symbolSquare };

/** Draws the true values and reconstructions of one dim; `truth` has one value per label. */
export function drawReconChart(
  container: HTMLElement,
  truth: Float64Array,
  series: readonly ReconSeries[],
  opts: ReconChartOptions,
): ReconChartHandle {
  const W = opts.width ?? 270;
  const H = opts.height ?? 180;
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const n = truth.length;
  const svg = d3.select(container).append('svg').attr('class', 'chart recon-chart')
    .attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'img');
  svg.append('text').attr('class', 'chart-title').attr('x', M.left).attr('y', 14).text(opts.title);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);

  // The inputs, labels and bands stay as created; the values (y axis, bars, markers) move in update().
  const x = d3.scaleBand<number>().domain(d3.range(n)).range([0, iw]).paddingInner(0.2).paddingOuter(0.1);
  const bw = x.bandwidth();
  let y = d3.scaleLinear();

  const outline = g.append('rect').attr('class', 'input-outline').attr('y', -4).attr('height', ih + 8)
    .attr('width', x.step()).style('display', 'none');
  const yAxis = g.append('g').attr('class', 'axis y-axis');
  g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`)
    .call(d3.axisBottom(x).tickSizeOuter(0).tickSize(3).tickFormat(() => ''));
  // Input labels stacked one sign per row, so each column reads as that input's values.
  const stack = g.append('g').attr('class', 'input-axis').attr('transform', `translate(0,${ih + 12})`);
  for (let i = 0; i < n; i++) {
    const t = stack.append('text').attr('x', (x(i) ?? 0) + bw / 2).attr('text-anchor', 'middle');
    [...(opts.labels[i] ?? String(i))].forEach((ch, r) => t.append('tspan').attr('x', (x(i) ?? 0) + bw / 2).attr('y', r * ROW).text(ch));
  }
  (opts.rowNames ?? []).forEach((name, r) =>
    stack.append('text').attr('class', 'row-name').attr('x', -4).attr('y', r * ROW).attr('text-anchor', 'end').text(name));
  const zero = g.append('line').attr('class', 'zero-line').attr('x1', 0).attr('x2', iw);
  g.append('text').attr('class', 'axis-title').attr('transform', `translate(${-34},${ih / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle').text(opts.yLabel);
  const bars = g.append('g').attr('class', 'truth');
  const markers = g.append('g');

  const update = (nextTruth: Float64Array, nextSeries: readonly ReconSeries[]): void => {
    truth = nextTruth;
    series = nextSeries;
    let lo = 0;
    let hi = 0;
    for (const v of truth) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    for (const s of series) for (const v of s.values) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    if (hi - lo < 1e-9) hi = lo + 1;
    y = d3.scaleLinear().domain([lo, hi + 0.08 * (hi - lo)]).range([ih, 0]).nice();
    yAxis.call(d3.axisLeft(y).ticks(4));
    zero.attr('y1', y(0)).attr('y2', y(0));
    bars.selectAll('rect').data(Array.from(truth)).join('rect')
      .attr('x', (_, i) => x(i) ?? 0).attr('width', bw)
      .attr('y', (v) => y(Math.max(0, v))).attr('height', (v) => Math.abs(y(v) - y(0)));
    // Markers sit side by side inside each band so equal values stay visible.
    const layers = markers.selectAll<SVGGElement, ReconSeries>('g.recon-series').data(series).join('g').attr('class', 'recon-series');
    layers.each(function (s, k) {
      const offset = series.length > 1 ? (k / (series.length - 1) - 0.5) * bw * 0.6 : 0;
      const d = d3.symbol(SYMBOLS[s.symbol], 34)() ?? '';
      const points = Array.from(s.values, (v, i) => ({ v, i })).filter((p) => Number.isFinite(p.v));
      d3.select(this).selectAll('path').data(points).join('path')
        .attr('d', d).attr('fill', s.colour).attr('stroke', 'white').attr('stroke-width', 0.6)
        .attr('transform', (p) => `translate(${(x(p.i) ?? 0) + bw / 2 + offset},${y(p.v)})`);
    });
  };
  update(truth, series);

  const readout = (i: number): string[] => {
    const lines = [`input ${i} (${opts.labels[i] ?? ''})`, `true: ${fmt(truth[i])}`];
    for (const s of series) lines.push(`${s.name}: ${fmt(s.values[i])} (error ${fmt(s.values[i] - truth[i])})`);
    return lines;
  };
  const hit = g.append('g').attr('class', 'hit');
  const bands: SVGRectElement[] = [];
  for (let i = 0; i < n; i++) {
    const band = hit.append('rect').attr('x', (x(i) ?? 0) - (x.step() - bw) / 2).attr('width', x.step()).attr('y', 0).attr('height', ih)
      .attr('fill', 'transparent')
      .on('pointermove', (event: PointerEvent) => showTooltip(event.clientX, event.clientY, readout(i)))
      .on('pointerenter', () => opts.onHover?.(i));
    bands.push(band.node() as SVGRectElement);
  }
  // Leaving the whole strip (not one band) clears the hover, so moving across bands does not flicker.
  hit.on('pointerleave', () => {
    hideTooltip();
    opts.onHover?.(null);
  });

  let highlighted: number | null = null;
  const setHighlight = (input: number | null): void => {
    highlighted = input;
    if (input === null || input < 0 || input >= n) {
      outline.style('display', 'none');
      return;
    }
    outline.style('display', null).attr('x', (x(input) ?? 0) - (x.step() - bw) / 2);
  };
  // Keyboard: ← → walk the inputs, highlighting each in every view as the pointer would.
  const detach = attachCursor(svg.node() as SVGSVGElement, {
    label: opts.title,
    count: n,
    start: () => highlighted ?? 0,
    show: (i) => {
      setHighlight(i);
      opts.onHover?.(i);
      return { anchor: bands[i], lines: readout(i) };
    },
    clear: () => opts.onHover?.(null),
  });
  return {
    update,
    setHighlight,
    destroy: () => {
      detach();
      hideTooltip();
      svg.remove();
    },
  };
}
