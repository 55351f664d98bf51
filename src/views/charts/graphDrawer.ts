/**
 * A framework-free d3 drawer for one attribution graph: inputs at the bottom, each layer's
 * features above, the output on top. Node size by |activation|, edge width by |weight|, colour
 * by sign (warm positive, blue negative). Nodes are keyed by id, so focus and hover survive the
 * redraws a training run causes. Colours are SVG attributes, not CSS, so an exported SVG looks
 * the same as the page.
 */
import * as d3 from 'd3';
import { matchStrength, type DisplayEdge, type DisplayNode } from '../graphDisplay.ts';
import { fmt, hideTooltip, showTooltip, showTooltipAt } from './tooltip.ts';

export interface GraphDrawOptions {
  nodes: readonly DisplayNode[];
  edges: readonly DisplayEdge[];
  rows: number;
  /** Row names, bottom (inputs) first. */
  rowNames: readonly string[];
  title: string;
  selected: string | null;
  groupSel: readonly string[];
  onActivate: (id: string, shift: boolean) => void;
  onHover: (id: string | null) => void;
  nodeLines: (n: DisplayNode) => string[];
  edgeLines: (e: DisplayEdge) => string[];
  /**
   * Shared maxima, so graphs drawn side by side use the same scales (node size by |activation|,
   * colour by |effect on the output|, edge width by |weight|); each defaults to this graph's own.
   */
  scale?: GraphScale;
  /** Legend and node words: a replacement's features and errors, or the real model's neurons. */
  legend?: 'replacement' | 'real';
}

/** Maxima a set of graphs shares (see GraphDrawOptions.scale). */
export interface GraphScale {
  /** max |activation| of a feature or neuron. */
  value: number;
  /** max |effect on the output| of a non-output node. */
  attribution: number;
  /** max |edge weight|. */
  weight: number;
}

/** What the owner keeps: redraw with new options, the SVG (for export), remove. */
export interface GraphDrawer {
  update(opts: GraphDrawOptions): void;
  svg(): SVGSVGElement;
  destroy(): void;
}

export const POSITIVE = '#d9480f';
export const NEGATIVE = '#2563eb';
const INK = '#111827';
const MUTED = '#6b7280';
const GROUP = '#7c3aed';
const WIDTH = 440;
const LEFT = 62;
const RIGHT = 14;
const TOP = 38;
const ROW_H = 96;
const LEGEND_H = 30;
const ERROR_SLOT = 56;

interface Placed extends DisplayNode {
  x: number;
  y: number;
  r: number;
  /** Where its text goes: right of it, or below it (staggered in crowded rows). */
  text: 'side' | 'below' | 'below2';
}

/**
 * Above this many edges a graph draws its edges on a canvas (see createGraphDrawer): at
 * features=256 a graph has some 500, each restyled per snapshot as SVG (four attributes apiece).
 */
export const DENSE_EDGES = 250;

/** Longest slice of node redrawing in one task (see createGraphDrawer's update). */
const NODE_SLICE_MS = 12;

/** Below this spacing between nodes of a row, labels go underneath, staggered. */
const CROWDED = 84;

/** Warm for positive, blue for negative, paler towards 0 (t in [−1, 1]). */
function signColour(t: number): string {
  const c = Math.max(-1, Math.min(1, t));
  return d3.interpolateRdBu(0.5 - 0.42 * c);
}

function place(opts: GraphDrawOptions): Placed[] {
  const inner = WIDTH - LEFT - RIGHT;
  let maxFeat = Math.max(1e-12, opts.scale?.value ?? 0);
  let maxErr = 1;
  for (const n of opts.nodes) {
    if (n.shape === 'feature' || n.shape === 'supernode') maxFeat = Math.max(maxFeat, Math.abs(n.value));
    if (n.shape === 'error') maxErr = Math.max(maxErr, Math.abs(n.value));
  }
  // Error nodes sit in a fixed slot on the right, so no feature's edge runs through one.
  const byRow = d3.group(opts.nodes.filter((n) => n.shape !== 'error'), (n) => n.row);
  const spread = inner - ERROR_SLOT;
  return opts.nodes.map((n) => {
    const row = byRow.get(n.row) ?? [n];
    const i = row.indexOf(n);
    const x = n.shape === 'error' ? WIDTH - RIGHT - ERROR_SLOT / 2 - 8 : LEFT + ((i + 0.5) * spread) / row.length;
    const y = TOP + (opts.rows - 1 - n.row) * ROW_H + 12;
    let r = 7;
    if (n.shape === 'feature' || n.shape === 'supernode') r = n.ablated ? 7 : 5 + 10 * Math.sqrt(Math.abs(n.value) / maxFeat);
    else if (n.shape === 'error') r = 4 + 7 * Math.sqrt(Math.abs(n.value) / maxErr);
    else if (n.shape === 'output') r = 12;
    const crowded = spread / row.length < CROWDED;
    const text = n.shape === 'input' || n.shape === 'output' || !crowded ? 'side' : i % 2 === 0 ? 'below' : 'below2';
    return { ...n, x, y, r, text };
  });
}

function fillOf(n: Placed, maxAttr: number): string {
  const colourOf = n.shape === 'output' ? n.value : n.attribution;
  return n.ablated ? '#f3f4f6' : n.shape === 'input' ? '#e5e7eb' : signColour(colourOf / (n.shape === 'output' ? Math.max(1, Math.abs(n.value)) : maxAttr));
}

function drawShape(g: d3.Selection<SVGGElement, Placed, null, undefined>, n: Placed, maxAttr: number, opts: GraphDrawOptions): void {
  g.selectAll('*').remove();
  const fill = fillOf(n, maxAttr);
  const selected = opts.selected === n.id;
  const grouped = opts.groupSel.includes(n.id);
  const stroke = selected ? INK : grouped ? GROUP : n.ablated ? MUTED : '#374151';
  const strokeWidth = selected ? 2.6 : grouped ? 2.2 : 1;
  const dash = grouped && !selected ? '3 2' : n.ablated ? '2 2' : null;
  const { r } = n;
  let shape: d3.Selection<SVGElement, unknown, null, undefined>;
  if (n.shape === 'error') shape = g.append('path').attr('d', `M0,${-r}L${r},0L0,${r}L${-r},0Z`) as never;
  else if (n.shape === 'input') shape = g.append('rect').attr('x', -r).attr('y', -r).attr('width', 2 * r).attr('height', 2 * r) as never;
  else if (n.shape === 'supernode') shape = g.append('rect').attr('x', -r - 6).attr('y', -r).attr('width', 2 * r + 12).attr('height', 2 * r).attr('rx', r) as never;
  else shape = g.append('circle').attr('r', r) as never;
  shape.attr('class', 'node-shape').attr('fill', fill).attr('stroke', stroke).attr('stroke-width', strokeWidth).attr('stroke-dasharray', dash);
  // The ✕ keeps a readable size on the small circle of a silenced feature.
  const k = n.ablated ? Math.max(r * 0.8, 5) : 0;
  if (n.ablated) {
    g.append('path').attr('d', `M${-k},${-k}L${k},${k}M${k},${-k}L${-k},${k}`).attr('stroke', '#b91c1c').attr('stroke-width', 2);
  }
  if (n.pinned) g.append('circle').attr('cx', r * 0.8).attr('cy', -r * 0.8).attr('r', 3.2).attr('fill', '#f59e0b').attr('stroke', 'white');
  // Features and errors take edges from below and give them upwards: their text goes to the right.
  const side = n.shape !== 'output' && n.shape !== 'input' && n.text === 'side';
  // Text starts clear of the node and of an ablated node's ✕.
  const reach = Math.max(r, k + 1);
  const tx = side ? reach + (n.shape === 'supernode' ? 9 : 4) : 0;
  const ty = n.shape === 'output' ? -reach - 6 : side ? 3 : reach + (n.text === 'below2' ? 34 : 12);
  const anchor = side ? 'start' : 'middle';
  const labelText = n.shape === 'output' ? `${n.label} = ${fmt(n.value)}` : n.ablated ? `${n.label} off` : n.label;
  g.append('text').attr('class', 'node-label').attr('x', tx).attr('y', ty).attr('text-anchor', anchor).attr('font-size', 10)
    .attr('fill', n.ablated ? MUTED : INK).attr('text-decoration', n.ablated ? 'line-through' : null)
    .text(labelText);
  // The node's extent, estimated rather than measured (getBBox forces a layout per node).
  const half = n.shape === 'supernode' ? r + 6 : Math.max(r, k);
  const box = { x0: -half, x1: Math.max(half, n.pinned ? r * 0.8 + 3.2 : 0), y0: -Math.max(r, k, n.pinned ? r * 0.8 + 3.2 : 0), y1: Math.max(r, k) };
  const textBox = (text: string, y: number): void => {
    const w = textWidth(text);
    const x0 = anchor === 'start' ? tx : tx - w / 2;
    box.x0 = Math.min(box.x0, x0);
    box.x1 = Math.max(box.x1, x0 + w);
    box.y0 = Math.min(box.y0, y - 10);
    box.y1 = Math.max(box.y1, y + 3);
  };
  textBox(labelText, ty);
  // Ground truth on one line: what the decoder writes, then "≈ e" where r ≥ MATCH_MIN.
  const strong = n.shape === 'feature' && matchStrength(n.match) === 'strong';
  if (n.shape === 'feature' && (n.writes || strong)) {
    const t = g.append('text').attr('class', 'node-match').attr('x', tx).attr('y', ty + 11).attr('text-anchor', anchor).attr('font-size', 10);
    if (n.writes) t.append('tspan').attr('class', 'node-writes').attr('fill', MUTED).text(n.writes.label);
    const matchText = strong && n.match ? `${n.writes ? ' · ' : ''}${n.match.label}` : '';
    if (matchText) t.append('tspan').attr('fill', '#047857').attr('font-weight', 600).text(matchText);
    textBox(`${n.writes?.label ?? ''}${matchText}`, ty + 11);
  }
  // One transparent box under everything, so the whole node (text too) takes the pointer, and
  // a click at its centre (as Playwright clicks) lands on it.
  g.insert('rect', ':first-child').attr('class', 'node-hit').attr('fill', 'transparent')
    .attr('x', box.x0 - 2).attr('y', box.y0 - 2).attr('width', box.x1 - box.x0 + 4).attr('height', box.y1 - box.y0 + 4);
}

/** Sets an attribute (null removes it) only when it differs: each set on the page restyles. */
function setIf(el: Element, name: string, value: string | null): void {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Copies `from`'s attributes and text onto `to`, an element of the same structure, changing only what differs. */
function copyInto(from: Element, to: Element): void {
  for (const a of Array.from(to.attributes)) if (!from.hasAttribute(a.name)) to.removeAttribute(a.name);
  for (const a of Array.from(from.attributes)) setIf(to, a.name, a.value);
  if (from.children.length === 0) {
    if (to.textContent !== from.textContent) to.textContent = from.textContent;
    return;
  }
  for (let i = 0; i < from.children.length; i++) copyInto(from.children[i], to.children[i]);
}

/** Redraws a node whose structure (shape, texts, marks) is unchanged: built off the page, copied over where it differs. */
function patchShape(node: SVGGElement, n: Placed, maxAttr: number, opts: GraphDrawOptions): void {
  const scratch = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  drawShape(d3.select(scratch), n, maxAttr, opts);
  if (scratch.children.length !== node.children.length || Array.from(scratch.children).some((c, i) => c.tagName !== node.children[i].tagName)) {
    drawShape(d3.select(node), n, maxAttr, opts);
    return;
  }
  for (let i = 0; i < scratch.children.length; i++) copyInto(scratch.children[i], node.children[i]);
}

/** Estimated width of 10 px system-ui text: a little wider than the average glyph, so the hit box covers it. */
function textWidth(text: string): number {
  return text.length * 6;
}

function edgePath(s: Placed, t: Placed): string {
  const y0 = s.y - s.r;
  const y1 = t.y + t.r;
  const my = (y0 + y1) / 2;
  return `M${s.x},${y0}C${s.x},${my} ${t.x},${my} ${t.x},${y1}`;
}

function drawLegend(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>, y: number, kind: 'replacement' | 'real'): void {
  const g = svg.append('g').attr('class', 'graph-legend').attr('transform', `translate(${LEFT - 50},${y})`).attr('font-size', 10).attr('fill', '#374151');
  let x = 0;
  const item = (draw: (s: d3.Selection<SVGGElement, unknown, null, undefined>) => void, text: string): void => {
    const s = g.append('g').attr('transform', `translate(${x},0)`);
    draw(s);
    s.append('text').attr('x', 14).attr('y', 4).text(text);
    x += 22 + text.length * 5.4;
  };
  item((s) => s.append('line').attr('x1', 0).attr('x2', 11).attr('stroke', POSITIVE).attr('stroke-width', 3), '+ edge');
  item((s) => s.append('line').attr('x1', 0).attr('x2', 11).attr('stroke', NEGATIVE).attr('stroke-width', 3), '− edge');
  item((s) => s.append('circle').attr('cx', 5).attr('r', 5).attr('fill', signColour(0.8)).attr('stroke', '#374151'), kind === 'real' ? 'active neuron' : 'feature');
  if (kind === 'replacement') item((s) => s.append('path').attr('d', 'M5,-5L10,0L5,5L0,0Z').attr('fill', signColour(-0.5)).attr('stroke', '#374151'), 'error');
  item((s) => s.append('rect').attr('y', -5).attr('width', 10).attr('height', 10).attr('fill', '#e5e7eb').attr('stroke', '#374151'), 'input');
  if (kind === 'replacement') item((s) => s.append('path').attr('d', 'M1,-4L9,4M9,-4L1,4').attr('stroke', '#b91c1c').attr('stroke-width', 2), 'ablated');
  else item(() => undefined, 'ground truth: no error nodes');
}

/** Creates the SVG inside `container`; call update() to draw. */
export function createGraphDrawer(container: HTMLElement): GraphDrawer {
  let current: GraphDrawOptions | null = null;
  let placed = new Map<string, Placed>();
  const svg = d3.select(container).append('svg').attr('class', 'attribution-graph').attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('font-family', 'system-ui, sans-serif').attr('role', 'group');
  const bg = svg.append('rect').attr('fill', 'white').attr('x', 0).attr('y', 0);
  const title = svg.append('text').attr('x', 6).attr('y', 16).attr('font-size', 12).attr('font-weight', 600).attr('fill', INK);
  const rowsG = svg.append('g').attr('class', 'rows');
  const edgesG = svg.append('g').attr('class', 'edges');
  // Dense graphs (thousands of edges at large widths) draw their edges on a canvas under the nodes:
  // thousands of SVG paths restyled per snapshot would stall the page. Export rebuilds them as SVG.
  // Sparse graphs draw one path per edge; the canvas, blank then, is still the edges' hover surface
  // (the nearest edge within 4.5 units, both ways), so an edge needs no second, wide hit path.
  const fo = svg.append('foreignObject').attr('class', 'edge-canvas').attr('x', 0).attr('y', 0);
  const canvas = fo.append('xhtml:canvas').node() as HTMLCanvasElement;
  const nodesG = svg.append('g').attr('class', 'nodes');
  let legendDrawn = false;
  type Drawn = { e: DisplayEdge; s: Placed; t: Placed; stroke: string; width: number };
  /** Every edge drawn, with its geometry: what hovering finds, and what the canvas paints in dense mode. */
  let geometry: Drawn[] = [];
  /** The edges are painted on the canvas, not drawn as SVG paths. */
  let dense = false;
  let focus: string | null = null;

  /** Sparse mode: a blank canvas the size of the graph, only for hovering. */
  const blankCanvas = (height: number): void => {
    if (canvas.width !== 1) canvas.width = 1;
    if (canvas.height !== 1) canvas.height = 1;
    canvas.style.width = `${WIDTH}px`;
    canvas.style.height = `${height}px`;
  };
  const paintCanvas = (height: number): void => {
    const k = 2;
    if (canvas.width !== WIDTH * k || canvas.height !== height * k) {
      canvas.width = WIDTH * k;
      canvas.height = height * k;
      canvas.style.width = `${WIDTH}px`;
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(k, 0, 0, k, 0, 0);
    ctx.clearRect(0, 0, WIDTH, height);
    for (const { e, s, t, stroke, width } of geometry) {
      const y0 = s.y - s.r;
      const y1 = t.y + t.r;
      const my = (y0 + y1) / 2;
      ctx.globalAlpha = 0.7 * (focus === null || e.source === focus || e.target === focus ? 1 : 0.12);
      ctx.strokeStyle = stroke;
      ctx.lineWidth = width;
      ctx.beginPath();
      ctx.moveTo(s.x, y0);
      ctx.bezierCurveTo(s.x, my, t.x, my, t.x, y1);
      ctx.stroke();
    }
  };
  /** The edge nearest a point in SVG units, within 4.5 units. */
  const nearestEdge = (px: number, py: number): DisplayEdge | null => {
    let best: DisplayEdge | null = null;
    let bestD = 4.5 * 4.5;
    for (const { e, s, t } of geometry) {
      const y0 = s.y - s.r;
      const y1 = t.y + t.r;
      if (py < Math.min(y0, y1) - 5 || py > Math.max(y0, y1) + 5) continue;
      const my = (y0 + y1) / 2;
      for (let i = 0; i <= 24; i++) {
        const u = i / 24;
        const a = (1 - u) ** 3, b = 3 * (1 - u) ** 2 * u, c = 3 * (1 - u) * u * u, d = u ** 3;
        const x = (a + b) * s.x + (c + d) * t.x;
        const y = a * y0 + (b + c) * my + d * y1;
        const dd = (x - px) ** 2 + (y - py) ** 2;
        if (dd < bestD) {
          bestD = dd;
          best = e;
        }
      }
    }
    return best;
  };
  d3.select(canvas)
    .on('pointermove', (ev: PointerEvent) => {
      const m = (svg.node() as SVGSVGElement).getScreenCTM();
      if (!m || !current) return;
      const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
      const e = nearestEdge(p.x, p.y);
      canvas.style.cursor = e ? 'help' : '';
      if (e) showTooltip(ev.clientX, ev.clientY, current.edgeLines(e));
      else hideTooltip();
    })
    .on('pointerleave', hideTooltip);

  /** Nodes still to redraw after the last update, and how. */
  let queue: { work: [SVGGElement, Placed][]; paint: (el: SVGGElement, n: Placed) => void } | null = null;
  let sliceTimer = 0;
  const drainNodes = (): void => {
    if (sliceTimer) window.clearTimeout(sliceTimer);
    sliceTimer = 0;
    const q = queue;
    if (!q) return;
    const until = performance.now() + NODE_SLICE_MS;
    while (q.work.length > 0 && performance.now() < until) {
      const [el, n] = q.work.shift() as [SVGGElement, Placed];
      q.paint(el, n);
    }
    if (q.work.length > 0) sliceTimer = window.setTimeout(drainNodes, 0);
    else queue = null;
  };
  /** Redraws what is left now (before an export). */
  const finishNodes = (): void => {
    if (sliceTimer) window.clearTimeout(sliceTimer);
    sliceTimer = 0;
    if (queue) for (const [el, n] of queue.work) queue.paint(el, n);
    queue = null;
  };

  const focusEdges = (id: string | null): void => {
    focus = id;
    if (dense) paintCanvas(Number(svg.attr('height')));
    edgesG.selectAll<SVGPathElement, Drawn>('path.edge').attr('opacity', ({ e }) => (id === null || e.source === id || e.target === id ? 1 : 0.12));
  };

  return {
    update(opts) {
      current = opts;
      const height = TOP + (opts.rows - 1) * ROW_H + 40 + LEGEND_H;
      svg.attr('viewBox', `0 0 ${WIDTH} ${height}`).attr('width', WIDTH).attr('height', height).attr('aria-label', opts.title);
      bg.attr('width', WIDTH).attr('height', height);
      title.text(opts.title);
      if (!legendDrawn) {
        drawLegend(svg, height - 12, opts.legend ?? 'replacement');
        legendDrawn = true;
      }
      svg.select('.graph-legend').attr('transform', `translate(${LEFT - 50},${height - 12})`);
      const list = place(opts);
      placed = new Map(list.map((n) => [n.id, n]));
      const maxAttr = Math.max(1e-12, opts.scale?.attribution ?? 0, ...list.filter((n) => n.shape !== 'output').map((n) => Math.abs(n.attribution)));
      const maxW = Math.max(1e-12, opts.scale?.weight ?? 0, ...opts.edges.map((e) => Math.abs(e.weight)));

      rowsG.selectAll('text').data(opts.rowNames).join('text')
        .attr('x', 6).attr('y', (_, row) => TOP + (opts.rows - 1 - row) * ROW_H + 16).attr('font-size', 10).attr('fill', MUTED).text((d) => d);
      rowsG.selectAll('line').data(opts.rowNames).join('line')
        .attr('x1', LEFT - 4).attr('x2', WIDTH - RIGHT).attr('stroke', '#f3f4f6')
        .attr('y1', (_, row) => TOP + (opts.rows - 1 - row) * ROW_H + 12).attr('y2', (_, row) => TOP + (opts.rows - 1 - row) * ROW_H + 12);

      const drawn = opts.edges.filter((e) => placed.has(e.source) && placed.has(e.target));
      geometry = drawn.map((e) => ({ e, s: placed.get(e.source) as Placed, t: placed.get(e.target) as Placed, stroke: e.weight >= 0 ? POSITIVE : NEGATIVE,
        width: 0.6 + (5.4 * Math.abs(e.weight)) / maxW }));
      fo.attr('width', WIDTH).attr('height', height);
      dense = drawn.length > DENSE_EDGES;
      if (dense) paintCanvas(height);
      else blankCanvas(height);
      edgesG.selectAll<SVGPathElement, Drawn>('path.edge').data(dense ? [] : geometry, (d) => `${d.e.source}>${d.e.target}`)
        .join((enter) => enter.append('path').attr('class', 'edge').attr('fill', 'none').attr('stroke-opacity', 0.7))
        .each(function ({ e, s, t, stroke, width }) {
          setIf(this, 'data-weight', String(e.weight));
          // Widths to a tenth of a pixel; attributes set only when they change (each set restyles).
          const d = edgePath(s, t);
          const w = width.toFixed(1);
          const look = `${d}|${stroke}|${w}`;
          if (this.dataset.look === look) return;
          this.dataset.look = look;
          this.setAttribute('d', d);
          this.setAttribute('stroke', stroke);
          this.setAttribute('stroke-width', w);
        });

      const work: [SVGGElement, Placed][] = [];
      nodesG.selectAll<SVGGElement, Placed>('g.node').data(list, (n) => n.id)
        .join((enter) =>
          enter.append('g').attr('class', 'node').attr('tabindex', 0).attr('role', 'button')
            .on('click', (ev: MouseEvent, n) => current?.onActivate(n.id, ev.shiftKey))
            .on('keydown', (ev: KeyboardEvent, n) => {
              if (ev.key !== 'Enter' && ev.key !== ' ') return;
              ev.preventDefault();
              current?.onActivate(n.id, ev.shiftKey);
            })
            .on('pointerenter', (ev: PointerEvent, n) => {
              focusEdges(n.id);
              if (!current) return;
              showTooltip(ev.clientX, ev.clientY, current.nodeLines(placed.get(n.id) ?? n));
              current.onHover(n.id);
            })
            .on('pointermove', (ev: PointerEvent, n) => current && showTooltip(ev.clientX, ev.clientY, current.nodeLines(placed.get(n.id) ?? n)))
            .on('pointerleave', () => {
              focusEdges(null);
              hideTooltip();
              current?.onHover(null);
            })
            .on('focus', function (_ev, n) {
              focusEdges(n.id);
              if (current) showTooltipAt(this, current.nodeLines(placed.get(n.id) ?? n));
            })
            .on('blur', () => {
              focusEdges(null);
              hideTooltip();
            }),
        )
        .each(function (n) {
          work.push([this, n]);
        });
      // The nodes are redrawn in slices of at most NODE_SLICE_MS, each in its own task, so a large
      // graph never holds the main thread for long; a newer update replaces what is left.
      const paintNode = (el: SVGGElement, n: Placed): void => {
        // Attributes are set only when they change: each set on the page restyles the node.
        setIf(el, 'transform', `translate(${n.x},${n.y})`);
        setIf(el, 'data-testid', n.testId);
        setIf(el, 'data-value', String(n.value));
        setIf(el, 'data-ablated', n.ablated ? 'true' : null);
        setIf(el, 'aria-pressed', opts.selected === n.id ? 'true' : 'false');
        setIf(el, 'aria-label', opts.nodeLines(n).slice(0, 2).join(', '));
        // Redrawn only when its look changes: replacing children under the pointer would eat its events.
        // What the drawing shows (the output's printed value, the fill, the radius to 0.1 px), not the raw
        // numbers, so a snapshot that moves values a little does not rebuild every node.
        const paint = [fillOf(n, maxAttr), n.r.toFixed(1)].join('|');
        const form = [n.shape, n.text, n.label, n.match?.label, matchStrength(n.match), n.writes?.label, n.shape === 'output' ? fmt(n.value) : '',
          n.ablated, n.pinned, opts.selected === n.id, opts.groupSel.includes(n.id)].join('|');
        if (el.dataset.form === form && el.dataset.paint === paint) return;
        const same = el.dataset.form === form;
        el.dataset.form = form;
        el.dataset.paint = paint;
        // Only the fill or size moved (most snapshots): draw it off the page, then copy over just
        // the attributes that differ, so the node keeps its elements and the page restyles little.
        if (same) patchShape(el, n, maxAttr, opts);
        else drawShape(d3.select(el), n, maxAttr, opts);
      };
      queue = { work, paint: paintNode };
      drainNodes();
    },
    svg() {
      finishNodes();
      const node = svg.node() as SVGSVGElement;
      // The canvas does not travel in an SVG file: the copy drops it, and a dense graph's copy gets
      // its edges as paths.
      const copy = node.cloneNode(true) as SVGSVGElement;
      copy.querySelector('foreignObject.edge-canvas')?.remove();
      const g = copy.querySelector('g.edges');
      for (const { s, t, stroke, width } of dense ? geometry : []) {
        const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
        path.setAttribute('class', 'edge');
        path.setAttribute('fill', 'none');
        path.setAttribute('d', edgePath(s, t));
        path.setAttribute('stroke', stroke);
        path.setAttribute('stroke-width', width.toFixed(1));
        path.setAttribute('stroke-opacity', '0.7');
        g?.appendChild(path);
      }
      return copy;
    },
    destroy() {
      if (sliceTimer) window.clearTimeout(sliceTimer);
      queue = null;
      hideTooltip();
      svg.remove();
    },
  };
}
