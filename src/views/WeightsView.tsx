/** Encoder and decoder weights of every transcoder as diverging heatmaps: features × residual dims. */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { TranscoderKind } from '../core/config.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import { cleanForward } from '../core/run.ts';
import type { TranscoderSnapshot } from '../core/snapshot.ts';
import { thresholdOf, type Layout } from '../core/transcoder/layout.ts';
import { drawHeatmap, type HeatmapHandle, type HeatmapOptions } from './charts/heatmap.ts';
import { fmt } from './charts/tooltip.ts';
import { NO_HIGHLIGHT, type Highlight } from '../state/highlight.ts';
import type { ViewProps } from './types.ts';
import { memberFireCounts } from './shownInputs.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';
import { inOwnTask } from './taskQueue.ts';
import './heatmaps.css';

export const KIND_LABEL: Record<TranscoderKind, string> = { clt: 'CLT', plt: 'PLT' };

/** Feature f of layer l as every view writes it, e.g. "L0·f3". */
export function featureLabel(layer: number, f: number): string {
  return `L${layer}·f${f}`;
}

/** Per layer, on how many of the n inputs each feature fires (acts are L × N × F). */
export function fireCounts(acts: Float64Array, layout: Layout, n: number): Int32Array[] {
  const F = layout.features;
  const out: Int32Array[] = [];
  for (let l = 0; l < layout.layers; l++) {
    const c = new Int32Array(F);
    for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) if (acts[l * n * F + i * F + f] > 0) c[f]++;
    out.push(c);
  }
  return out;
}

/** The features a heatmap shows: every one, or only those that fire on some input. */
export function shownFeatures(counts: Int32Array, aliveOnly: boolean): number[] {
  const out: number[] = [];
  for (let f = 0; f < counts.length; f++) if (!aliveOnly || counts[f] > 0) out.push(f);
  return out;
}

/** The heatmap row of the highlighted feature, when it belongs to this kind and layer and is shown. */
export function highlightedRow(h: Highlight, kind: TranscoderKind, layer: number, features: readonly number[]): number | null {
  if (!h.feature || h.feature.kind !== kind || h.feature.layer !== layer) return null;
  const r = features.indexOf(h.feature.index);
  return r < 0 ? null : r;
}

/** One d3 heatmap owned by React: rebuilt when its shape changes, recoloured when its values do. */
export function HeatmapBox({ opts, testId }: { opts: HeatmapOptions; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const handle = useRef<HeatmapHandle | null>(null);
  const latest = useRef(opts);
  useLayoutEffect(() => {
    latest.current = opts;
  });
  const shape = [opts.rows, opts.cols, opts.rowLabels.join(), opts.colLabels.join(), opts.colSubLabels?.join() ?? '', opts.colour, opts.title, opts.width ?? 0].join('|');
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let h: HeatmapHandle | null = null;
    // Each heatmap builds in a task of its own: a commit that reshapes several never builds them all in one task.
    const cancel = inOwnTask(() => {
      // Callbacks go through `latest` so new closures never force a rebuild.
      h = drawHeatmap(el, {
        ...latest.current,
        onHover: (r, c) => latest.current.onHover?.(r, c),
        cellTitle: (r, c) => latest.current.cellTitle(r, c),
      });
      handle.current = h;
    });
    return () => {
      cancel();
      h?.destroy();
      handle.current = null;
    };
  }, [shape]);
  const [d0, d1] = opts.domain ?? [NaN, NaN];
  useEffect(() => {
    handle.current?.update(opts.values, Number.isNaN(d0) ? undefined : [d0, d1]);
  }, [opts.values, d0, d1, shape]);
  useEffect(() => {
    handle.current?.setHighlight(opts.highlightRow ?? null, opts.highlightCol ?? null);
  }, [opts.highlightRow, opts.highlightCol, shape]);
  return <div className="heatmap-box" ref={ref} data-testid={testId} />;
}

/** Where a layer has no alive feature: for a CLT this is the collapse the lab is about. */
export function DeadLayerNote({ kind, layer, n, testId }: { kind: TranscoderKind; layer: number; n: number; testId: string }) {
  const why =
    kind === 'clt' && layer > 0
      ? `the CLT skips layer ${layer}: its output is written by earlier layers' features through cross-layer decoders.`
      : `the ${KIND_LABEL[kind]} reconstructs layer ${layer}'s MLP output with its decoder bias alone.`;
  return (
    <p className="dead-note" data-testid={testId}>
      <strong>No alive features in layer {layer}</strong>: no {KIND_LABEL[kind]} layer-{layer} feature fires on any of the {n}{' '}
      inputs, so {why}
    </p>
  );
}

/** Per layer, 1 for residual dims that are constant at that layer's MLP input: standardized to 0, their encoder weights never train. */
function constantInputs(model: BaseModel): Uint8Array[] {
  const fwd = cleanForward(model);
  const D = model.dims;
  return fwd.mlpIn.map((x) => {
    const out = new Uint8Array(D);
    for (let d = 0; d < D; d++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < fwd.n; i++) {
        lo = Math.min(lo, x[i * D + d]);
        hi = Math.max(hi, x[i * D + d]);
      }
      out[d] = hi - lo < 1e-9 ? 1 : 0;
    }
    return out;
  });
}

interface Matrix {
  title: string;
  /** Source layer (the rows' features) and, for decoders, the target layer. */
  source: number;
  target: number | null;
  /** Offset of the F × D (decoder) or D × F (encoder) block in params. */
  offset: number;
  values: Float64Array;
}

interface LayerWeights {
  layer: number;
  features: number[];
  alive: number;
  counts: Int32Array;
  matrices: Matrix[];
}

interface MemberWeights {
  kind: TranscoderKind;
  member: TranscoderSnapshot;
  layout: Layout;
  layers: LayerWeights[];
}

/** Gathers the shown rows of every encoder and decoder, and the largest |weight| of each group for shared scales. */
function gather(members: readonly TranscoderSnapshot[], layouts: readonly Layout[], n: number, aliveOnly: boolean) {
  let encMax = 0;
  let decMax = 0;
  const out: MemberWeights[] = members.map((m, k) => {
    // The lane holds only the current run's snapshots, so each member fits its layout.
    const layout = layouts[k];
    const { features: F, dims: D } = layout;
    const counts = memberFireCounts(m, layout, n);
    const layers = counts.map((c, l): LayerWeights => {
      const features = shownFeatures(c, aliveOnly);
      const enc = new Float64Array(features.length * D);
      features.forEach((f, r) => {
        for (let d = 0; d < D; d++) enc[r * D + d] = m.params[layout.wEnc[l] + d * F + f];
      });
      for (const v of enc) encMax = Math.max(encMax, Math.abs(v));
      const matrices: Matrix[] = [{ title: `encoder L${l}`, source: l, target: null, offset: layout.wEnc[l], values: enc }];
      layout.pairs.forEach((p, q) => {
        if (p.source !== l) return;
        const dec = new Float64Array(features.length * D);
        features.forEach((f, r) => dec.set(m.params.subarray(layout.wDec[q] + f * D, layout.wDec[q] + (f + 1) * D), r * D));
        for (const v of dec) decMax = Math.max(decMax, Math.abs(v));
        matrices.push({ title: `decoder L${p.source} → L${p.target}`, source: p.source, target: p.target, offset: layout.wDec[q], values: dec });
      });
      return { layer: l, features, alive: c.reduce((s, x) => s + (x > 0 ? 1 : 0), 0), counts: c, matrices };
    });
    return { kind: m.kind, member: m, layout, layers };
  });
  return { members: out, encMax: encMax || 1, decMax: decMax || 1 };
}

/** Encoder and decoder weight heatmaps of every transcoder in the snapshot, CLT and PLT side by side. */
export function WeightsView({ model, layouts, highlight, onHighlight }: ViewProps) {
  const { snapshot, box } = useShownSnapshot(1000, 0, 120);
  const [aliveOnly, setAliveOnly] = useState(true);
  const constant = useMemo(() => constantInputs(model), [model]);
  const n = model.n;
  const data = useMemo(
    () => (snapshot ? gather(snapshot.members, layouts, n, aliveOnly) : null),
    [snapshot, layouts, n, aliveOnly],
  );

  const matrixOpts = (mw: MemberWeights, lw: LayerWeights, mx: Matrix, max: number): HeatmapOptions => {
    const { kind, member, layout } = mw;
    const F = layout.features;
    const isEnc = mx.target === null;
    return {
      values: mx.values,
      rows: lw.features.length,
      cols: layout.dims,
      rowLabels: lw.features.map((f) => featureLabel(lw.layer, f)),
      colLabels: model.dimNames,
      mutedCols: isEnc ? constant[lw.layer] : undefined,
      colour: 'diverging',
      domain: [-max, max],
      title: `${KIND_LABEL[kind]} ${mx.title}`,
      xTitle: isEnc ? 'reads residual dim' : `writes dim (layer ${mx.target} output)`,
      yTitle: 'feature',
      highlightRow: highlightedRow(highlight, kind, lw.layer, lw.features),
      onHover: (r) => onHighlight(r === null ? NO_HIGHLIGHT : { input: null, feature: { kind, layer: lw.layer, index: lw.features[r] } }),
      cellTitle: (r, c) => {
        const f = lw.features[r];
        const lines = [
          `${KIND_LABEL[kind]} ${mx.title}`,
          `feature ${featureLabel(lw.layer, f)} (fires on ${lw.counts[f]} of ${n} inputs)`,
          `dim ${model.dimNames[c]}`,
          `weight ${fmt(member.params[isEnc ? mx.offset + c * F + f : mx.offset + f * layout.dims + c])}`,
        ];
        if (isEnc) {
          lines.push(`threshold θ ${fmt(thresholdOf(layout, member.params[layout.logTheta[lw.layer] + f]))}`);
          if (constant[lw.layer][c]) lines.push(`dim ${model.dimNames[c]} is constant here: this weight never trains`);
        }
        return lines;
      },
      width: 240,
    };
  };

  return (
    <section ref={box} className="view view-weights heatmaps" data-testid="view-weights">
      <header className="heatmaps-head">
        <h2>Encoder and decoder weights</h2>
        <label className="alive-toggle">
          <input type="checkbox" checked={aliveOnly} onChange={(e) => setAliveOnly(e.target.checked)} data-testid="weights-alive-only" />{' '}
          alive features only
        </label>
      </header>
      <p className="view-caption heatmaps-caption">
        Rows are features, columns the residual dims {model.dimNames.join(' ')}; weights act in standardized units. Red is
        positive, blue negative; one colour scale for all encoders, one for all decoders. Faded columns are dims that are
        constant at that layer&apos;s input.
      </p>
      {data === null || snapshot === null ? (
        <p className="view-waiting">waiting for the first snapshot</p>
      ) : snapshot.members.some((m) => m.params.length === 0) ? (
        <p className="view-waiting" data-testid="weights-not-kept">
          The weights are not kept for step {snapshot.step}: this run is too big to keep them on every history step. Scrub to a
          nearby step, or to the end, to see them.
        </p>
      ) : (
        <div className="heatmap-kinds">
          {data.members.map((mw) => (
            <div key={mw.kind} className={`heatmap-kind kind-${mw.kind}`} data-kind={mw.kind}>
              <h3>{KIND_LABEL[mw.kind]}</h3>
              {mw.layers.map((lw) => (
                  <div key={lw.layer} className="heatmap-layer">
                    <h4>
                      Layer {lw.layer}: {lw.alive} of {mw.layout.features} features alive
                    </h4>
                    {lw.alive === 0 && <DeadLayerNote kind={mw.kind} layer={lw.layer} n={n} testId={`weights-dead-${mw.kind}-${lw.layer}`} />}
                    {lw.features.length > 0 && (
                      <div className="heatmap-row">
                        {lw.matrices.map((mx) => (
                          <HeatmapBox key={mx.title} opts={matrixOpts(mw, lw, mx, mx.target === null ? data.encMax : data.decMax)} />
                        ))}
                      </div>
                    )}
                  </div>
                ))}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
