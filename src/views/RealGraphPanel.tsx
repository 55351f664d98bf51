/**
 * The real model's own attribution graph (core/attribution/realGraph.ts), drawn with the same
 * drawer, rows and scales as the CLT's and the PLT's beside it: the ground truth they are read
 * against. Every active neuron and edge is shown (no pruning); hover or focus a node for its values.
 */
import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import type { AttributionGraph } from '../core/attribution/graph.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import type { GraphScale } from './charts/graphDrawer.ts';
import { useGraphDrawer } from './useGraphDrawer.ts';
import { fmt } from './charts/tooltip.ts';
import { realDisplay, realNodeLines, type DisplayEdge } from './graphDisplay.ts';
import { NO_HIGHLIGHT, type Highlight } from '../state/highlight.ts';

export interface RealGraphPanelProps {
  model: BaseModel;
  graph: AttributionGraph;
  scale: GraphScale;
  onHighlight: (h: Highlight) => void;
}

export function RealGraphPanel({ model, graph, scale, onHighlight }: RealGraphPanelProps) {
  const display = useMemo(() => realDisplay(graph, model), [graph, model]);
  const { box, drawer } = useGraphDrawer();
  const nameOf = (id: string): string => display.nodes.find((n) => n.id === id)?.label ?? id;
  const latest = { display, scale, nameOf, onHighlight };
  const live = useRef(latest);
  useLayoutEffect(() => {
    live.current = latest;
  });
  useEffect(() => {
    const cur = live.current;
    drawer.current?.update({
      nodes: cur.display.nodes,
      edges: cur.display.edges,
      rows: cur.display.rows,
      rowNames: ['inputs', ...Array.from({ length: graph.layers }, (_, l) => `layer ${l}`), 'output'],
      title: `Real model's graph (ground truth) · input ${graph.input}`,
      selected: null,
      groupSel: [],
      onActivate: () => undefined,
      onHover: (id) => live.current.onHighlight(id === null ? NO_HIGHLIGHT : { input: graph.input, feature: null }),
      nodeLines: (n) => realNodeLines(n, model),
      edgeLines: (e: DisplayEdge) => [`${live.current.nameOf(e.source)} → ${live.current.nameOf(e.target)}`, `edge weight ${fmt(e.weight)} (weight × activation)`],
      scale: cur.scale,
      legend: 'real',
    });
  });
  const neurons = graph.nodes.filter((n) => n.kind === 'feature');
  const silent = model.layers.reduce((s, l) => s + l.hidden, 0) - neurons.length;
  return (
    <div className="graph-panel graph-real" data-testid="graph-real">
      <h3>
        Real model: {neurons.length} active neurons, output {fmt(graph.output)}
      </h3>
      <div className="graph-box" ref={box} />
      <p className="graph-legend-note" data-testid="graph-real-caption">
        <b>Ground truth.</b> The real model&apos;s own neurons, each named by the residual dim it writes; an edge is weight ×
        activation, the direct effect of one node on the next. {silent > 0 ? `${silent} neuron${silent === 1 ? ' is' : 's are'} off on this input and not drawn.` : ''}
      </p>
    </div>
  );
}
