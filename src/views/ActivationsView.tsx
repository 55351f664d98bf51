/** Feature activations of every transcoder on all inputs: features × inputs heatmaps per kind and layer. */
import { useMemo, useState } from 'react';
import type { TranscoderKind } from '../core/config.ts';
import { inputLabel, outputClasses } from '../core/model/baseModel.ts';
import { cleanForward } from '../core/run.ts';
import type { TranscoderSnapshot } from '../core/snapshot.ts';
import type { Layout } from '../core/transcoder/layout.ts';
import type { HeatmapOptions } from './charts/heatmap.ts';
import { fmt } from './charts/tooltip.ts';
import type { ViewProps } from './types.ts';
import { memberFireCounts, memberInputs, rowOf, sampleWords } from './shownInputs.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';
import {
  DeadLayerNote,
  featureLabel,
  HeatmapBox,
  highlightedRow,
  KIND_LABEL,
  shownFeatures,
} from './WeightsView.tsx';
import './heatmaps.css';

interface LayerActs {
  layer: number;
  features: number[];
  alive: number;
  /** On how many of all N inputs each feature fires. */
  counts: Int32Array;
  /** features.length × S (the shown inputs), row-major. */
  values: Float64Array;
}

interface MemberActs {
  kind: TranscoderKind;
  layout: Layout;
  layers: LayerActs[];
}

/**
 * Transposes each layer's S × F activations (S: the inputs the snapshot carries) into
 * shown-features × S rows, and finds the largest activation. Alive counts read `fires` (all inputs).
 */
function gather(members: readonly TranscoderSnapshot[], layouts: readonly Layout[], n: number, aliveOnly: boolean) {
  let max = 0;
  const shown = members.length > 0 ? memberInputs(members[0], n) : memberInputs({ acts: new Float64Array(0) } as TranscoderSnapshot, n);
  const S = shown.rows.length;
  const out: MemberActs[] = members.map((m, k) => {
    // The lane holds only the current run's snapshots, so each member fits its layout.
    const layout = layouts[k];
    const F = layout.features;
    const layers = memberFireCounts(m, layout, n).map((c, l): LayerActs => {
      const features = shownFeatures(c, aliveOnly);
      const values = new Float64Array(features.length * S);
      if (shown.kept && m.acts.length >= (l + 1) * S * F) {
        features.forEach((f, r) => {
          for (let i = 0; i < S; i++) values[r * S + i] = m.acts[l * S * F + i * F + f];
        });
      }
      for (const v of values) max = Math.max(max, v);
      return { layer: l, features, alive: c.reduce((s, x) => s + (x > 0 ? 1 : 0), 0), counts: c, values };
    });
    return { kind: m.kind, layout, layers };
  });
  return { members: out, max: max || 1, shown };
}

/** Activation heatmaps per kind and layer; columns are the inputs, labelled by their signs and the model's answer. */
export function ActivationsView({ model, layouts, highlight, onHighlight }: ViewProps) {
  const { snapshot, box } = useShownSnapshot(1000, 1, 370);
  const [aliveOnly, setAliveOnly] = useState(true);
  const n = model.n;
  const data = useMemo(
    () => (snapshot ? gather(snapshot.members, layouts, n, aliveOnly) : null),
    [snapshot, layouts, n, aliveOnly],
  );
  const rows = data?.shown.kept ? data.shown.rows : null;
  const truthAll = useMemo(() => outputClasses(model, cleanForward(model).resid), [model]);
  // Labels for the inputs the snapshot carries only (all of them up to 8-input models).
  const inputs = useMemo(() => {
    const list = rows ?? new Int32Array(0);
    return {
      labels: Array.from(list, (i) => inputLabel(model, i)),
      truth: Array.from(list, (i) => (truthAll[i] ? 'TRUE' : 'FALSE')),
    };
  }, [model, rows, truthAll]);
  const cols = rows?.length ?? 0;
  const sampled = data !== null && data.shown.kept && !data.shown.all;
  const inputNames = model.inputDims.map((d) => model.dimNames[d]).join(' ');

  const layerOpts = (kind: TranscoderKind, la: LayerActs, max: number): HeatmapOptions => ({
    values: la.values,
    rows: la.features.length,
    cols,
    rowLabels: la.features.map((f) => featureLabel(la.layer, f)),
    colLabels: inputs.labels,
    colSubLabels: inputs.truth,
    stackColLabels: true,
    stackKeys: model.inputDims.map((d) => model.dimNames[d]),
    colour: 'sequential',
    domain: [0, max],
    title: `${KIND_LABEL[kind]} layer ${la.layer} activations`,
    xTitle: 'input: signs, then the model output',
    yTitle: 'feature',
    highlightRow: highlightedRow(highlight, kind, la.layer, la.features),
    highlightCol: rows ? rowOf(rows, highlight.input) : null,
    onHover: (r, c) =>
      onHighlight({ input: c === null || !rows ? null : rows[c], feature: r === null ? null : { kind, layer: la.layer, index: la.features[r] } }),
    cellTitle: (r, c) => {
      const f = la.features[r];
      return [
        `${KIND_LABEL[kind]} layer ${la.layer}`,
        `input ${rows ? rows[c] : c}: ${inputNames} = ${inputs.labels[c]}, model says ${inputs.truth[c]}`,
        `feature ${featureLabel(la.layer, f)} (fires on ${la.counts[f]} of ${n} inputs)`,
        `activation ${fmt(la.values[r * cols + c])}`,
      ];
    },
    width: 330,
  });

  return (
    <section ref={box} className="view view-activations heatmaps" data-testid="view-activations">
      <header className="heatmaps-head">
        <h2>Feature activations on every input</h2>
        <label className="alive-toggle">
          <input
            type="checkbox"
            checked={aliveOnly}
            onChange={(e) => setAliveOnly(e.target.checked)}
            data-testid="activations-alive-only"
          />{' '}
          alive features only
        </label>
      </header>
      <p className="view-caption heatmaps-caption">
        Rows are features, columns the {n} inputs by the signs of {inputNames}, with the model&apos;s answer
        (TRUE where the output exceeds 0.5). White is 0 (not firing); one colour scale for every heatmap.
      </p>
      {sampled && (
        <p className="view-caption heatmaps-sampled" data-testid="activations-sampled">
          Showing {sampleWords(cols, n)}: a fixed sample, the same on every step (the page draws at most {cols}). Alive
          counts and &ldquo;fires on&rdquo; are over all {n.toLocaleString('en-US')} inputs.
        </p>
      )}
      {data === null ? (
        <p className="view-waiting">waiting for the first snapshot</p>
      ) : !data.shown.kept ? (
        <p className="view-waiting" data-testid="activations-not-kept">
          Activations are not kept for step {snapshot?.step}: this run is too big to keep them on every history step. Scrub to
          the end (or press play) to see the latest ones.
        </p>
      ) : (
        <div className="heatmap-kinds">
          {data.members.map((ma) => (
            <div key={ma.kind} className={`heatmap-kind kind-${ma.kind}`} data-kind={ma.kind}>
              <h3>{KIND_LABEL[ma.kind]}</h3>
              <div className="heatmap-row">
                {ma.layers.map((la) => (
                  <div key={la.layer} className="heatmap-layer">
                    <h4>
                      Layer {la.layer}: {la.alive} of {ma.layout.features} features alive
                    </h4>
                    {la.alive === 0 && (
                      <DeadLayerNote kind={ma.kind} layer={la.layer} n={n} testId={`activations-dead-${ma.kind}-${la.layer}`} />
                    )}
                    {la.features.length > 0 && <HeatmapBox opts={layerOpts(ma.kind, la, data.max)} />}
                  </div>
                ))}
              </div>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
