/** A framework-free d3 drawer: a rows × cols heatmap with labels, a colour legend, highlight and hover read-out. */
import * as d3 from 'd3';
import { attachCursor } from './chartCursor.ts';
import { hideTooltip, showTooltip } from './tooltip.ts';

/** `diverging`: symmetric around 0, red positive, blue negative. `sequential`: values ≥ 0, white to green. */
export type HeatmapColour = 'diverging' | 'sequential';

export interface HeatmapOptions {
  /** rows × cols, row-major (r * cols + c); NaN draws grey. */
  values: Float64Array;
  rows: number;
  cols: number;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** A second word under each column label, e.g. the input's truth value. */
  colSubLabels?: readonly string[];
  /** Write each column label's characters one per line, e.g. an input's signs "+−+−" as a truth-table column. */
  stackColLabels?: boolean;
  /** With stacked labels: what each line means, written left of the first column (e.g. the input dims). */
  stackKeys?: readonly string[];
  /** 1 where a column is drawn faded (for example an input dim that never varies). */
  mutedCols?: Uint8Array;
  colour: HeatmapColour;
  /** Colour domain; diverging uses ±max|domain|. Omitted: from the values. */
  domain?: readonly [number, number];
  title: string;
  xTitle: string;
  yTitle: string;
  highlightRow?: number | null;
  highlightCol?: number | null;
  /** Called when the hovered (or keyboard-read) cell, row label or column label changes; (null, null) on leave. */
  onHover?: (row: number | null, col: number | null) => void;
  /** Tooltip lines for one cell. */
  cellTitle: (row: number, col: number) => string[];
  /** Total width in px (default 280). */
  width?: number;
}

/** What the owner keeps: recolour with new values, move the highlight, remove the chart. */
export interface HeatmapHandle {
  update(values: Float64Array, domain?: readonly [number, number]): void;
  setHighlight(row: number | null, col: number | null): void;
  destroy(): void;
}

const CHAR_W = 6.2;
const SUB_CHAR_W = 5.2;
const LINE_H = 9;
const LEGEND_W = 58;
const DIM_OPACITY = 0.4;
const MUTED_OPACITY = 0.3;
/**
 * Past this many cells (features=256 gives 256 × 16 and more per map; its alive-only weight maps
 * some 200 × 9) the cells are painted on one canvas instead of one SVG rect each: recolouring
 * thousands of rects per snapshot is style and layout work on the main thread, a canvas repaint
 * is one pass of fillRect. The defaults (32 features, 16 inputs: 512 cells at most) stay SVG.
 */
export const DENSE_CELLS = 1024;
let gradientId = 0;

/** At most this many row labels are written; past it every `rowLabelStep`-th row is, like an axis's ticks. */
export const ROW_LABELS_MAX = 32;
const LABEL_STEPS = [1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128];

/**
 * Which rows get a written label: all up to ROW_LABELS_MAX rows, else every step-th row from the
 * first, the step the smallest of 2, 4, 5, 8, 10, 16, … that keeps the count within the maximum
 * (256 features: every 8th, 32 labels). Writing 256 labels per map cost more layout than the map.
 */
export function rowLabelStep(rows: number): number {
  return LABEL_STEPS.find((k) => Math.ceil(rows / k) <= ROW_LABELS_MAX) ?? Math.ceil(rows / ROW_LABELS_MAX);
}

/** Row height by row count: roomy for a few features, compact for 32. */
function cellHeight(rows: number): number {
  if (rows <= 12) return 14;
  return rows <= 20 ? 11 : 8;
}

function longest(labels: readonly string[]): number {
  let n = 0;
  for (const s of labels) n = Math.max(n, s.length);
  return n;
}

/** 256 precomputed colours per interpolator: a cell's colour is a table look-up, not a spline. */
const LUT_SIZE = 256;
const luts = new Map<(t: number) => string, string[]>();
function lut(interpolate: (t: number) => string): string[] {
  let table = luts.get(interpolate);
  if (!table) {
    table = Array.from({ length: LUT_SIZE }, (_, k) => d3.color(interpolate(k / (LUT_SIZE - 1)))?.formatHex() ?? '#000000');
    luts.set(interpolate, table);
  }
  return table;
}
const reversedRdBu = (t: number): string => d3.interpolateRdBu(1 - t);

/** Maps [lo, hi] linearly onto a colour table, clamped. */
function tableScale(table: string[], lo: number, hi: number): (v: number) => string {
  const k = (LUT_SIZE - 1) / (hi - lo);
  return (v) => table[Math.max(0, Math.min(LUT_SIZE - 1, Math.round((v - lo) * k)))];
}

/** The colour scale and its numeric range for the legend. */
function colourScale(values: Float64Array, colour: HeatmapColour, domain?: readonly [number, number]) {
  let lo = Infinity;
  let hi = -Infinity;
  if (domain) [lo, hi] = domain;
  else for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (colour === 'diverging') {
    let m = Math.max(Math.abs(lo), Math.abs(hi));
    if (!Number.isFinite(m) || m === 0) m = 1;
    // RdBu runs red → blue; reversed so positive weights read warm.
    return { scale: tableScale(lut(reversedRdBu), -m, m), lo: -m, hi: m };
  }
  if (!Number.isFinite(lo)) lo = 0;
  lo = Math.min(0, lo);
  if (!Number.isFinite(hi) || hi <= lo) hi = lo + 1;
  // Greens, not Blues: blue already means "negative weight" in the diverging maps.
  return { scale: tableScale(lut(d3.interpolateGreens), lo, hi), lo, hi };
}

/** Draws the heatmap into `container`; the handle updates it and removes it. */
export function drawHeatmap(container: HTMLElement, opts: HeatmapOptions): HeatmapHandle {
  const { rows, cols } = opts;
  const W = opts.width ?? 280;
  const cellH = cellHeight(rows);
  const rowLabelW = longest(opts.rowLabels) * CHAR_W + 6;
  const M = { top: 22, right: LEGEND_W, left: 16 + rowLabelW };
  const iw = Math.max(40, W - M.left - M.right);
  const cellW = iw / Math.max(1, cols);
  const stackLines = opts.stackColLabels ? longest(opts.colLabels) : 0;
  const subs = opts.colSubLabels;
  const subW = subs ? longest(subs) * SUB_CHAR_W : 0;
  // Unstacked labels (with their sub-label) rotate when they do not fit a cell; stacked ones rotate only the sub-label.
  const inline = opts.colLabels.map((t, c) => (subs && !stackLines ? `${t} ${subs[c]}` : t));
  const rotate = !stackLines && longest(inline) * CHAR_W > cellW - 2;
  const subRotate = stackLines > 0 && subW > cellW - 2;
  let colLabelH = 14;
  if (stackLines) colLabelH = stackLines * LINE_H + 4 + (subs ? (subRotate ? subW : LINE_H) + 4 : 0);
  else if (rotate) colLabelH = longest(inline) * CHAR_W + 6;
  const ih = rows * cellH;
  const legendH = Math.max(ih, 64);
  const H = M.top + Math.max(ih + colLabelH + 18, legendH + 8);

  const svg = d3
    .select(container)
    .append('svg')
    .attr('class', 'chart heatmap')
    .attr('width', W)
    .attr('height', H)
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img');
  svg.append('text').attr('class', 'heatmap-title').attr('x', 2).attr('y', 13).text(opts.title);
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);

  let values = opts.values;
  let hlRow = opts.highlightRow ?? null;
  let hlCol = opts.highlightCol ?? null;
  let { scale, lo, hi } = colourScale(values, opts.colour, opts.domain);
  const muted = (c: number): boolean => opts.mutedCols !== undefined && opts.mutedCols[c] === 1;

  const cellColour = (k: number): string => (Number.isFinite(values[k]) ? scale(values[k]) : '#d1d5db');
  const any = (): boolean => hlRow !== null || hlCol !== null;
  const cellOpacity = (k: number): number => {
    const r = Math.floor(k / cols);
    const c = k % cols;
    const base = muted(c) ? MUTED_OPACITY : 1;
    return !any() || r === hlRow || c === hlCol ? base : base * DIM_OPACITY;
  };
  const dense = rows * cols > DENSE_CELLS;
  // Sparse maps: one rect per cell. Dense maps: one canvas, at the device's pixel ratio, in the SVG.
  const cells = dense
    ? null
    : g
      .append('g')
      .attr('class', 'cells')
      .selectAll<SVGRectElement, number>('rect')
      .data(d3.range(rows * cols))
      .join('rect')
      .attr('x', (k) => (k % cols) * cellW)
      .attr('y', (k) => Math.floor(k / cols) * cellH)
      .attr('width', cellW + 0.3)
      .attr('height', cellH + 0.3);
  const canvas = dense ? document.createElement('canvas') : null;
  if (canvas) {
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    canvas.width = Math.ceil(iw * ratio);
    canvas.height = Math.ceil(ih * ratio);
    canvas.style.width = `${iw}px`;
    canvas.style.height = `${ih}px`;
    canvas.style.display = 'block';
    canvas.setAttribute('aria-hidden', 'true');
    g.append('foreignObject').attr('class', 'cells cells-canvas').attr('width', iw).attr('height', ih).node()!.appendChild(canvas);
  }
  const paint = (): void => {
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const ratio = canvas.width / iw;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, iw, ih);
    for (let k = 0; k < rows * cols; k++) {
      ctx.globalAlpha = cellOpacity(k);
      ctx.fillStyle = cellColour(k);
      ctx.fillRect((k % cols) * cellW, Math.floor(k / cols) * cellH, cellW + 0.3, cellH + 0.3);
    }
    ctx.globalAlpha = 1;
  };
  const colourCells = (): void => {
    if (cells) cells.attr('fill', cellColour);
    else paint();
  };
  colourCells();

  // Labels: rows left (every step-th one on tall maps, and the highlighted row's), columns below.
  const step = rowLabelStep(rows);
  const labelFont = `${Math.min(10, cellH + 1)}px`;
  const rowLabelG = g.append('g').attr('class', 'row-labels');
  const rowLabels = rowLabelG
    .selectAll<SVGTextElement, number>('text')
    .data(d3.range(0, rows, step))
    .join('text')
    .attr('x', -4)
    .attr('y', (r) => r * cellH + cellH / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .style('font-size', labelFont)
    .text((r) => opts.rowLabels[r]);
  // A highlighted row with no label of its own gets one, on a white ground over its neighbours'.
  const extraLabel = rowLabelG.append('g').attr('class', 'row-label-extra').attr('display', 'none');
  const extraBg = extraLabel.append('rect').attr('fill', 'white').attr('height', cellH + 2);
  const extraText = extraLabel.append('text').attr('class', 'hl').attr('x', -4).attr('dy', '0.35em').attr('text-anchor', 'end')
    .style('font-size', labelFont);
  const colLabels = g
    .append('g')
    .attr('class', 'col-labels')
    .selectAll<SVGGElement, number>('g')
    .data(d3.range(cols))
    .join('g')
    .attr('transform', (c) => `translate(${c * cellW + cellW / 2},${ih})`)
    .classed('muted', (c) => muted(c));
  if (stackLines) {
    colLabels.each(function (c) {
      const col = d3.select(this);
      Array.from(opts.colLabels[c]).forEach((ch, i) => {
        col.append('text').attr('y', (i + 1) * LINE_H).attr('text-anchor', 'middle').text(ch);
      });
    });
    const keys = opts.stackKeys ?? [];
    g.append('g')
      .attr('class', 'stack-keys')
      .selectAll('text')
      .data(keys.slice(0, stackLines))
      .join('text')
      .attr('x', -4)
      .attr('y', (_, i) => ih + (i + 1) * LINE_H)
      .attr('text-anchor', 'end')
      .text((k) => k);
  } else {
    const label = colLabels
      .append('text')
      .attr('transform', rotate ? 'translate(0,4) rotate(-90)' : 'translate(0,11)')
      .attr('dy', rotate ? '0.35em' : null)
      .attr('text-anchor', rotate ? 'end' : 'middle');
    label.append('tspan').text((c) => opts.colLabels[c]);
    if (subs) label.append('tspan').attr('class', (c) => `sub sub-${subs[c].toLowerCase()}`).attr('dx', 4).text((c) => subs[c]);
  }
  if (subs && stackLines) {
    const y0 = stackLines * LINE_H + 4;
    colLabels
      .append('text')
      .attr('class', (c) => `sub sub-${subs[c].toLowerCase()}`)
      .attr('transform', subRotate ? `translate(0,${y0}) rotate(-90)` : `translate(0,${y0 + LINE_H})`)
      .attr('dy', subRotate ? '0.35em' : null)
      .attr('text-anchor', subRotate ? 'end' : 'middle')
      .text((c) => subs[c]);
  }
  g.append('text').attr('class', 'axis-title').attr('x', iw / 2).attr('y', ih + colLabelH + 14).attr('text-anchor', 'middle').text(opts.xTitle);
  g.append('text')
    .attr('class', 'axis-title')
    .attr('transform', `translate(${-rowLabelW - 6},${ih / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(opts.yTitle);

  // Legend: a vertical gradient bar with numeric ticks, right of the cells.
  const gid = `heatmap-gradient-${++gradientId}`;
  const grad = svg.append('defs').append('linearGradient').attr('id', gid).attr('x1', 0).attr('x2', 0).attr('y1', 1).attr('y2', 0);
  const stops = grad.selectAll('stop').data(d3.range(11)).join('stop').attr('offset', (i) => `${i * 10}%`);
  const legend = svg.append('g').attr('class', 'legend').attr('transform', `translate(${M.left + iw + 10},${M.top})`);
  legend.append('rect').attr('width', 10).attr('height', legendH).attr('fill', `url(#${gid})`).attr('stroke', '#9ca3af').attr('stroke-width', 0.5);
  const legendAxis = legend.append('g').attr('class', 'axis').attr('transform', 'translate(10,0)');
  const drawLegend = (): void => {
    stops.attr('stop-color', (i) => scale(lo + ((hi - lo) * i) / 10));
    const y = d3.scaleLinear().domain([lo, hi]).range([legendH, 0]);
    legendAxis.call(d3.axisRight(y).ticks(legendH < 90 ? 3 : 5).tickSize(3).tickFormat(d3.format('~g')));
  };
  drawLegend();

  // Highlight: an outline around the row and the column, everything else faded.
  const rowBox = g.append('rect').attr('class', 'hl-box').attr('x', 0).attr('width', iw).attr('height', cellH).attr('fill', 'none');
  const colBox = g.append('rect').attr('class', 'hl-box').attr('y', 0).attr('width', cellW).attr('height', ih).attr('fill', 'none');
  const applyHighlight = (): void => {
    if (cells) cells.attr('opacity', cellOpacity);
    else paint();
    rowBox.attr('display', hlRow === null ? 'none' : 'inline').attr('y', (hlRow ?? 0) * cellH);
    colBox.attr('display', hlCol === null ? 'none' : 'inline').attr('x', (hlCol ?? 0) * cellW);
    rowLabels.classed('hl', (r) => r === hlRow);
    const unlabelled = hlRow !== null && hlRow % step !== 0;
    extraLabel.attr('display', unlabelled ? null : 'none');
    if (unlabelled && hlRow !== null) {
      const text = opts.rowLabels[hlRow];
      const y = hlRow * cellH + cellH / 2;
      extraText.attr('y', y).text(text);
      extraBg.attr('x', -6 - text.length * CHAR_W).attr('y', y - cellH / 2 - 1).attr('width', text.length * CHAR_W + 4);
    }
    colLabels.classed('hl', (c) => c === hlCol);
  };
  applyHighlight();

  // Hover: one overlay finds the cell; the owner hears only when the cell changes.
  let hovered: { row: number | null; col: number | null } | null = null;
  let lastPointer: { x: number; y: number } | null = null;
  const hover = (row: number | null, col: number | null): void => {
    if (hovered ? hovered.row === row && hovered.col === col : row === null && col === null) return;
    hovered = row === null && col === null ? null : { row, col };
    opts.onHover?.(row, col);
  };
  const tip = (): void => {
    if (hovered && hovered.row !== null && hovered.col !== null && lastPointer) {
      showTooltip(lastPointer.x, lastPointer.y, opts.cellTitle(hovered.row, hovered.col));
    }
  };
  const leave = (): void => {
    lastPointer = null;
    hideTooltip();
    hover(null, null);
  };
  g.append('rect')
    .attr('class', 'overlay')
    .attr('width', iw)
    .attr('height', ih)
    .attr('fill', 'transparent')
    .on('pointermove', (event: PointerEvent) => {
      const [px, py] = d3.pointer(event, g.node());
      const col = Math.min(cols - 1, Math.max(0, Math.floor(px / cellW)));
      const row = Math.min(rows - 1, Math.max(0, Math.floor(py / cellH)));
      lastPointer = { x: event.clientX, y: event.clientY };
      hover(row, col);
      tip();
    })
    .on('pointerleave', leave);
  // The row labels' strip: hovering any row's place in it (labelled or not) highlights that row.
  rowLabelG.append('rect')
    .attr('class', 'row-strip')
    .attr('x', -rowLabelW)
    .attr('width', rowLabelW)
    .attr('height', ih)
    .attr('fill', 'transparent')
    .style('cursor', 'default')
    .on('pointermove', (event: PointerEvent) => {
      const [, py] = d3.pointer(event, g.node());
      hover(Math.min(rows - 1, Math.max(0, Math.floor(py / cellH))), null);
    })
    .on('pointerleave', leave);
  colLabels.style('cursor', 'default').on('pointerenter', (_event: PointerEvent, c) => hover(null, c)).on('pointerleave', leave);

  // Keyboard: the arrows walk the cells, reading each out and highlighting its row and column everywhere.
  const cursorBox = g.append('rect').attr('class', 'cursor-box').attr('width', cellW).attr('height', cellH).attr('fill', 'none')
    .attr('display', 'none');
  const detach = attachCursor(svg.node() as SVGSVGElement, {
    label: opts.title,
    count: rows * cols,
    columns: cols,
    start: () => (hlRow ?? 0) * cols + (hlCol ?? 0),
    show: (k) => {
      const row = Math.floor(k / cols);
      const col = k % cols;
      cursorBox.attr('display', null).attr('x', col * cellW).attr('y', row * cellH);
      hover(row, col);
      return { anchor: cells ? cells.nodes()[k] : cursorBox.node()!, lines: opts.cellTitle(row, col) };
    },
    clear: () => {
      cursorBox.attr('display', 'none');
      hover(null, null);
    },
  });

  return {
    update(next, domain) {
      values = next;
      ({ scale, lo, hi } = colourScale(values, opts.colour, domain));
      colourCells();
      drawLegend();
      tip();
    },
    setHighlight(row, col) {
      if (row === hlRow && col === hlCol) return;
      hlRow = row;
      hlCol = col;
      applyHighlight();
    },
    destroy() {
      detach();
      // Only this chart's own read-out goes; another chart may own the tooltip now.
      if (lastPointer) hideTooltip();
      svg.remove();
    },
  };
}
