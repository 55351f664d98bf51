/**
 * "Why does it collapse?" (issue 14): the write-up preset with one ingredient switched back at
 * a time, each row trained over a few seeds in the sweep worker (one sweep per row, in turn),
 * as a table and a bar chart of the CLT's layer-1 L0, with the finding computed from them.
 */
import { useEffect, useRef, useState } from 'react';
import type { TrainConfig } from '../core/config.ts';
import type { SweepSpec } from '../core/sweep/sweep.ts';
import { finding, summarize, whyRows, type WhyRowSpec, type WhySpecSummary } from '../core/why.ts';
import { useStore } from '../state/store.ts';
import { SweepClient, type SweepEvent } from '../state/sweep.ts';
import './why.css';

const MAX_SEEDS = 5;

/** One row's sweep: the row's recipe, one λ, seeds 0 … seeds − 1, the CLT only. */
export function whySweepSpec(config: Omit<TrainConfig, 'seed'>, seeds: number): SweepSpec {
  return {
    lambdaMin: config.lambda, lambdaMax: config.lambda, lambdaCount: 1, seeds, variants: ['clt-concat'],
    penalty: config.penalty, c: config.c, steps: config.steps, features: config.features, window: 1,
  };
}

type Status = 'idle' | 'running' | 'done' | 'error';

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

export function WhyView() {
  const circuit = useStore((s) => s.config.circuit);
  const engine = useStore((s) => s.config.engine);
  const [seeds, setSeeds] = useState(MAX_SEEDS);
  const [status, setStatus] = useState<Status>('idle');
  const [results, setResults] = useState<WhySpecSummary[]>([]);
  const [current, setCurrent] = useState<{ row: number; done: number; total: number } | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const sweeps = useRef<SweepClient | null>(null);
  const runId = useRef(0);
  const rows = useRef<WhyRowSpec[]>(whyRows());

  useEffect(() => () => sweeps.current?.terminate(), []);

  const run = () => {
    // Every run of the panel starts on a fresh worker.
    sweeps.current?.terminate();
    const client = (sweeps.current ??= new SweepClient());
    const n = seeds;
    let index = 0;
    const collected: WhySpecSummary[] = [];
    const onEvent = (ev: SweepEvent) => {
      if (ev.id !== runId.current) return;
      if (ev.type === 'progress') {
        setCurrent({ row: index, done: ev.done, total: ev.total });
        if (ev.note) setNotes((old) => (old.includes(ev.note!) ? old : [...old, ev.note!]));
      } else if (ev.type === 'result') {
        collected.push({ spec: rows.current[index], summary: summarize(rows.current[index].id, ev.rows) });
        setResults([...collected]);
        index++;
        if (index < rows.current.length) start(index);
        else {
          setStatus('done');
          setCurrent(null);
        }
      } else if (ev.type === 'error' || ev.type === 'cancelled') {
        setError(ev.type === 'error' ? ev.message : 'cancelled');
        setStatus('error');
      }
    };
    const onCrash = (message: string) => {
      setError(`the sweep worker failed (${message}); run again to start a fresh one.`);
      setStatus('error');
    };
    /** Row `i`'s sweep: its recipe over seeds 0 … n − 1, measured under the hand-off cut. */
    const start = (i: number) => {
      const spec = rows.current[i];
      const id = ++runId.current;
      setCurrent({ row: i, done: 0, total: spec.config.steps });
      client.runPopulation({ id, spec: whySweepSpec(spec.config, n), base: { ...spec.config, seed: 0 }, circuit, engine, handoff: true }, { onEvent, onCrash });
    };
    setResults([]);
    setNotes([]);
    setError(null);
    setStatus('running');
    start(0);
  };

  const done = results.length;
  const total = rows.current.length;
  const sentence = status === 'done' ? finding(results) : '';
  const maxL0 = Math.max(1, ...results.map((r) => r.summary.l0Layer1));
  return (
    <details className="panel why" data-testid="why-panel">
      <summary>
        <h2>Why does it collapse?</h2>
        <span className="why-note">the write-up recipe with one ingredient switched back at a time</span>
      </summary>
      <p className="hint">
        Each row trains the CLT over {seeds === 1 ? 'seed 0' : `seeds 0 … ${seeds - 1}`} in the sweep worker, with every other option at the write-up preset.
        A seed counts as collapsed when the CLT&apos;s layer-1 L0 is ≤ 0.1 with no alive layer-1 feature. Effect recall: of the inputs
        whose output the cut of the hand-off (e..h out of what layer 1 reads) changes in the real model, the share where the
        replacement model changes the same way.
      </p>
      <div className="why-controls">
        <label className="field">
          <span>seeds per row</span>
          <select data-testid="why-seeds" value={seeds} disabled={status === 'running'} onChange={(e) => setSeeds(Number(e.target.value))}>
            {Array.from({ length: MAX_SEEDS }, (_, k) => k + 1).map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </label>
        <button type="button" data-testid="why-run" onClick={run} disabled={status === 'running'}>
          {status === 'running' ? 'training…' : 'train every row'}
        </button>
        <span className="why-status" data-testid="why-status" data-value={status} aria-live="polite">
          {status === 'running' && current
            ? `row ${current.row + 1} of ${total} (${rows.current[current.row].label}): step ${current.done} of ${current.total}`
            : status === 'done' ? `${done} rows × ${seeds} seed${seeds === 1 ? '' : 's'} trained` : status === 'error' ? `stopped: ${error}` : 'not run yet'}
        </span>
      </div>
      {notes.map((n) => <p key={n} className="hint">{n}</p>)}
      <div className="why-table-wrap">
      <table className="why-table">
        <thead>
          <tr>
            <th scope="col">recipe</th>
            <th scope="col" title="mean over seeds of the CLT's mean number of active layer-1 features per input">CLT L0 (layer 1)</th>
            <th scope="col" title="seeds whose CLT skips layer 1">collapsed</th>
            <th scope="col" title="mean over seeds of the CLT's features active on at least one input">alive (layer 0 / 1)</th>
            <th scope="col" title="followed ÷ changed under the e..h cut, summed over seeds">effect recall</th>
          </tr>
        </thead>
        <tbody>
          {rows.current.map((spec, i) => {
            const r = results.find((x) => x.spec.id === spec.id)?.summary;
            return (
              <tr key={spec.id} data-testid={`why-row-${spec.id}`} className={i < 2 ? 'why-preset-row' : undefined}>
                <th scope="row">{spec.label}</th>
                <td data-testid={`why-${spec.id}-l0-1`} data-value={r ? String(r.l0Layer1) : ''}>{r ? r.l0Layer1.toFixed(2) : '—'}</td>
                <td data-testid={`why-${spec.id}-collapsed`} data-value={r ? String(r.collapsed) : ''}>{r ? `${r.collapsed} of ${r.seeds}` : '—'}</td>
                <td data-testid={`why-${spec.id}-alive-1`} data-value={r ? String(r.alive[1]) : ''}>{r ? `${r.alive[0].toFixed(1)} / ${r.alive[1].toFixed(1)}` : '—'}</td>
                <td data-testid={`why-${spec.id}-recall`} data-value={r?.effectRecall ?? ''}>{r ? pct(r.effectRecall) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      </div>
      {results.length > 0 && (
        <svg className="why-chart" viewBox="0 0 420 212" role="img" aria-label="CLT layer-1 L0 per recipe row, mean over seeds">
          <text x="275" y="208" textAnchor="middle" className="why-axis">CLT layer-1 L0 (mean active features per input)</text>
          {[0, maxL0 / 2, maxL0].map((t) => (
            <g key={t}>
              <line x1={150 + (t / maxL0) * 250} x2={150 + (t / maxL0) * 250} y1={4} y2={180} className="why-grid" />
              <text x={150 + (t / maxL0) * 250} y={190} textAnchor="middle" className="why-axis">{t.toFixed(2)}</text>
            </g>
          ))}
          {rows.current.map((spec, i) => {
            const r = results.find((x) => x.spec.id === spec.id)?.summary;
            const y = 6 + i * 25;
            return (
              <g key={spec.id}>
                <text x={146} y={y + 13} textAnchor="end" className="why-axis">{spec.ingredient ? `no ${spec.ingredient.replace(/^the /, '')}` : spec.label}</text>
                {r && (
                  <rect x={150} y={y} width={Math.max(3, (r.l0Layer1 / maxL0) * 250)} height={18}
                    className={r.collapsed / r.seeds > 0.5 ? 'why-bar why-bar-collapsed' : 'why-bar'}>
                    <title>{`${spec.label}: layer-1 L0 ${r.l0Layer1.toFixed(3)}, collapsed in ${r.collapsed} of ${r.seeds} seeds`}</title>
                  </rect>
                )}
              </g>
            );
          })}
        </svg>
      )}
      {results.length > 0 && (
        <p className="why-legend"><span className="why-swatch why-bar-collapsed" /> most seeds collapsed <span className="why-swatch why-bar" /> most seeds keep layer 1</p>
      )}
      <p className="why-finding" data-testid="why-finding">{sentence}</p>
    </details>
  );
}
