/**
 * Who still agrees with the real model under the current cuts and ablations: the real model's
 * outputs on every input beside each replacement's, disagreements marked (SPEC §4).
 */
import { useMemo } from 'react';
import { interventionReport } from '../core/metrics/interventionReport.ts';
import { inputLabel } from '../core/model/baseModel.ts';
import { modelData } from '../core/run.ts';
import { useStore } from '../state/store.ts';
import type { ViewProps } from './types.ts';
import { fmt } from './charts/tooltip.ts';

const KINDS = ['clt', 'plt'] as const;

export function InterventionsView({ model, config, layouts, snapshot, highlight, onHighlight }: ViewProps) {
  const featureAblations = useStore((s) => s.featureAblations);
  const pairsOff = useStore((s) => s.pairsOff);
  const neuronAblations = useStore((s) => s.neuronAblations);
  const togglePairOff = useStore((s) => s.togglePairOff);
  const toggleNeuron = useStore((s) => s.toggleNeuronAblation);
  const toggleFeature = useStore((s) => s.toggleFeatureAblation);
  const clear = useStore((s) => s.clearInterventions);
  // Under the write-up's layout the transcoders trained on re-arranged data (SPEC §2).
  const dataLayout = useStore((s) => s.config.layout);
  const data = useMemo(() => modelData(model, dataLayout), [model, dataLayout]);

  const report = useMemo(() => {
    if (!snapshot) return null;
    const members = snapshot.members.map((m, k) => ({
      tc: { layout: layouts[k], params: m.params },
      extra: {
        features: featureAblations.filter((a) => a.kind === m.kind).map(({ layer, feature }) => ({ layer, feature })),
        pairsOff: m.kind === 'clt' ? pairsOff : [],
      },
    }));
    return interventionReport(model, data, members, config.cuts, neuronAblations);
  }, [snapshot, layouts, model, data, config.cuts, featureAblations, pairsOff, neuronAblations]);

  const N = model.n;
  const crossPairs = layouts[0].pairs.map((p, q) => ({ ...p, q })).filter((p) => p.source !== p.target);
  const anything = config.cuts.length + featureAblations.length + pairsOff.length + neuronAblations.length > 0;

  return (
    <section className="panel wide interventions" data-testid="view-interventions" aria-label="Interventions">
      <h2>Interventions: who still agrees with the real model?</h2>
      <p className="hint">
        Cut a hand-off in the model diagram, switch off a CLT decoder block or ablate a neuron. The real model and both
        replacements are intervened alike; a red cell is an input where a replacement's answer differs from the real model's.
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
              <button key={`${l}-${j}`} data-testid={`ablate-${name}`} aria-pressed={on} onClick={() => toggleNeuron({ layer: l, neuron: j })}>
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
      {!report ? (
        <p className="empty">waiting for the first snapshot</p>
      ) : (
        <>
          <div className="iv-summary">
            <span>
              real model accuracy under these interventions:{' '}
              <b data-testid="base-accuracy" data-value={report.base.accuracy}>
                {(100 * report.base.accuracy).toFixed(1)}%
              </b>
            </span>
            {KINDS.map((kind, k) => (
              <span key={kind} className={`iv-${kind}`}>
                {kind.toUpperCase()} agrees on{' '}
                <b data-testid={`agreement-${kind}`} data-value={report.members[k].agreement}>
                  {report.members[k].agrees.filter(Boolean).length}/{N}
                </b>{' '}
                inputs
              </span>
            ))}
          </div>
          <table className="iv-table">
            <thead>
              <tr>
                <th scope="row">input</th>
                {report.truth.map((_, n) => (
                  <th key={n} className={highlight.input === n ? 'hl' : ''} onMouseEnter={() => onHighlight({ input: n, feature: null })}>
                    {inputLabel(model, n)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">truth</th>
                {report.truth.map((t, n) => (
                  <td key={n} className={t ? 'true' : 'false'}>{t ? 'T' : 'F'}</td>
                ))}
              </tr>
              <tr>
                <th scope="row">real model</th>
                {report.base.classes.map((c, n) => (
                  <td key={n} className={c ? 'true' : 'false'} title={`${model.dimNames[model.outputDim]} = ${fmt(report.base.output[n])}`}>
                    {c ? 'T' : 'F'}
                  </td>
                ))}
              </tr>
              {KINDS.map((kind, k) => (
                <tr key={kind} data-testid={`iv-row-${kind}`}>
                  <th scope="row">{kind.toUpperCase()} replacement</th>
                  {report.members[k].classes.map((c, n) => (
                    <td
                      key={n}
                      className={`${c ? 'true' : 'false'} ${report.members[k].agrees[n] ? '' : 'disagree'}`}
                      title={`${kind.toUpperCase()} ${model.dimNames[model.outputDim]} = ${fmt(report.members[k].output[n])}${report.members[k].agrees[n] ? '' : ' — disagrees with the real model'}`}
                    >
                      {c ? 'T' : 'F'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {KINDS.map((kind, k) => {
            const woke = [...report.members[k].woke].sort((x, y) => y.inputs - x.inputs);
            if (woke.length === 0) return null;
            return (
              <p key={kind} className="woke" data-testid={`woke-${kind}`} data-value={woke.length}>
                {woke.length} {kind.toUpperCase()} feature{woke.length > 1 ? 's' : ''} that never fire on clean inputs
                fire under this intervention (most: {woke.slice(0, 4).map((w) => `L${w.layer}·f${w.feature} on ${w.inputs}`).join(', ')}
                {woke.length > 4 ? ', …' : ''}): a "dead" feature can wake up on cut inputs.
              </p>
            );
          })}
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
    </section>
  );
}
