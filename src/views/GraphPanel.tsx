/** One transcoder's attribution graph: the d3 drawing, layer shares, node card, grouping and export. */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Cut, TranscoderKind } from '../core/config.ts';
import { forward, type Ablation, type BaseModel } from '../core/model/baseModel.ts';
import type { AttributionGraph } from '../core/attribution/graph.ts';
import { matchLabels, type DecoderWrites, type FeatureMatch } from '../core/attribution/groundTruth.ts';
import { pruneGraph, type PrunedGraph } from '../core/attribution/prune.ts';
import { exportGraphJson } from '../core/attribution/export.ts';
import { useStore } from '../state/store.ts';
import { labelOf, useGraphStore } from '../state/graphStore.ts';
import type { GraphScale } from './charts/graphDrawer.ts';
import { useGraphDrawer } from './useGraphDrawer.ts';
import { fmt } from './charts/tooltip.ts';
import { GraphCard, featureAblationsOf, isAblated } from './GraphCard.tsx';
import { displayGraph, nodeLines, prettyId, type DisplayEdge, type DisplayNode } from './graphDisplay.ts';
import { downloadJson, downloadPng, downloadSvg } from './graphExport.ts';
import { NO_HIGHLIGHT, type Highlight } from '../state/highlight.ts';

export interface GraphPanelProps {
  kind: TranscoderKind;
  model: BaseModel;
  graph: AttributionGraph;
  matches: readonly (readonly (FeatureMatch | null)[])[];
  /** What each feature's decoder writes (decoderWrites). */
  writes: readonly (readonly DecoderWrites[])[];
  /** The graph pruned at the current threshold where it was computed (the graph worker), or null: prune it here. */
  pruned?: PrunedGraph | null;
  /** Maxima shared with the graphs drawn beside it. */
  scale: GraphScale;
  onHighlight: (h: Highlight) => void;
}

const pct = (v: number): string => `${(100 * v).toFixed(0)}%`;

export function GraphPanel({ kind, model, graph, matches, writes, pruned: prunedThere = null, scale, onHighlight }: GraphPanelProps) {
  const KIND = kind.toUpperCase();
  const ui = useGraphStore((s) => s[kind]);
  const threshold = useGraphStore((s) => s.threshold);
  const pinnedOnly = useGraphStore((s) => s.pinnedOnly);
  const clickMode = useGraphStore((s) => s.clickMode);
  const selected = useGraphStore((s) => s.selected[kind]);
  const groupSel = useGraphStore((s) => s.groupSel[kind]);
  const { select, toggleGroupSel, clearGroupSel, group, showHidden } = useGraphStore.getState();
  const allAblations = useStore((s) => s.featureAblations);
  const toggleFeatureAblation = useStore((s) => s.toggleFeatureAblation);
  const cuts = useStore((s) => s.config.cuts);
  const neuronAblations = useStore((s) => s.neuronAblations);
  const [groupLabel, setGroupLabel] = useState('');
  const [exportProblem, setExportProblem] = useState<string | null>(null);

  const ablated = useMemo(() => allAblations.filter((a) => a.kind === kind).map(({ layer, feature }) => ({ layer, feature })), [allAblations, kind]);
  // Pruned where the graph was computed, at the threshold asked then; while the slider moves ahead of the worker, here.
  const pruned = useMemo(() => prunedThere ?? pruneGraph(graph, threshold), [prunedThere, graph, threshold]);
  const display = useMemo(
    () => displayGraph({ kind, graph, pruned, ui, pinnedOnly, matches, writes, ablated }),
    [kind, graph, pruned, ui, pinnedOnly, matches, writes, ablated],
  );
  // Every node of this input's graph, unpruned: what the card and edge names look up.
  const full = useMemo(
    // Nodes only: nothing reads its edges, and summing all F² unpruned edges per snapshot is slow at large F.
    () => displayGraph({ kind, graph, pruned: { nodes: graph.nodes, edges: [] }, ui: { ...ui, hidden: [] }, pinnedOnly: false, matches, writes, ablated }),
    [kind, graph, ui, matches, writes, ablated],
  );
  const nameOf = (id: string): string => full.nodes.find((n) => n.id === id)?.label ?? labelOf(ui, id) ?? prettyId(id);

  const { box, drawer } = useGraphDrawer();

  const activate = (id: string, shift: boolean): void => {
    const n = display.nodes.find((x) => x.id === id);
    if (!n) return;
    if (shift) {
      if (n.shape !== 'output') toggleGroupSel(kind, id);
      return;
    }
    if (clickMode === 'ablate' && n.shape === 'feature') {
      toggleFeatureAblation({ kind, layer: n.layer, feature: n.index });
      return;
    }
    select(kind, selected === id ? null : id);
  };
  const hover = (id: string | null): void => {
    const n = id === null ? undefined : display.nodes.find((x) => x.id === id);
    onHighlight(n ? { input: graph.input, feature: n.shape === 'feature' ? { kind, layer: n.layer, index: n.index } : null } : NO_HIGHLIGHT);
  };
  const rowNames = ['inputs', ...Array.from({ length: graph.layers }, (_, l) => `layer ${l}`), 'output'];
  const edgeLines = (e: DisplayEdge): string[] => [`${nameOf(e.source)} → ${nameOf(e.target)}`, `edge weight ${fmt(e.weight)}`];
  const latest = { display, rowNames, selected, groupSel, activate, hover, edgeLines, scale };
  const live = useRef(latest);
  useLayoutEffect(() => {
    live.current = latest;
  });
  // Redrawn only when what it draws changes, and in a task of its own, so the graphs beside it
  // and the render that computed them do not add up to one long main-thread task.
  const title = `${KIND} attribution graph · input ${graph.input}`;
  useEffect(() => {
    const timer = window.setTimeout(() => draw(), 0);
    return () => window.clearTimeout(timer);
  }, [display, selected, groupSel, scale, title, graph.layers]);
  const draw = (): void => {
    const cur = live.current;
    drawer.current?.update({
      nodes: cur.display.nodes,
      edges: cur.display.edges,
      rows: cur.display.rows,
      rowNames: cur.rowNames,
      title,
      selected: cur.selected,
      groupSel: cur.groupSel,
      // Through `live`, so handlers always see this render's state without rebuilding the drawer.
      onActivate: (id, shift) => live.current.activate(id, shift),
      onHover: (id) => live.current.hover(id),
      nodeLines: (n: DisplayNode) => nodeLines(kind, n),
      edgeLines: (e) => live.current.edgeLines(e),
      scale: cur.scale,
    });
  };

  const emptyLayers = Array.from({ length: graph.layers }, (_, l) => l).filter((l) => l > 0 && !graph.nodes.some((n) => n.kind === 'feature' && n.layer === l));
  const selectedNode = selected === null ? null : (full.nodes.find((n) => n.id === selected && !ui.hidden.includes(n.id)) ?? null);
  const base = `transcoder-lab-${kind}-input${graph.input}`;
  const svg = (): SVGSVGElement | null => drawer.current?.svg() ?? null;
  const exportJson = (): void => {
    const labels = new Map(matchLabels(matches, writes));
    for (const [id, text] of Object.entries(ui.labels)) labels.set(id, text);
    const json = exportGraphJson(graph, model, {
      slug: base,
      labels,
      subset: pruned,
      pinnedIds: ui.pinned.flatMap((id) => ui.supernodes.find((s) => s.id === id)?.members ?? [id]),
      supernodes: ui.supernodes.map((s) => ({ label: s.label || s.id, ids: s.members })),
      clickedId: selected ?? undefined,
      transcoder: kind,
      description: `${KIND} attribution graph of ${model.name} at input ${graph.input}, edges pruned at ${threshold}`,
    });
    downloadJson(json, `${base}.json`);
  };
  const groupable = groupSel.length >= 2;

  return (
    <div className={`graph-panel graph-${kind}`} data-testid={`graph-${kind}`}>
      <h3>
        {KIND}: {plural(graph.nodes.filter((n) => n.kind === 'feature').length, 'active feature')}, output {fmt(graph.output)}{' '}
        <span className="hint">(real model {fmt(graph.baseOutput)})</span>
      </h3>
      <div className="graph-box" ref={box} />
      {emptyLayers.map((l) => (
        <p key={l} className="graph-caption" data-testid={`no-layer${l}-${kind}`}>
          no layer-{l} feature on this input: the {KIND}'s story is inputs → output
          {realIdle(model, graph.input, l, cuts, neuronAblations) ? ` (the real model's layer-${l} neurons are all off here too)` : ''}
        </p>
      ))}
      {display.nodes.some((n) => n.ablated) && (
        <p className="hint">
          Crossed-out nodes are ablated features: {display.nodes.filter((n) => n.ablated).map((n) => n.label).join(', ')}.
        </p>
      )}
      <p className="hint share-head">depth signature on this input: each layer&apos;s share of the features&apos; positive attribution into the output</p>
      <div className="graph-shares" role="group" aria-label={`${KIND} share of attribution into the output by layer`}>
        {graph.layerShare.map((share, l) => (
          <div key={l} className="share-row" data-testid={`layer-share-${kind}-${l}`} data-value={share} data-cumulative={graph.cumulativeShare[l]}>
            <span className="share-name">layer {l}</span>
            <span className="share-bar" title={`layer ${l}: ${pct(share)} of the features' positive attribution into the output (each feature's total effect, direct and through later features); layers 0..${l}: ${pct(graph.cumulativeShare[l])}`}>
              <span className="share-cum" style={{ width: pct(graph.cumulativeShare[l]) }} />
              <span className="share-own" style={{ width: pct(share) }} />
            </span>
            <span className="share-text">
              {pct(share)} <small>(cum. {pct(graph.cumulativeShare[l])})</small>
            </span>
          </div>
        ))}
      </div>
      <div className="graph-tools">
        {ui.hidden.length > 0 && (
          <button data-testid={`show-hidden-${kind}`} onClick={() => showHidden(kind)}>
            show hidden ({ui.hidden.length})
          </button>
        )}
        {groupSel.length > 0 && (
          <span className="group-bar">
            {groupSel.length} selected{groupable ? '' : ' (shift-click more)'}
            <input data-testid={`group-label-${kind}`} type="text" maxLength={80} placeholder="group label" value={groupLabel} onChange={(e) => setGroupLabel(e.target.value)} />
            <button data-testid={`group-${kind}`} disabled={!groupable} onClick={() => (group(kind, groupSel, groupLabel), setGroupLabel(''))}>
              group
            </button>
            <button onClick={() => clearGroupSel(kind)}>clear</button>
          </span>
        )}
        <span className="graph-export">
          export <button data-testid={`export-json-${kind}`} onClick={exportJson}>JSON</button>
          <button data-testid={`export-svg-${kind}`} onClick={() => { const s = svg(); if (s) downloadSvg(s, `${base}.svg`); }}>SVG</button>
          <button data-testid={`export-png-${kind}`} onClick={() => { const s = svg(); if (s) void downloadPng(s, `${base}.png`).then(setExportProblem); }}>PNG</button>
        </span>
      </div>
      {exportProblem && <p className="field-problem">PNG export failed: {exportProblem}</p>}
      {selected !== null && <GraphCard kind={kind} node={selectedNode} selectedId={selected} edges={graph.edges} ui={ui} nameOf={nameOf} />}
      {clickMode === 'ablate' && featureAblationsOf(kind, display.nodes.map((n) => n.id)).some((a) => isAblated(allAblations, a)) && (
        <p className="hint">Ablate mode: click a crossed-out node to restore it.</p>
      )}
    </div>
  );
}

/** Whether every neuron of the real model's layer l is off at this input, under the same cuts. */
function realIdle(model: BaseModel, input: number, layer: number, cuts: readonly Cut[], ablations: readonly Ablation[]): boolean {
  const H = model.layers[layer]?.hidden ?? 0;
  const k = model.inputDims.length;
  const hidden = forward(model, { cuts, ablations }, model.inputs.slice(input * k, (input + 1) * k)).hidden[layer];
  for (let j = 0; j < H; j++) if (hidden[j] > 0) return false;
  return true;
}

/** "1 active feature", "2 active features". */
function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
