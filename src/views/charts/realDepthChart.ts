/**
 * A framework-free d3 drawer for real-model graphs (SPEC §6), four panels on one x axis, the
 * share of depth (layer / (layers − 1)): the circuit signature with the toy's own signature,
 * the direct signature, feature nodes per layer, and the mean path length. Every value is a
 * mark with a hover read-out, and the arrow keys walk them (one row per series).
 */
import * as d3 from 'd3';
import { depthShare } from '../../core/realGraphs/csv.ts';
import { attachCursor } from './chartCursor.ts';
import { fmt, hideTooltip, showTooltip } from './tooltip.ts';

/** A layer-indexed signature: each layer's share and the running sum. */
export interface SignatureValues {
  share: readonly number[];
  cumulative: readonly number[];
}

/** One real graph as drawn. */
export interface GraphSeries {
  /** Legend and read-out name, e.g. "graph 1 · CLT · bee-insect-clt.json". */
  name: string;
  colour: string;
  dash?: string;
  layers: number;
  circuit: SignatureValues;
  direct: SignatureValues;
  features: readonly number[];
  meanPathLength: number | null;
}

/** One member of the toy's run, drawn on the circuit panel. */
export interface ToySeries {
  name: string;
  kind: string;
  colour: string;
  signature: SignatureValues;
}

export interface RealDepthChart {
  svg(): SVGSVGElement;
  destroy(): void;
}

interface Mark {
  el: Element;
  tip: string[];
}

const PW = 380;
const PH = 230;
const M = { top: 30, right: 14, bottom: 40, left: 52 };
const pctText = (v: number): string => `${fmt(100 * v)} %`;

function layerText(l: number, layers: number): string {
  return `layer ${l} of ${layers} (${Math.round(100 * depthShare(l, layers))} % of depth)`;
}

/** Draws the chart; `width` (the container's) chooses two columns of panels or one. */
export function drawRealDepth(container: HTMLElement, graphs: readonly GraphSeries[], toy: readonly ToySeries[], width: number): RealDepthChart {
  const columns = width >= 640 ? 2 : 1;
  const legendRows = graphs.length + toy.length;
  const legendH = 14 + 14 * legendRows;
  const W = columns * PW;
  const H = legendH + Math.ceil(4 / columns) * PH;
  const svg = d3.select(container).append('svg')
    .attr('class', 'chart real-depth-chart')
    .attr('data-testid', 'real-depth')
    .attr('viewBox', `0 0 ${W} ${H}`)
    .attr('width', W)
    .attr('height', H)
    .attr('role', 'img');
  svg.append('rect').attr('width', W).attr('height', H).attr('fill', 'white');

  const legend = svg.append('g').attr('class', 'legend').attr('transform', 'translate(12,14)');
  [...graphs.map((g) => ({ name: g.name, colour: g.colour, dash: g.dash, toy: false })), ...toy.map((t) => ({ name: t.name, colour: t.colour, dash: '2 3', toy: true }))]
    .forEach((s, i) => {
      const row = legend.append('g').attr('transform', `translate(0,${i * 14})`);
      row.append('line').attr('x1', 0).attr('x2', 26).attr('stroke', s.colour).attr('stroke-width', 2).attr('stroke-dasharray', s.dash ?? null);
      if (s.toy) row.append('rect').attr('x', 10).attr('y', -3).attr('width', 6).attr('height', 6).attr('fill', s.colour);
      row.append('text').attr('x', 32).attr('y', 3.5).text(s.name);
    });

  const rows: Mark[][] = [];
  const panel = (i: number, title: string, yLabel: string) => {
    const ox = (i % columns) * PW;
    const oy = legendH + Math.floor(i / columns) * PH;
    const g = svg.append('g').attr('class', 'real-depth-panel').attr('transform', `translate(${ox + M.left},${oy + M.top})`);
    svg.append('text').attr('class', 'chart-title').attr('x', ox + M.left).attr('y', oy + 16).text(title);
    const iw = PW - M.left - M.right;
    const ih = PH - M.top - M.bottom;
    g.append('text').attr('class', 'axis-title').attr('transform', `translate(-40,${ih / 2}) rotate(-90)`).attr('text-anchor', 'middle').text(yLabel);
    return { g, iw, ih };
  };
  const depthAxis = (g: d3.Selection<SVGGElement, unknown, null, undefined>, iw: number, ih: number) => {
    const x = d3.scaleLinear().domain([0, 1]).range([0, iw]);
    g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`).call(d3.axisBottom(x).ticks(5, '.0%'));
    g.append('text').attr('class', 'axis-title').attr('x', iw / 2).attr('y', ih + 32).attr('text-anchor', 'middle').text('share of depth: layer / (layers − 1)');
    return x;
  };
  const point = (
    g: d3.Selection<SVGGElement, unknown, null, undefined>,
    testid: string, value: number, cx: number, cy: number, colour: string, tip: string[], square = false,
  ): Mark => {
    const mark: d3.Selection<SVGElement, unknown, null, undefined> = square
      ? g.append<SVGElement>('rect').attr('x', cx - 3).attr('y', cy - 3).attr('width', 6).attr('height', 6).attr('fill', colour)
      : g.append<SVGElement>('circle').attr('cx', cx).attr('cy', cy).attr('r', 3).attr('fill', 'white').attr('stroke', colour).attr('stroke-width', 1.5);
    mark.attr('class', 'real-depth-point').attr('data-testid', testid).attr('data-value', value)
      .on('pointermove', (e: PointerEvent) => showTooltip(e.clientX, e.clientY, tip))
      .on('pointerleave', hideTooltip);
    return { el: mark.node() as Element, tip };
  };

  // Signature panels: cumulative share by source layer, 0 to 1.
  const signaturePanel = (i: number, which: 'circuit' | 'direct', title: string, what: string) => {
    const { g, iw, ih } = panel(i, title, 'cumulative share of positive weight');
    const x = depthAxis(g, iw, ih);
    const y = d3.scaleLinear().domain([0, 1]).range([ih, 0]);
    g.append('g').attr('class', 'axis y-axis').call(d3.axisLeft(y).ticks(5, '.0%'));
    graphs.forEach((s, k) => {
      const sig = s[which];
      const xs = sig.cumulative.map((_, l) => x(depthShare(l, s.layers)));
      g.append('path').attr('class', 'series').attr('fill', 'none').attr('stroke', s.colour).attr('stroke-width', 2)
        .attr('stroke-dasharray', s.dash ?? null).attr('d', d3.line<number>().x((_, l) => xs[l]).y((v) => y(v))(sig.cumulative as number[]));
      rows.push(sig.cumulative.map((v, l) => point(g, `real-${which}-${k}-${l}`, v, xs[l], y(v), s.colour, [
        s.name,
        layerText(l, s.layers),
        `${which} signature: layers ≤ ${l} hold ${pctText(v)}`,
        `  (${what})`,
        `layer ${l} alone: ${pctText(sig.share[l])}`,
      ])));
    });
    if (which !== 'circuit') return;
    for (const t of toy) {
      const L = t.signature.cumulative.length;
      const xs = t.signature.cumulative.map((_, l) => x(depthShare(l, L)));
      g.append('path').attr('class', 'series toy').attr('fill', 'none').attr('stroke', t.colour).attr('stroke-width', 1.5)
        .attr('stroke-dasharray', '2 3').attr('d', d3.line<number>().x((_, l) => xs[l]).y((v) => y(v))(t.signature.cumulative as number[]));
      rows.push(t.signature.cumulative.map((v, l) => point(g, `real-toy-${t.kind}-${l}`, v, xs[l], y(v), t.colour, [
        t.name,
        layerText(l, L),
        `toy: layers ≤ ${l} carry ${pctText(v)}`,
        '  (of the features\' positive attribution into the output)',
        `layer ${l} alone: ${pctText(t.signature.share[l])}`,
      ], true)));
    }
  };
  signaturePanel(0, 'circuit', 'Circuit signature (write-up Fig. 6)', 'of all positive links out of features');
  signaturePanel(1, 'direct', 'Direct signature (into the target logit)', 'of positive feature links into the target');

  {
    const { g, iw, ih } = panel(2, 'Feature nodes per layer', 'feature nodes in the graph');
    const x = depthAxis(g, iw, ih);
    const top = Math.max(1, ...graphs.flatMap((s) => s.features));
    const y = d3.scaleLinear().domain([0, top]).range([ih, 0]).nice();
    g.append('g').attr('class', 'axis y-axis').call(d3.axisLeft(y).ticks(5));
    graphs.forEach((s, k) => {
      const xs = s.features.map((_, l) => x(depthShare(l, s.layers)));
      g.append('path').attr('class', 'series').attr('fill', 'none').attr('stroke', s.colour).attr('stroke-width', 1.5)
        .attr('stroke-dasharray', s.dash ?? null).attr('d', d3.line<number>().x((_, l) => xs[l]).y((v) => y(v))(s.features as number[]));
      rows.push(s.features.map((v, l) => point(g, `real-features-${k}-${l}`, v, xs[l], y(v), s.colour, [
        s.name, layerText(l, s.layers), `${v} feature node${v === 1 ? '' : 's'}`,
      ])));
    });
  }

  {
    const { g, iw, ih } = panel(3, 'Mean path length into the target', '');
    const top = Math.max(1, ...graphs.map((s) => s.meanPathLength ?? 0));
    const x = d3.scaleLinear().domain([0, top]).range([0, iw]).nice();
    const y = d3.scaleBand<number>().domain(d3.range(graphs.length)).range([0, ih]).padding(0.35);
    g.append('g').attr('class', 'axis x-axis').attr('transform', `translate(0,${ih})`).call(d3.axisBottom(x).ticks(5));
    g.append('text').attr('class', 'axis-title').attr('x', iw / 2).attr('y', ih + 32).attr('text-anchor', 'middle').text('links per path, weighted by attribution');
    g.append('g').attr('class', 'axis y-axis').call(d3.axisLeft(y).tickFormat((k) => `graph ${k + 1}`));
    const marks = graphs.map((s, k) => {
      const v = s.meanPathLength;
      const tip = [s.name, v === null ? 'mean path length: none (no positive link reaches the target)' : `mean path length: ${fmt(v)} links`];
      const bar = g.append('rect').attr('class', 'real-depth-bar').attr('data-testid', `real-mpl-${k}`).attr('data-value', v ?? '')
        .attr('x', 0).attr('y', y(k) ?? 0).attr('height', y.bandwidth()).attr('width', v === null ? 0 : x(v))
        .attr('fill', s.colour).attr('fill-opacity', s.dash ? 0.55 : 0.85)
        .on('pointermove', (e: PointerEvent) => showTooltip(e.clientX, e.clientY, tip))
        .on('pointerleave', hideTooltip);
      g.append('text').attr('class', 'bar-value').attr('x', (v === null ? 0 : x(v)) + 4).attr('y', (y(k) ?? 0) + y.bandwidth() / 2 + 3.5)
        .text(v === null ? 'none' : fmt(v));
      return { el: bar.node() as Element, tip };
    });
    rows.push(marks);
  }

  const filled = rows.filter((r) => r.length > 0);
  const columnsMax = Math.max(1, ...filled.map((r) => r.length));
  const at = (i: number): Mark => {
    const row = filled[Math.floor(i / columnsMax)];
    return row[Math.min(row.length - 1, i % columnsMax)];
  };
  const marked: Element[] = [];
  const detach = attachCursor(svg.node() as SVGSVGElement, {
    label: 'Real-model graphs by depth',
    count: filled.length * columnsMax,
    columns: columnsMax,
    show: (i) => {
      for (const el of marked.splice(0)) el.classList.remove('cursor');
      const m = at(i);
      m.el.classList.add('cursor');
      marked.push(m.el);
      return { anchor: m.el, lines: m.tip };
    },
    clear: () => {
      for (const el of marked.splice(0)) el.classList.remove('cursor');
    },
  });

  return {
    svg: () => svg.node() as SVGSVGElement,
    destroy: () => {
      detach();
      hideTooltip();
      svg.remove();
    },
  };
}
