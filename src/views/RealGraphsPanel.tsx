/**
 * Real-model graphs (issue 17, SPEC §6): drop the circuit-tracer / Neuronpedia graphs of one
 * prompt made with a PLT and a CLT, and read their depth signatures side by side, with the toy
 * run's own signature on the same axes. Files are read in a worker and never leave the page.
 */
import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { depthCsv, type ShownGraph, type ToySignature } from '../core/realGraphs/csv.ts';
import type { GuessedKind } from '../core/realGraphs/kind.ts';
import { MAX_GRAPH_BYTES, MAX_GRAPH_LINKS } from '../core/realGraphs/parse.ts';
import { sharedModelData } from '../core/run.ts';
import { brief } from '../core/text.ts';
import { createGraphReader, type GraphReader } from '../state/realGraphs.ts';
import { useStore } from '../state/store.ts';
import { drawRealDepth, type GraphSeries, type RealDepthChart, type ToySeries } from './charts/realDepthChart.ts';
import { KIND_PALETTE } from './charts/lineChart.ts';
import { fmt } from './charts/tooltip.ts';
import { depthSampleSize, sampleInputs, useCumulativeRows } from './DepthView.tsx';
import { downloadBlob, downloadPng, downloadSvg } from './graphExport.ts';
import type { ViewProps } from './types.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';
import './views.css';
import './realGraphs.css';

interface Loaded extends ShownGraph {
  key: number;
}

interface Refused {
  name: string;
  message: string;
}

const KIND_LABEL: Record<GuessedKind, string> = { clt: 'CLT', plt: 'PLT' };
const UNSET_COLOUR = '#4b5563';

function graphSeries(g: Loaded, k: number): GraphSeries {
  const s = g.summary;
  return {
    name: `graph ${k + 1} · ${g.kind ? KIND_LABEL[g.kind] : 'kind not set'} · ${brief(s.file, 40)}`,
    colour: g.kind ? KIND_PALETTE[g.kind][0] : UNSET_COLOUR,
    dash: k === 1 ? '6 3' : undefined,
    layers: s.layers,
    circuit: s.circuit,
    direct: s.direct,
    features: s.features,
    meanPathLength: s.meanPathLength,
  };
}

/** The toy run's per-layer shares, from the cumulative the depth view computes. */
function toySignatures(rows: readonly { kind: GuessedKind; cumulative: number[] }[]): ToySignature[] {
  return rows.map((r) => ({ kind: r.kind, cumulative: r.cumulative, share: r.cumulative.map((v, l) => v - (l > 0 ? r.cumulative[l - 1] : 0)) }));
}

function Summary({ g, index, onKind, onRemove }: { g: Loaded; index: number; onKind: (k: GuessedKind | null) => void; onRemove: () => void }) {
  const s = g.summary;
  const pruning = s.pruning.node === null && s.pruning.edge === null ? 'not recorded' : `node ${s.pruning.node ?? '–'}, edge ${s.pruning.edge ?? '–'}`;
  return (
    <div className="real-graph-card" data-testid={`real-graph-${index}`}>
      <h3>
        graph {index + 1}: <span className="real-file">{s.file}</span>
      </h3>
      <dl>
        <dt>model</dt>
        <dd>{s.model}</dd>
        <dt>prompt</dt>
        <dd>
          <code>{brief(s.prompt, 120)}</code>
        </dd>
        <dt>target</dt>
        <dd>
          {brief(s.target.label, 60)} <span className="hint">({s.target.id})</span>
        </dd>
        <dt>transcoders</dt>
        <dd>{s.transcoderSet ?? 'not named'}</dd>
        <dt>size</dt>
        <dd data-testid={`real-size-${index}`}>
          {s.nodes.toLocaleString('en-US')} nodes ({s.featureNodes.toLocaleString('en-US')} features), {s.links.toLocaleString('en-US')} links,{' '}
          {s.layers} layers
        </dd>
        <dt>pruning</dt>
        <dd>{pruning}</dd>
        <dt>mean path length</dt>
        <dd data-testid={`real-mpl-value-${index}`} data-value={s.meanPathLength ?? ''}>
          {s.meanPathLength === null ? 'none (no positive link reaches the target)' : `${fmt(s.meanPathLength)} links`}
        </dd>
      </dl>
      <label className="field real-kind">
        <span>transcoder kind</span>
        <select data-testid={`real-kind-${index}`} value={g.kind ?? ''} onChange={(e) => onKind((e.target.value || null) as GuessedKind | null)}>
          <option value="">not set</option>
          <option value="plt">PLT (per-layer)</option>
          <option value="clt">CLT (cross-layer)</option>
        </select>
      </label>
      <p className="hint">
        Guess: {s.guess.kind ? KIND_LABEL[s.guess.kind] : 'none'}, since {s.guess.reason}. Every feature may be typed “cross layer
        transcoder” by Neuronpedia, so the type is not read.
      </p>
      <button type="button" className="real-remove" data-testid={`real-remove-${index}`} onClick={onRemove}>
        remove
      </button>
    </div>
  );
}

/** The chart: drawn by the d3 drawer into a box React owns, two panel columns when there is room. */
function Chart({ graphs, toy, onChart }: { graphs: readonly GraphSeries[]; toy: readonly ToySeries[]; onChart: (c: RealDepthChart | null) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const [wide, setWide] = useState(true);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWide(el.clientWidth >= 640));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    if (!box.current) return;
    const chart = drawRealDepth(box.current, graphs, toy, wide ? 760 : 380);
    onChart(chart);
    return () => {
      onChart(null);
      chart.destroy();
    };
  }, [graphs, toy, wide, onChart]);
  return <div className="chart-box real-depth-box" ref={box} />;
}

export function RealGraphsPanel({ model, config, layouts }: ViewProps) {
  const { snapshot, box } = useShownSnapshot(1000, 0, 930);
  const [loaded, setLoaded] = useState<Loaded[]>([]);
  const [refused, setRefused] = useState<Refused[]>([]);
  const [reading, setReading] = useState<string[]>([]);
  const [exportNote, setExportNote] = useState('');
  const [dragging, setDragging] = useState(false);
  const client = useRef<GraphReader | null>(null);
  const chart = useRef<RealDepthChart | null>(null);
  const keys = useRef(0);
  useEffect(() => () => client.current?.dispose(), []);

  const read = async (list: readonly File[]): Promise<void> => {
    if (list.length === 0) return;
    const files = list.slice(0, 2);
    const dropped: Refused[] = list.slice(2).map((f) => ({ name: f.name, message: 'left out: two graphs at most are compared' }));
    client.current ??= createGraphReader();
    const reader = client.current;
    setReading(files.map((f) => f.name));
    const results = await Promise.all(files.map((f) => reader.summarize(f, f.name)));
    setReading([]);
    const fresh: Loaded[] = [];
    const bad: Refused[] = [];
    results.forEach((r, i) => {
      if (r.ok) fresh.push({ key: ++keys.current, summary: r.value, kind: r.value.guess.kind });
      else bad.push({ name: files[i].name, message: r.message });
    });
    setRefused([...bad, ...dropped]);
    // Two good files replace what was shown; one joins the graph shown last.
    if (fresh.length > 0) setLoaded((prev) => [...prev, ...fresh].slice(-2));
  };

  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    e.preventDefault();
    setDragging(false);
    void read(Array.from(e.dataTransfer.files));
  };

  // The toy's signature needs attribution graphs: computed only while graphs are shown, and not while training streams.
  const training = useStore((s) => s.status === 'training' && s.scrubStep === null);
  // The data the transcoders trained on, under the run's layout (SPEC §2), as in the depth view.
  const dataLayout = useStore((s) => s.config.layout);
  const data = useMemo(() => sharedModelData(model, dataLayout), [model, dataLayout]);
  const inputs = useMemo(() => sampleInputs(model.n, depthSampleSize(model.n, config.features)), [model, config.features]);
  // The depth view's rows of the same snapshot, computed once for both, in slices.
  const rows = useCumulativeRows(loaded.length > 0 && !training ? snapshot : null, layouts, model, data, inputs);
  const toyRows = useMemo(() => toySignatures(rows.filter((r): r is typeof r & { kind: GuessedKind } => r.kind !== 'real')), [rows]);
  const graphs = useMemo(() => loaded.map(graphSeries), [loaded]);
  const toy = useMemo<ToySeries[]>(
    () => toyRows.map((t) => ({
      name: `toy ${KIND_LABEL[t.kind]} (this page's run, step ${snapshot?.step ?? 0})`,
      kind: t.kind,
      colour: KIND_PALETTE[t.kind][1],
      signature: t,
    })),
    [toyRows, snapshot?.step],
  );
  const onChart = useMemo(() => (c: RealDepthChart | null) => void (chart.current = c), []);

  const setKind = (key: number, kind: GuessedKind | null): void => setLoaded((prev) => prev.map((g) => (g.key === key ? { ...g, kind } : g)));
  const exportSvg = (): void => {
    if (chart.current) downloadSvg(chart.current.svg(), 'real-depth.svg');
  };
  const exportPng = async (): Promise<void> => {
    if (!chart.current) return;
    const problem = await downloadPng(chart.current.svg(), 'real-depth.png');
    setExportNote(problem ? `PNG not saved: ${problem}` : '');
  };
  const exportCsv = (): void => downloadBlob(new Blob([depthCsv(loaded, toyRows)], { type: 'text/csv' }), 'real-depth.csv');

  return (
    <section ref={box} className="panel view real-graphs" data-testid="real-graphs" aria-label="Real-model graphs">
      <h2>Real-model graphs: does a real CLT also work in the first layers?</h2>
      <p className="view-caption">
        Drop one or two attribution graphs of the same prompt, made with circuit-tracer or exported from Neuronpedia (or by this
        page&apos;s graph view): one from per-layer transcoders, one from a cross-layer transcoder. They are read on this computer and
        sent nowhere. JSON up to {MAX_GRAPH_BYTES / 1e6} MB and {MAX_GRAPH_LINKS.toLocaleString('en-US')} links.
      </p>
      <div
        className={`real-drop${dragging ? ' real-drop-over' : ''}`}
        data-testid="real-graphs-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label className="field">
          <span>graph JSON files (one or two; or drop them here)</span>
          <input
            type="file"
            accept=".json,application/json"
            multiple
            data-testid="real-graphs-upload"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              void read(files);
            }}
          />
        </label>
        {reading.length > 0 && (
          <p className="hint" role="status" data-testid="real-graphs-reading">
            reading {reading.join(', ')}…
          </p>
        )}
      </div>
      {refused.length > 0 && (
        <div role="alert" data-testid="real-graphs-refused">
          <ul className="real-refused">
            {refused.map((r, i) => (
              <li key={i} data-testid={`real-refused-${i}`}>
                <b>{brief(r.name, 60)}</b> was not read: {r.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {loaded.length > 0 && (
        <>
          <div className="real-cards">
            {loaded.map((g, k) => (
              <Summary key={g.key} g={g} index={k} onKind={(kind) => setKind(g.key, kind)} onRemove={() => setLoaded((prev) => prev.filter((x) => x.key !== g.key))} />
            ))}
          </div>
          <Chart graphs={graphs} toy={toy} onChart={onChart} />
          <div className="real-exports">
            <span className="hint">save the chart:</span>
            <button type="button" data-testid="real-export-svg" onClick={exportSvg}>SVG</button>
            <button type="button" data-testid="real-export-png" onClick={() => void exportPng()}>PNG</button>
            <button type="button" data-testid="real-export-csv" onClick={exportCsv}>CSV</button>
            {exportNote && <span className="hint" role="status">{exportNote}</span>}
          </div>
          <p className="view-caption">
            x: each layer as a share of its model&apos;s depth, layer / (layers − 1), so graphs of different depths and the toy&apos;s
            2 layers share one axis. The circuit signature (the write-up&apos;s Figure 6) is the running share of all positive
            attribution carried by links out of features, by the source feature&apos;s layer; the direct signature counts only the
            links into the target logit. Error and embedding nodes are not features. The mean path length averages the length of
            every path into the target over positive links, each path weighted by the product of its links&apos; weights normalized
            at each node. On the write-up&apos;s claim, a CLT&apos;s curve climbs early while a PLT&apos;s grows about linearly.
          </p>
          <p className="view-caption" data-testid="real-toy-note">
            {toy.length > 0
              ? `Square marks, dotted: this page's toy run (${model.name}) at step ${snapshot?.step ?? 0}, the running share of its features' positive attribution into the output, pooled over ${inputs.length} inputs as in the depth view.`
              : "The toy run's own signature is drawn here when training pauses or ends."}
          </p>
        </>
      )}
    </section>
  );
}
