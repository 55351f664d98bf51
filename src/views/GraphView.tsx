/**
 * Attribution graphs (SPEC §5) of the real model, the CLT and the PLT side by side for one
 * input, on shared scales, under the current cuts, ablations and decoder blocks switched off,
 * and the comparison of where each one's output attribution comes through.
 */
import { startTransition, useEffect, useMemo, useRef, useState } from 'react';
import type { TranscoderKind } from '../core/config.ts';
import type { AnalysisMember, GraphAnalysisInput, ShownAnalysis } from '../core/attribution/graphAnalysis.ts';
import { inputLabel, outputClasses } from '../core/model/baseModel.ts';
import { cleanForward } from '../core/run.ts';
import type { Result } from '../core/result.ts';
import { shownInputs } from '../core/snapshot.ts';
import { graphAnalyzer } from '../state/graphAnalysis.ts';
import { snapshotLane } from '../state/snapshots.ts';
import { useStore } from '../state/store.ts';
import { defaultGraphState, useGraphStore, type ClickMode } from '../state/graphStore.ts';
import type { GraphScale } from './charts/graphDrawer.ts';
import { GraphPanel } from './GraphPanel.tsx';
import { RealGraphPanel } from './RealGraphPanel.tsx';
import { RoutesTable } from './RoutesTable.tsx';
import { sampleWords } from './shownInputs.ts';
import type { ViewProps } from './types.ts';
import { useReactTick, useShownSnapshot } from './useSnapshotDrawer.ts';
import './graph.css';

/** The analyzer's newest answer, with the request it answers. */
interface Answer {
  input: GraphAnalysisInput;
  result: Result<ShownAnalysis>;
}

const analyzer = graphAnalyzer();

/**
 * Sends each request to the graph-analysis worker and keeps the newest answer that belongs to
 * the current model (an answer for a model the page has left is never shown with the new one).
 * While a run streams, an answer waits for the React views' next tick and commits with them;
 * otherwise (paused, done, scrubbed, a click) it shows at once.
 */
function useGraphAnalysis(request: GraphAnalysisInput): Answer | null {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const held = useRef<Answer | null>(null);
  useEffect(() => {
    analyzer.analyze(request, (result) => {
      const lane = snapshotLane.getState();
      if (lane.training && lane.scrubStep === null) held.current = { input: request, result };
      else startTransition(() => setAnswer({ input: request, result }));
    });
  }, [request]);
  useReactTick(() => {
    const next = held.current;
    held.current = null;
    if (next) startTransition(() => setAnswer(next));
  });
  useEffect(() => () => analyzer.cancel(), []);
  return answer && answer.input.model === request.model && answer.input.dataLayout === request.dataLayout ? answer : null;
}

const ORDER: Record<TranscoderKind, number> = { clt: 0, plt: 1 };

export function GraphView({ model, config, layouts, onHighlight }: ViewProps) {
  // Attribution graphs of wide transcoders are costly to rebuild: at most once a second then, between the heatmaps' turns.
  const { snapshot, box } = useShownSnapshot(config.features > 64 ? 1000 : 500, 1, 200);
  const setConfig = useStore((s) => s.setConfig);
  const featureAblations = useStore((s) => s.featureAblations);
  const pairsOff = useStore((s) => s.pairsOff);
  const neuronAblations = useStore((s) => s.neuronAblations);
  const threshold = useGraphStore((s) => s.threshold);
  const clickMode = useGraphStore((s) => s.clickMode);
  const pinnedOnly = useGraphStore((s) => s.pinnedOnly);
  const { setThreshold, setClickMode, setPinnedOnly, replaceGraphState } = useGraphStore.getState();

  // Under the write-up's layout the transcoders trained on re-arranged data (SPEC §2).
  const dataLayout = useStore((s) => s.config.layout);
  const truth = useMemo(() => outputClasses(model, cleanForward(model).resid), [model]);
  const input = Math.min(model.n - 1, Math.max(0, Math.round(config.input) || 0));
  // Every input up to 8-input models; above, the snapshots' fixed sample (and the chosen input): a graph needs only the parameters.
  const sample = useMemo(() => shownInputs(model.n), [model]);
  const pickable = useMemo(() => {
    const list = sample ? Array.from(sample) : Array.from({ length: model.n }, (_, n) => n);
    return list.includes(input) ? list : [...list, input].sort((a, b) => a - b);
  }, [sample, model, input]);

  // A snapshot from before a config change can outlive its layout for a moment: skip it then.
  const members = useMemo<AnalysisMember[]>(() => {
    if (!snapshot) return [];
    const list = snapshot.members.flatMap((m, k) => {
      const layout = layouts[k];
      return layout && m.params.length === layout.size && layout.dims === model.dims ? [{ kind: m.kind, layout, params: m.params }] : [];
    });
    return list.sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  }, [snapshot, layouts, model]);
  // The graphs are computed in the graph-analysis worker; the view shows the newest answer for this model.
  const request = useMemo<GraphAnalysisInput>(
    () => ({ model, dataLayout, members, input, cuts: config.cuts, featureAblations, pairsOff, neuronAblations, threshold }),
    [model, dataLayout, members, input, config.cuts, featureAblations, pairsOff, neuronAblations, threshold],
  );
  const answer = useGraphAnalysis(request);
  const analysis = answer?.result.ok ? answer.result.value : null;
  const analyzed = answer?.result.ok ? answer.input.members : [];
  const real = analysis?.real ?? null;
  const graphs = analysis && analysis.graphs.length > 0 ? analysis.graphs : null;
  const scale = analysis?.scale ?? NO_SCALE;

  return (
    <section ref={box} className="panel wide graph-view" data-testid="view-graphs" aria-label="Attribution graphs">
      <h2>Attribution graphs: which story does each replacement tell?</h2>
      <p className="hint">
        Each graph is its replacement model linearized at one input: inputs at the bottom, each layer's active features
        above, the output on top. An edge is the direct effect of one node on another; diamonds are error nodes (what the
        transcoder misses). The real model&apos;s own graph follows them on the same rows and scales: the ground truth. Hover for exact values; click a node (or Tab to it and press Enter) for its strongest inputs and
        outputs, shift-click (Shift+Enter) several to group them; Esc closes the card. Under each feature, the residual dims its decoder writes
        (&quot;writes e, g&quot;: dims whose un-standardized decoder weight is at least half its largest) and, in green, the
        real model&apos;s neuron or value its activation tracks (&quot;≈ e&quot;), only where the correlation is r ≥ 0.9.
      </p>
      <div className="graph-controls">
        <label className="field">
          input
          <select data-testid="input" value={input} onChange={(e) => setConfig({ input: Number(e.target.value) })}>
            {pickable.map((n) => (
              <option key={n} value={n}>
                {n}: {inputLabel(model, n)} → {truth[n] ? 'TRUE' : 'FALSE'}
              </option>
            ))}
          </select>
        </label>
        {sample && (
          <span className="hint" data-testid="input-sampled">
            the list offers {sampleWords(pickable.length, model.n)} (the snapshots&apos; fixed sample); a graph needs only the
            parameters, so any input a link names is drawn
          </span>
        )}
        <label className="field">
          prune edges below {threshold.toFixed(2)} × strongest into each node
          <input
            data-testid="graph-threshold"
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={threshold}
            aria-valuetext={threshold.toFixed(2)}
            onChange={(e) => setThreshold(Number(e.target.value))}
          />
        </label>
        <label className="field">
          a click on a feature
          <select data-testid="graph-click-mode" value={clickMode} onChange={(e) => setClickMode(e.target.value as ClickMode)}>
            <option value="inspect">inspects it</option>
            <option value="ablate">ablates / restores it</option>
          </select>
        </label>
        <label className="graph-check">
          <input data-testid="graph-pinned-only" type="checkbox" checked={pinnedOnly} onChange={(e) => setPinnedOnly(e.target.checked)} /> show pinned only
        </label>
        <button data-testid="graph-reset" onClick={() => replaceGraphState(defaultGraphState())} title="forget pins, hidden nodes, groups and labels">
          reset graph view
        </button>
      </div>
      {/* The two stories first, side by side; the ground truth follows on the same scales (issue 16: "beside them, or just below"). */}
      <div className="graph-pair">
        {answer && !answer.result.ok ? (
          <p className="error" role="alert" data-testid="graph-error">
            The graphs could not be computed: {answer.result.message}
          </p>
        ) : !graphs || !analysis ? (
          <p className="empty">{members.length > 0 ? 'computing the graphs…' : 'waiting for the first snapshot'}</p>
        ) : (
          graphs.map((g, k) => (
            <GraphPanel
              key={analyzed[k].kind}
              kind={analyzed[k].kind}
              model={model}
              graph={g}
              matches={analysis.matches[k]}
              writes={analysis.writes[k]}
              pruned={analysis.threshold === threshold ? analysis.pruned[k] : null}
              scale={scale}
              onHighlight={onHighlight}
            />
          ))
        )}
        {real && <RealGraphPanel model={model} graph={real} scale={scale} onHighlight={onHighlight} />}
      </div>
      {analyzer.onPage && (
        <p className="hint" data-testid="graph-on-page">
          The graphs are computed on the page ({analyzer.onPage}): the page may pause while they are.
        </p>
      )}
      {real && (
        <RoutesTable
          layers={model.layers.length}
          columns={[
            { key: 'real', name: 'real model', graph: real, routes: analysis?.realRoutes },
            ...(graphs ? graphs.map((g, k) => ({ key: analyzed[k].kind, name: analyzed[k].kind.toUpperCase(), graph: g, routes: analysis?.routes[k] })) : []),
          ]}
        />
      )}
    </section>
  );
}

/** Before the first answer: nothing to scale. */
const NO_SCALE: GraphScale = { value: 0, attribution: 0, weight: 0 };
