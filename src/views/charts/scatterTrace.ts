/** A framework-free d3 drawer: paths through an (x, y) plane traced over training, time shown by fading and arrows. */
import * as d3 from 'd3';
import { attachCursor } from './chartCursor.ts';
import { fmt, hideTooltip, showTooltip } from './tooltip.ts';

/** One trajectory: a point per recorded step. */
export interface TracePath {
  name: string;
  colour: string;
  steps: Float64Array;
  xs: Float64Array;
  ys: Float64Array;
  /** Index of the point shown now (emphasised); later points are drawn faint. -1: none. */
  current: number;
}

export interface ScatterTraceOptions {
  title: string;
  /** Axis titles including units. */
  xLabel: string;
  yLabel: string;
  /** Names used for x and y in the tooltip. */
  xName: string;
  yName: string;
  logY?: boolean;
  width?: number;
  height?: number;
}

const M = { top: 40, right: 16, bottom: 42, left: 62 };
/** How many arrowheads mark the direction of time along each path. */
const ARROWS = 7;

/** What the owner keeps: redraw with new paths in place, emphasise one path, remove the chart. */
export interface ScatterTrace {
  update(paths: readonly TracePath[]): void;
  /** Emphasises the path of that name (the others fade); null shows all alike. */
  setHighlight(name: string | null): void;
  destroy(): void;
}

type Seg = [number, number, number, number];
interface Point {
  px: number;
  py: number;
  p: number;
  i: number;
}
interface TraceGeometry {
  colour: string;
  segs: { seg: Seg; before: boolean; opacity: number }[];
  arrows: { x: number; y: number; angle: number }[];
  start: { px: number; py: number } | null;
  current: { px: number; py: number } | null;
}

/**
 * Creates the trace in `container`: the SVG, its axes, legend, hover ring and overlay are made
 * once; `update` moves them to new data with d3 joins (only the paths, points and labels change).
 */
export function createScatterTrace(container: HTMLElement, opts: ScatterTraceOptions): ScatterTrace {
  const W = opts.width ?? 720;
  const H = opts.height ?? 380;
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const ok = (v: number): boolean => Number.isFinite(v) && (!opts.logY || v > 0);

  const svg = d3.select(container).append('svg').attr('class', 'chart scatter-trace')
    .attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'img');
  svg.append('text').attr('class', 'chart-title').attr('x', M.left).attr('y', 14).text(opts.title);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  const xAxis = g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`);
  const yAxis = g.append('g').attr('class', 'axis y-axis');
  g.append('text').attr('class', 'axis-title').attr('x', iw / 2).attr('y', ih + 34).attr('text-anchor', 'middle').text(opts.xLabel);
  g.append('text').attr('class', 'axis-title').attr('transform', `translate(${-48},${ih / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle').text(opts.yLabel);
  // Legend under the title: one swatch per path, then how to read time.
  const lg = svg.append('g').attr('class', 'legend').attr('transform', `translate(${M.left},30)`);
  const traces = g.append('g');
  const ring = g.append('circle').attr('class', 'hover-ring').attr('r', 6).style('display', 'none');
  const overlay = g.append('rect').attr('class', 'overlay').attr('width', iw).attr('height', ih).attr('fill', 'transparent');

  let paths: readonly TracePath[] = [];
  let all: Point[] = [];
  let delaunay: d3.Delaunay<Point> = d3.Delaunay.from(all, (d) => d.px, (d) => d.py);
  let legendKey = '';
  const readout = (hit: Point): string[] => {
    const p = paths[hit.p];
    return [`${p.name}, step ${p.steps[hit.i]}`, `${opts.xName}: ${fmt(p.xs[hit.i])}`, `${opts.yName}: ${fmt(p.ys[hit.i])}`];
  };

  // Hover: the nearest point of any path within reach.
  overlay
    .on('pointermove', (event: PointerEvent) => {
      if (all.length === 0) return;
      const [mx, my] = d3.pointer(event, g.node());
      const hit = all[delaunay.find(mx, my)];
      if (Math.hypot(hit.px - mx, hit.py - my) > 24) {
        ring.style('display', 'none');
        hideTooltip();
        return;
      }
      ring.style('display', null).attr('cx', hit.px).attr('cy', hit.py).attr('stroke', paths[hit.p].colour);
      showTooltip(event.clientX, event.clientY, readout(hit));
    })
    .on('pointerleave', () => {
      ring.style('display', 'none');
      hideTooltip();
    });
  let detach = (): void => {};

  const drawLegend = (): void => {
    const key = paths.map((p) => `${p.name}:${p.colour}`).join('|');
    if (key === legendKey) return;
    legendKey = key;
    lg.selectAll('*').remove();
    let lx = 0;
    for (const it of [...paths.map((p) => ({ text: p.name, colour: p.colour })), { text: 'shown step: large dot; earlier: fainter; later: dashed', colour: '' }]) {
      if (it.colour) lg.append('circle').attr('cx', lx + 4).attr('cy', -3.5).attr('r', 4).attr('fill', it.colour);
      lg.append('text').attr('x', it.colour ? lx + 12 : lx).attr('y', 0).text(it.text);
      lx += (it.colour ? 12 : 0) + 6 * it.text.length + 18;
    }
  };

  const update = (next: readonly TracePath[]): void => {
    paths = next;
    let xMax = 0;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (const p of paths) {
      for (let i = 0; i < p.xs.length; i++) {
        if (!Number.isFinite(p.xs[i]) || !ok(p.ys[i])) continue;
        xMax = Math.max(xMax, p.xs[i]);
        yMin = Math.min(yMin, p.ys[i]);
        yMax = Math.max(yMax, p.ys[i]);
      }
    }
    const x = d3.scaleLinear().domain([0, xMax > 0 ? xMax * 1.05 : 1]).range([0, iw]).nice();
    const lo = Number.isFinite(yMin) ? yMin : opts.logY ? 1e-4 : 0;
    const hi = Number.isFinite(yMax) ? yMax : 1;
    const y = opts.logY
      ? d3.scaleLog().domain([lo / 1.5, Math.max(hi * 1.5, lo * 10)]).range([ih, 0]).nice()
      : d3.scaleLinear().domain([Math.min(0, lo), hi > 0 ? hi : 1]).range([ih, 0]).nice();
    xAxis.call(d3.axisBottom(x).ticks(6));
    yAxis.call(d3.axisLeft(y).ticks(5, '~g'));
    drawLegend();

    all = [];
    const labels: PointLabel[] = [];
    const dots: { px: number; py: number; r: number }[] = [];
    const geometry: TraceGeometry[] = paths.map((p, pi) => {
      const n = p.xs.length;
      const cur = p.current >= 0 ? p.current : n - 1;
      const segs: TraceGeometry['segs'] = [];
      const past: Seg[] = [];
      for (let i = 0; i + 1 < n; i++) {
        if (!ok(p.ys[i]) || !ok(p.ys[i + 1])) continue;
        const seg: Seg = [x(p.xs[i]), y(p.ys[i]), x(p.xs[i + 1]), y(p.ys[i + 1])];
        const before = i < cur;
        if (before) past.push(seg);
        segs.push({ seg, before, opacity: before ? 0.35 + 0.65 * (i / Math.max(1, cur)) : 0.2 });
      }
      // Arrowheads at equal distances along the drawn (past) path point forward in time.
      const arrows: TraceGeometry['arrows'] = [];
      const total = past.reduce((s, [x1, y1, x2, y2]) => s + Math.hypot(x2 - x1, y2 - y1), 0);
      let walked = 0;
      let k = 1;
      for (const [x1, y1, x2, y2] of past) {
        const len = Math.hypot(x2 - x1, y2 - y1);
        while (len > 0 && k <= ARROWS && walked + len >= (k * total) / (ARROWS + 1)) {
          const t = ((k * total) / (ARROWS + 1) - walked) / len;
          arrows.push({ x: x1 + t * (x2 - x1), y: y1 + t * (y2 - y1), angle: (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI });
          k++;
        }
        walked += len;
      }
      let start: TraceGeometry['start'] = null;
      for (let i = 0; i < n; i++) {
        if (!ok(p.ys[i]) || !Number.isFinite(p.xs[i])) continue;
        const px = x(p.xs[i]);
        const py = y(p.ys[i]);
        all.push({ px, py, p: pi, i });
        if (i === 0) {
          start = { px, py };
          // At step 0 the start is the current point, whose own label says so.
          if (cur !== 0) labels.push({ path: pi, px, py, r: 4, text: `${p.name} start`, cls: 'point-label' });
        }
      }
      let current: TraceGeometry['current'] = null;
      if (cur >= 0 && cur < n && ok(p.ys[cur])) {
        current = { px: x(p.xs[cur]), py: y(p.ys[cur]) };
        dots.push({ ...current, r: 8 });
        labels.unshift({ path: pi, ...current, r: 7, text: `${p.name} @ step ${p.steps[cur]}`, cls: 'point-label point-label-current' });
      }
      return { colour: p.colour, segs, arrows, start, current };
    });
    const placed = placeLabels(labels, dots, iw, ih);

    // Each kind of mark in its own group, so marks that enter later stay under the points and labels.
    const layers = traces.selectAll<SVGGElement, TraceGeometry>('g.trace').data(geometry).join((enter) => {
      const t = enter.append('g').attr('class', 'trace');
      for (const part of ['segs', 'arrows', 'points', 'labels']) t.append('g').attr('class', `trace-${part}`);
      return t;
    });
    const part = (name: string) => layers.select<SVGGElement>(`g.trace-${name}`);
    part('segs').selectAll<SVGLineElement, TraceGeometry['segs'][number]>('line').data((d) => d.segs).join('line')
      .attr('x1', (d) => d.seg[0]).attr('y1', (d) => d.seg[1]).attr('x2', (d) => d.seg[2]).attr('y2', (d) => d.seg[3])
      .attr('stroke', function () { return (d3.select(this.parentNode as SVGGElement).datum() as TraceGeometry).colour; })
      .attr('stroke-width', (d) => (d.before ? 1.8 : 1))
      .attr('stroke-opacity', (d) => d.opacity)
      .attr('stroke-dasharray', (d) => (d.before ? null : '3 3'));
    part('arrows').selectAll<SVGPathElement, TraceGeometry['arrows'][number]>('path.trace-arrow').data((d) => d.arrows).join('path')
      .attr('class', 'trace-arrow').attr('d', 'M-5,-4 L5,0 L-5,4 z')
      .attr('fill', function () { return (d3.select(this.parentNode as SVGGElement).datum() as TraceGeometry).colour; })
      .attr('transform', (d) => `translate(${d.x},${d.y}) rotate(${d.angle})`);
    part('points').selectAll<SVGCircleElement, { px: number; py: number }>('circle.trace-start').data((d) => (d.start ? [d.start] : [])).join('circle')
      .attr('class', 'trace-start').attr('cx', (d) => d.px).attr('cy', (d) => d.py).attr('r', 4)
      .attr('fill', 'white').attr('stroke', function () { return (d3.select(this.parentNode as SVGGElement).datum() as TraceGeometry).colour; })
      .attr('stroke-width', 1.5);
    part('points').selectAll<SVGCircleElement, { px: number; py: number }>('circle.trace-current').data((d) => (d.current ? [d.current] : [])).join('circle')
      .attr('class', 'trace-current').attr('cx', (d) => d.px).attr('cy', (d) => d.py).attr('r', 7)
      .attr('fill', function () { return (d3.select(this.parentNode as SVGGElement).datum() as TraceGeometry).colour; })
      .attr('stroke', 'white').attr('stroke-width', 2);
    part('labels').selectAll<SVGTextElement, PlacedLabel>('text').data((_, pi) => placed.filter((l) => l.path === pi)).join('text')
      .attr('class', (d) => d.cls).attr('x', (d) => d.x).attr('y', (d) => d.y).text((d) => d.text);

    delaunay = d3.Delaunay.from(all, (d) => d.px, (d) => d.py);
    // Keyboard: ← → walk each path's points in time, ↑ ↓ switch paths; the cursor starts on the shown step.
    const perPath = Math.max(0, ...paths.map((p) => p.xs.length));
    const points: (Point | undefined)[] = new Array(paths.length * perPath);
    for (const a of all) points[a.p * perPath + a.i] = a;
    detach();
    detach = attachCursor(svg.node() as SVGSVGElement, {
      label: opts.title,
      count: all.length > 0 ? points.length : 0,
      columns: perPath,
      start: () => Math.max(0, paths[0]?.current ?? 0),
      show: (k) => {
        // Points left out (a non-finite value) fall back to the nearest earlier one of the path.
        let hit = points[k];
        for (let j = k; !hit && j > k - (k % perPath); j--) hit = points[j - 1];
        if (!hit) return { anchor: svg.node() as Element, lines: ['no value here'] };
        ring.style('display', null).attr('cx', hit.px).attr('cy', hit.py).attr('stroke', paths[hit.p].colour);
        return { anchor: ring.node() as Element, lines: readout(hit) };
      },
      clear: () => ring.style('display', 'none'),
    });
  };

  return {
    update,
    setHighlight(name) {
      traces.selectAll<SVGGElement, TraceGeometry>('g.trace')
        .attr('opacity', (_, i) => (name === null || paths[i]?.name === name ? null : 0.3));
    },
    destroy() {
      detach();
      hideTooltip();
      svg.remove();
    },
  };
}

/** A label to place next to a point (in plot coordinates). */
interface PointLabel {
  /** Index of the path the label belongs to. */
  path: number;
  px: number;
  py: number;
  r: number;
  text: string;
  cls: string;
}

/**
 * Writes each label at the first spot around its point (right, left, above, below, then further
 * out) that overlaps no label already placed and no current-step dot, inside the plot when it can.
 * Labels come in priority order: current points first.
 */
function placeLabels(labels: readonly PointLabel[], dots: readonly { px: number; py: number; r: number }[], iw: number, ih: number): PlacedLabel[] {
  const placed: { x: number; y: number; w: number; h: number }[] = [];
  const out: PlacedLabel[] = [];
  const H = 12;
  for (const l of labels) {
    const w = 6.1 * l.text.length;
    const g = l.r + 4;
    const spots = [
      [g, -g], [g, g + H], [-g - w, -g], [-g - w, g + H], [-w / 2, -g - 2], [-w / 2, g + H + 2],
      [g, -g - H - 2], [g, g + 2 * H + 2], [-g - w, -g - H - 2], [-g - w, g + 2 * H + 2],
    ];
    const box = (dx: number, dy: number) => ({ x: l.px + dx, y: l.py + dy - H + 2, w, h: H });
    const hits = (b: { x: number; y: number; w: number; h: number }) =>
      placed.filter((o) => b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h).length +
      dots.filter((d) => d.px + d.r > b.x && d.px - d.r < b.x + b.w && d.py + d.r > b.y && d.py - d.r < b.y + b.h).length +
      (b.x < 0 || b.x + b.w > iw || b.y < 0 || b.y + b.h > ih ? 0.5 : 0);
    let best = box(spots[0][0], spots[0][1]);
    let least = Infinity;
    for (const [dx, dy] of spots) {
      const b = box(dx, dy);
      const n = hits(b);
      if (n < least) {
        least = n;
        best = b;
      }
      if (n === 0) break;
    }
    placed.push(best);
    out.push({ path: l.path, x: best.x, y: best.y + H - 2, text: l.text, cls: l.cls });
  }
  return out;
}

/** A label where placeLabels put it. */
interface PlacedLabel {
  path: number;
  x: number;
  y: number;
  text: string;
  cls: string;
}