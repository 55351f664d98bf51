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

/** Draws the trace into `container`; returns the cleanup that removes it. */
export function drawScatterTrace(container: HTMLElement, paths: readonly TracePath[], opts: ScatterTraceOptions): () => void {
  const W = opts.width ?? 720;
  const H = opts.height ?? 380;
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const ok = (v: number): boolean => Number.isFinite(v) && (!opts.logY || v > 0);

  const svg = d3.select(container).append('svg').attr('class', 'chart scatter-trace')
    .attr('viewBox', `0 0 ${W} ${H}`).attr('role', 'img');
  svg.append('text').attr('class', 'chart-title').attr('x', M.left).attr('y', 14).text(opts.title);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);

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

  g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`).call(d3.axisBottom(x).ticks(6));
  g.append('g').attr('class', 'axis y-axis').call(d3.axisLeft(y).ticks(5, '~g'));
  g.append('text').attr('class', 'axis-title').attr('x', iw / 2).attr('y', ih + 34).attr('text-anchor', 'middle').text(opts.xLabel);
  g.append('text').attr('class', 'axis-title').attr('transform', `translate(${-48},${ih / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle').text(opts.yLabel);

  // Legend under the title: one swatch per path, then how to read time.
  const lg = svg.append('g').attr('class', 'legend').attr('transform', `translate(${M.left},30)`);
  let lx = 0;
  for (const it of [...paths.map((p) => ({ text: p.name, colour: p.colour })), { text: 'shown step: large dot; earlier: fainter; later: dashed', colour: '' }]) {
    if (it.colour) lg.append('circle').attr('cx', lx + 4).attr('cy', -3.5).attr('r', 4).attr('fill', it.colour);
    lg.append('text').attr('x', it.colour ? lx + 12 : lx).attr('y', 0).text(it.text);
    lx += (it.colour ? 12 : 0) + 6 * it.text.length + 18;
  }

  const all: { px: number; py: number; p: number; i: number }[] = [];
  const labels: PointLabel[] = [];
  const dots: { px: number; py: number; r: number }[] = [];
  paths.forEach((p, pi) => {
    const n = p.xs.length;
    const cur = p.current >= 0 ? p.current : n - 1;
    const layer = g.append('g').attr('class', 'trace');
    const past: [number, number, number, number][] = [];
    for (let i = 0; i + 1 < n; i++) {
      if (!ok(p.ys[i]) || !ok(p.ys[i + 1])) continue;
      const seg: [number, number, number, number] = [x(p.xs[i]), y(p.ys[i]), x(p.xs[i + 1]), y(p.ys[i + 1])];
      const before = i < cur;
      if (before) past.push(seg);
      layer.append('line').attr('x1', seg[0]).attr('y1', seg[1]).attr('x2', seg[2]).attr('y2', seg[3])
        .attr('stroke', p.colour).attr('stroke-width', before ? 1.8 : 1)
        .attr('stroke-opacity', before ? 0.35 + 0.65 * (i / Math.max(1, cur)) : 0.2)
        .attr('stroke-dasharray', before ? null : '3 3');
    }
    // Arrowheads at equal distances along the drawn (past) path point forward in time.
    const total = past.reduce((s, [x1, y1, x2, y2]) => s + Math.hypot(x2 - x1, y2 - y1), 0);
    let walked = 0;
    let k = 1;
    for (const [x1, y1, x2, y2] of past) {
      const len = Math.hypot(x2 - x1, y2 - y1);
      while (len > 0 && k <= ARROWS && walked + len >= (k * total) / (ARROWS + 1)) {
        const t = ((k * total) / (ARROWS + 1) - walked) / len;
        const angle = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI;
        layer.append('path').attr('class', 'trace-arrow').attr('d', 'M-5,-4 L5,0 L-5,4 z').attr('fill', p.colour)
          .attr('transform', `translate(${x1 + t * (x2 - x1)},${y1 + t * (y2 - y1)}) rotate(${angle})`);
        k++;
      }
      walked += len;
    }
    for (let i = 0; i < n; i++) {
      if (!ok(p.ys[i]) || !Number.isFinite(p.xs[i])) continue;
      const px = x(p.xs[i]);
      const py = y(p.ys[i]);
      all.push({ px, py, p: pi, i });
      if (i === 0) {
        layer.append('circle').attr('class', 'trace-start').attr('cx', px).attr('cy', py).attr('r', 4)
          .attr('fill', 'white').attr('stroke', p.colour).attr('stroke-width', 1.5);
        // At step 0 the start is the current point, whose own label says so.
        if (cur !== 0) labels.push({ layer, px, py, r: 4, text: `${p.name} start`, cls: 'point-label' });
      }
    }
    if (cur >= 0 && cur < n && ok(p.ys[cur])) {
      const px = x(p.xs[cur]);
      const py = y(p.ys[cur]);
      layer.append('circle').attr('class', 'trace-current').attr('cx', px).attr('cy', py).attr('r', 7)
        .attr('fill', p.colour).attr('stroke', 'white').attr('stroke-width', 2);
      dots.push({ px, py, r: 8 });
      labels.unshift({ layer, px, py, r: 7, text: `${p.name} @ step ${p.steps[cur]}`, cls: 'point-label point-label-current' });
    }
  });
  placeLabels(labels, dots, iw, ih);

  // Hover: the nearest point of any path within reach.
  const ring = g.append('circle').attr('class', 'hover-ring').attr('r', 6).style('display', 'none');
  const delaunay = d3.Delaunay.from(all, (d) => d.px, (d) => d.py);
  const readout = (hit: (typeof all)[number]): string[] => {
    const p = paths[hit.p];
    return [`${p.name}, step ${p.steps[hit.i]}`, `${opts.xName}: ${fmt(p.xs[hit.i])}`, `${opts.yName}: ${fmt(p.ys[hit.i])}`];
  };
  g.append('rect').attr('class', 'overlay').attr('width', iw).attr('height', ih).attr('fill', 'transparent')
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

  // Keyboard: ← → walk each path's points in time, ↑ ↓ switch paths; the cursor starts on the shown step.
  const perPath = Math.max(0, ...paths.map((p) => p.xs.length));
  const points: ((typeof all)[number] | undefined)[] = new Array(paths.length * perPath);
  for (const a of all) points[a.p * perPath + a.i] = a;
  const detach = attachCursor(svg.node() as SVGSVGElement, {
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

  return () => {
    detach();
    hideTooltip();
    svg.remove();
  };
}

/** A label to place next to a point (in plot coordinates). */
interface PointLabel {
  layer: d3.Selection<SVGGElement, unknown, null, undefined>;
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
function placeLabels(labels: readonly PointLabel[], dots: readonly { px: number; py: number; r: number }[], iw: number, ih: number): void {
  const placed: { x: number; y: number; w: number; h: number }[] = [];
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
    l.layer.append('text').attr('class', l.cls).attr('x', best.x).attr('y', best.y + H - 2).text(l.text);
  }
}