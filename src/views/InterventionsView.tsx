/**
 * What the current interventions change, and who follows (SPEC §4): first the changed set of
 * the real model and how many of those inputs each replacement follows, then what was applied
 * to whom, all-input agreement (secondary), the per-input table, woke features, and the
 * interchange-patch picker.
 */
import { useMemo } from 'react';
import { interventionReport } from '../core/metrics/interventionReport.ts';
import { inputLabel } from '../core/model/baseModel.ts';
import { sharedModelData } from '../core/run.ts';
import { shownInputs } from '../core/snapshot.ts';
import { useStore } from '../state/store.ts';
import type { ViewProps } from './types.ts';
import { REACT_TICK_MS, useShownSnapshot } from './useSnapshotDrawer.ts';
import { fmt } from './charts/tooltip.ts';
import { appliedLines, recallText, wokeSentence } from './interventionText.ts';
import { PatchPanel } from './PatchPanel.tsx';
import { sampleWords } from './shownInputs.ts';
import './interventions.css';

export function InterventionsView({ model, config, layouts, highlight, onHighlight }: ViewProps) {
  // Updated out of sight too: the tour and a restored, scrubbed experiment read its numbers. Its
  // first numbers lay out in a frame of their own.
  const { snapshot } = useShownSnapshot(REACT_TICK_MS, 0, 0, true);
  const featureAblations = useStore((s) => s.featureAblations);
  const pairsOff = useStore((s) => s.pairsOff);
  const neuronAblations = useStore((s) => s.neuronAblations);
  const togglePairOff = useStore((s) => s.togglePairOff);
  const toggleNeuron = useStore((s) => s.toggleNeuronAblation);
  const toggleFeature = useStore((s) => s.toggleFeatureAblation);
  const clear = useStore((s) => s.clearInterventions);
  // Under the write-up's layout the transcoders trained on re-arranged data (SPEC §2).
  const dataLayout = useStore((s) => s.config.layout);
  const data = useMemo(() => sharedModelData(model, dataLayout), [model, dataLayout]);

  const N = model.n;
  // The report and its per-input table cover every input up to 8-input models, else the snapshots' fixed sample (row j is input tableInputs[j]).
  const tableInputs = useMemo(() => {
    const sample = shownInputs(model.n);
    return sample ? Array.from(sample) : Array.from({ length: model.n }, (_, n) => n);
  }, [model]);
  const tableSampled = tableInputs.length < N;
  // Above 8-input models the report runs on the sample only: a few replacement runs over 4,096 inputs would block the page.
  const reportInputs = useMemo(() => {
    if (!tableSampled) return model.inputs;
    const k = model.inputDims.length;
    const out = new Float64Array(tableInputs.length * k);
    tableInputs.forEach((n, j) => out.set(model.inputs.subarray(n * k, (n + 1) * k), j * k));
    return out;
  }, [model, tableInputs, tableSampled]);
  // A light history entry of a big run may carry no parameters: nothing to run the replacements on.
  const paramsKept = snapshot !== null && snapshot.members.every((m, k) => m.params.length === layouts[k]?.size);
  const report = useMemo(() => {
    if (!snapshot || !paramsKept) return null;
    const members = snapshot.members.map((m, k) => ({
      tc: { layout: layouts[k], params: m.params },
      extra: {
        features: featureAblations.filter((a) => a.kind === m.kind).map(({ layer, feature }) => ({ layer, feature })),
        pairsOff: m.kind === 'clt' ? pairsOff : [],
      },
    }));
    return { kinds: snapshot.members.map((m) => m.kind), ...interventionReport(model, data, members, config.cuts, neuronAblations, reportInputs) };
  }, [snapshot, paramsKept, layouts, model, data, config.cuts, featureAblations, pairsOff, neuronAblations, reportInputs]);
  const applied = appliedLines(model, config.cuts, neuronAblations, pairsOff, layouts[0], featureAblations);

  const crossPairs = layouts[0].pairs.map((p, q) => ({ ...p, q })).filter((p) => p.source !== p.target);
  const anything = config.cuts.length + featureAblations.length + pairsOff.length + neuronAblations.length > 0;

  return (
    <section className="panel wide interventions" data-testid="view-interventions" aria-label="Interventions">
      <h2>Interventions: when the real model changes, does the replacement follow?</h2>
      <p className="hint">
        Cut a hand-off in the model diagram or ablate a neuron: both are applied to the real model and to both replacements.
        Switching off a CLT decoder block or a feature acts on that replacement only. The list below says what is applied to whom.
      </p>
      <div className="iv-controls">
        <span>CLT decoder blocks:</span>
        {crossPairs.map((p) => (
          <button
            key={p.q}
            data-testid={`pair-clt-${p.source}-${p.target}`}
            aria-pressed={pairsOff.includes(p.q)}
            onClick={() => togglePairOff(p.q)}
            title={`switch the CLT's layer-${p.source} features' decoder into layer ${p.target} off`}
          >
            {pairsOff.includes(p.q) ? '✕ ' : ''}L{p.source} → L{p.target}
          </button>
        ))}
        <span>ablate neuron:</span>
        {model.layers.flatMap((layer, l) =>
          layer.neuronNames.map((name, j) => {
            const on = neuronAblations.some((a) => a.layer === l && a.neuron === j);
            return (
              <button
                key={`${l}-${j}`}
                data-testid={`ablate-neuron-${name}`}
                aria-pressed={on}
                onClick={() => toggleNeuron({ layer: l, neuron: j })}
                title={`ablate neuron ${name} of MLP ${l}: the real model's MLP ${l} output and each replacement's layer-${l} reconstruction are 0 in the dim it writes`}
              >
                {on ? '✕ ' : ''}
                {name}
              </button>
            );
          }),
        )}
        <button data-testid="clear-interventions" onClick={clear} disabled={!anything}>
          clear all
        </button>
      </div>
      {snapshot && !paramsKept ? (
        <p className="empty" data-testid="interventions-not-kept">
          The transcoders&apos; parameters are not kept for step {snapshot.step}: this run is too big to keep them on every history
          step. Scrub to a nearby step, or to the end, to see the interventions there.
        </p>
      ) : !report ? (
        <p className="empty">waiting for the first snapshot</p>
      ) : (
        <>
          <div className="iv-effects" aria-live="polite">
            <p className="iv-changed">
              The real model changes on{' '}
              <b data-testid="changed-count" data-value={report.base.changedCount}>
                {report.base.changedCount}
              </b>{' '}
              of {tableSampled ? `the ${sampleWords(tableInputs.length, N)} sampled` : `${N} inputs`}{anything ? '' : ' (no intervention in force)'}
            </p>
            {report.kinds.map((kind, k) => {
              const e = report.members[k].effect;
              return (
                <p key={kind} className={`iv-follow iv-${kind}`}>
                  {kind.toUpperCase()} follows{' '}
                  <b data-testid={`followed-${kind}`} data-value={e.followed}>
                    {e.followed}
                  </b>{' '}
                  of them:{' '}
                  <b
                    data-testid={`effect-${kind}`}
                    data-value={e.recall === null ? '' : e.recall}
                    title="effect recall: share of the changed inputs where the replacement's answer changes to the real model's new answer"
                  >
                    {recallText(e.followed, e.changed)}
                  </b>
                </p>
              );
            })}
          </div>
          {applied.length > 0 && (
            <ul className="iv-applied" data-testid="applied-list" aria-label="what is applied to whom">
              {applied.map((a) => (
                <li key={a.key} data-testid={`applied-${a.key}`}>
                  <b>{a.what}</b> — applied to {a.to}
                  {a.how ? ` (${a.how})` : ''}
                </li>
              ))}
            </ul>
          )}
          <div className="iv-summary">
            <span>
              real model accuracy under these interventions:{' '}
              <b data-testid="base-accuracy" data-value={report.base.accuracy}>
                {(100 * report.base.accuracy).toFixed(1)}%
              </b>
            </span>
            {report.kinds.map((kind, k) => (
              <span key={kind} className={`iv-${kind}`} title="all-input agreement: inputs where the intervened replacement gives the intervened real model's answer, changed or not">
                {kind.toUpperCase()} agrees on{' '}
                <b data-testid={`agreement-${kind}`} data-value={report.members[k].agreement}>
                  {report.members[k].agrees.filter(Boolean).length}/{report.truth.length}
                </b>{' '}
                inputs
              </span>
            ))}
          </div>
          {tableSampled && (
            <p className="hint" data-testid="iv-table-sampled">
              The counts and the table cover {sampleWords(tableInputs.length, N)} (the snapshots&apos; fixed sample), not all of them.
            </p>
          )}
          <div className="iv-table-wrap">
            <table className="iv-table">
              <thead>
                <tr>
                  <th scope="row">input</th>
                  {tableInputs.map((n, j) => (
                    <th
                      key={n}
                      className={`${highlight.input === n ? 'hl' : ''} ${report.base.changed[j] ? 'changed' : ''}`}
                      title={report.base.changed[j] ? 'the intervention changes the real model here' : undefined}
                      onMouseEnter={() => onHighlight({ input: n, feature: null })}
                    >
                      {inputLabel(model, n)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">truth</th>
                  {tableInputs.map((n, j) => (
                    <td key={n} className={report.truth[j] ? 'true' : 'false'}>{report.truth[j] ? 'T' : 'F'}</td>
                  ))}
                </tr>
                <tr>
                  <th scope="row">real model</th>
                  {tableInputs.map((n, j) => (
                    <td
                      key={n}
                      className={`${report.base.classes[j] ? 'true' : 'false'} ${report.base.changed[j] ? 'changed' : ''}`}
                      title={`${model.dimNames[model.outputDim]} = ${fmt(report.base.output[j])}${report.base.changed[j] ? ' — changed by the intervention' : ''}`}
                    >
                      {report.base.classes[j] ? 'T' : 'F'}
                    </td>
                  ))}
                </tr>
                {report.kinds.map((kind, k) => (
                  <tr key={kind} data-testid={`iv-row-${kind}`}>
                    <th scope="row">{kind.toUpperCase()} replacement</th>
                    {tableInputs.map((n, j) => (
                      <td
                        key={n}
                        className={`${report.members[k].classes[j] ? 'true' : 'false'} ${report.members[k].agrees[j] ? '' : 'disagree'} ${report.members[k].effect.followedRows[j] ? 'followed' : ''}`}
                        title={`${kind.toUpperCase()} ${model.dimNames[model.outputDim]} = ${fmt(report.members[k].output[j])}${report.members[k].agrees[j] ? '' : ' — disagrees with the real model'}${report.members[k].effect.followedRows[j] ? ' — follows the real model\'s change' : ''}`}
                      >
                        {report.members[k].classes[j] ? 'T' : 'F'}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.members.some((m) => m.woke.length > 0) && (
            <div className="woke" data-testid="woke-notice">
              {report.kinds.map((kind, k) => {
                const woke = [...report.members[k].woke].sort((x, y) => y.inputs - x.inputs);
                if (woke.length === 0) return null;
                return (
                  <p key={kind} data-testid={`woke-${kind}`} data-value={woke.length}>
                    {wokeSentence(woke.length, kind)} (most: {woke.slice(0, 4).map((w) => `L${w.layer}·f${w.feature} on ${w.inputs}`).join(', ')}
                    {woke.length > 4 ? ', …' : ''}). Each is zero on every input of the {kind.toUpperCase()}'s own un-intervened chained
                    run: a "dead" feature can wake up under an intervention.
                  </p>
                );
              })}
            </div>
          )}
          {featureAblations.length > 0 && (
            <p className="hint">
              Ablated features:{' '}
              {featureAblations.map((a) => (
                <button key={`${a.kind}${a.layer}${a.feature}`} onClick={() => toggleFeature(a)} title="restore">
                  {a.kind.toUpperCase()} L{a.layer}·f{a.feature} ✕
                </button>
              ))}
            </p>
          )}
        </>
      )}
      <PatchPanel model={model} data={data} layouts={layouts} snapshot={snapshot} />
    </section>
  );
}
