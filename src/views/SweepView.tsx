/**
 * The sweep (issue 5): train every (variant, λ, seed) of a grid at once in the sweep worker,
 * then draw the phase diagram — layer-1 L0, alive layer-1 features, faithfulness and total MSE
 * against λ, a dot per run and a median line per variant. Each dot opens its run in the main
 * view. Collapsed by default: it is a heavy tool, and nothing loads until it is opened.
 */
import { useEffect, useRef, useState } from 'react';
import { BOUNDS, ENGINES, PENALTIES, type EngineChoice, type ExperimentConfig, type PenaltyKind } from '../core/config.ts';
import type { EngineName } from '../core/engine.ts';
import { resolveModel } from '../state/model.ts';
import { useStore } from '../state/store.ts';
import { formatDuration, poolSize, sliceGrid, throughput, type PoolProgress, type PoolResult, type ProgressSample } from '../core/sweep/pool.ts';
import {
  checkSweep, chosenVariants, DEFAULT_SWEEP, memberCount, sweepCsv, sweepMembers, SWEEP_BOUNDS, SWEEP_VARIANTS, totalMse, VARIANT_LABEL,
  type SweepMember, type SweepRow, type SweepSpec, type SweepVariant,
} from '../core/sweep/sweep.ts';
import { SweepClient, trainsAsPopulation, type SweepEvent } from '../state/sweep.ts';
import { serializeHash } from '../state/url.ts';
import { createPhasePanel, exact, type PhasePanel, type PhasePoints } from './charts/phaseDiagram.ts';
import { downloadBlob } from './graphExport.ts';
import './views.css';
import './sweep.css';

/** Variant colours: CLTs in blues and violet, the PLT in the page's PLT orange. */
export const VARIANT_COLOUR: Record<SweepVariant, string> = {
  'clt-concat': '#1d4ed8',
  'clt-sum': '#0d9488',
  'clt-window': '#7c3aed',
  plt: '#c2410c',
};

interface Panel {
  id: string;
  title: string;
  yLabel: string;
  get: (r: SweepRow) => number;
  logY?: boolean;
  domain?: (features: number) => [number, number];
}

const PANELS: readonly Panel[] = [
  { id: 'l0', title: 'Layer-1 L0', yLabel: 'active features per input', get: (r) => r.l0[1] ?? NaN },
  { id: 'alive', title: 'Alive layer-1 features', yLabel: 'features', get: (r) => r.alive[1] ?? NaN, domain: (f) => [0, f] },
  { id: 'faithfulness', title: 'Faithfulness', yLabel: 'mean effect IIA over hand-off patches', get: (r) => r.faithfulness, domain: () => [0, 1] },
  { id: 'mse', title: 'Total MSE', yLabel: 'Σ layers, standardized', get: totalMse, logY: true },
];

type Status = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

/** What a finished sweep keeps: its rows and everything needed to rebuild each run's URL. */
interface Result {
  rows: SweepRow[];
  members: SweepMember[];
  spec: SweepSpec;
  experiment: ExperimentConfig;
  dimNames: readonly string[];
  engine: EngineName;
  /** CPU workers that trained it (1 for a WebGPU population). */
  workers: number;
  ms: number;
}

/** What trains a sweep: the CPU pool's size, or one WebGPU population. */
type Backend = { engine: 'cpu'; workers: number } | { engine: 'webgpu' };

function backendText(b: Backend): string {
  return b.engine === 'webgpu' ? 'WebGPU' : `CPU × ${b.workers} worker${b.workers === 1 ? '' : 's'}`;
}

/** The machine's logical cores as the browser tells them (2 when it does not). */
const CORES = Math.max(1, Math.floor(globalThis.navigator?.hardwareConcurrency || 2));

const NO_PROGRESS: PoolProgress = { runs: 0, totalRuns: 0, modelSteps: 0, totalModelSteps: 0 };

/** The form as typed: numbers stay text until run, so half-typed values are not fought. */
type Form = Record<'lambdaMin' | 'lambdaMax' | 'lambdaCount' | 'seeds' | 'steps' | 'c' | 'window', string>;

function formOf(spec: SweepSpec): Form {
  const { lambdaMin, lambdaMax, lambdaCount, seeds, steps, c, window } = spec;
  return { lambdaMin: String(lambdaMin), lambdaMax: String(lambdaMax), lambdaCount: String(lambdaCount), seeds: String(seeds), steps: String(steps), c: String(c), window: String(window) };
}

function specOf(form: Form, variants: SweepVariant[], penalty: PenaltyKind, features: number): SweepSpec {
  const n = (s: string) => (s.trim() === '' ? NaN : Number(s));
  return {
    lambdaMin: n(form.lambdaMin), lambdaMax: n(form.lambdaMax), lambdaCount: n(form.lambdaCount), seeds: n(form.seeds),
    steps: n(form.steps), c: n(form.c), window: n(form.window), variants, penalty, features,
  };
}

/** The main-view URL of sweep member i: its config merged into the experiment the sweep started from. */
function runUrl(result: Result, i: number): string {
  const hash = serializeHash({ ...result.experiment, ...result.members[i].config }, result.dimNames);
  return `${window.location.origin}${window.location.pathname}${window.location.search}#${hash}`;
}

export function SweepView() {
  // Mounted on first open and kept: collapsing the panel neither stops a sweep nor drops its result.
  const [opened, setOpened] = useState(false);
  return (
    <details className="panel wide sweep" data-testid="view-sweep" onToggle={(e) => (e.target as HTMLDetailsElement).open && setOpened(true)}>
      <summary>
        <h2>Sweep: where does the collapse happen?</h2>
        <span className="sweep-summary-note">train hundreds of transcoders over a λ range and seeds, then see the phase diagram</span>
      </summary>
      {opened && <SweepBody />}
    </details>
  );
}

function SweepBody() {
  const config = useStore((s) => s.config);
  const uploaded = useStore((s) => s.uploadedModel);
  // The sweep trains the URL's circuit, not an uploaded model.
  const shown = resolveModel(config.circuit);
  const model = shown.problem ? undefined : shown.model;
  const layers = shown.model.layers.length;
  const [form, setForm] = useState<Form>(() => formOf({ ...DEFAULT_SWEEP, window: Math.max(1, layers - 1) }));
  const [variants, setVariants] = useState<SweepVariant[]>(DEFAULT_SWEEP.variants);
  const [penalty, setPenalty] = useState<PenaltyKind>(DEFAULT_SWEEP.penalty);
  const [engineChoice, setEngineChoice] = useState<EngineChoice>(config.engine);
  const [status, setStatus] = useState<Status>('idle');
  const [progress, setProgress] = useState<PoolProgress>(NO_PROGRESS);
  const [rate, setRate] = useState<{ perSecond: number | null; secondsLeft: number | null }>({ perSecond: null, secondsLeft: null });
  const firstSample = useRef<ProgressSample | null>(null);
  const [workers, setWorkers] = useState(() => poolSize(CORES));
  const [backend, setBackend] = useState<Backend | null>(null);
  const sweeps = useRef<SweepClient | null>(null);
  const [engine, setEngine] = useState<EngineName | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const running = status === 'running';
  const runId = useRef(0);
  const pending = useRef<Omit<Result, 'rows' | 'engine' | 'workers' | 'ms'> | null>(null);
  const panels = useRef<(HTMLDivElement | null)[]>([]);
  // One drawer per panel box, updated in place by each result; destroyed with its box or the view.
  const drawers = useRef<({ el: HTMLDivElement; panel: PhasePanel } | null)[]>([]);
  useEffect(() => () => drawers.current.forEach((d) => d?.panel.destroy()), []);

  const spec = specOf(form, variants, penalty, config.features);
  const problems = checkSweep(spec, model);
  // Shown live, also when over the bound, so the user sees how far over.
  const runs = memberCount(spec);
  const count = problems.length === 0 ? runs : 0;
  const variantCount = chosenVariants(spec).length;
  const plural = (n: number, word: string) => `${Number.isFinite(n) ? n : '?'} ${word}${n === 1 ? '' : 's'}`;
  const sizeText = `${plural(runs, 'run')} (${form.lambdaCount || '?'} λ × ${plural(spec.seeds, 'seed')} × ${plural(variantCount, 'variant')}) of up to ${SWEEP_BOUNDS.members}`;

  useEffect(() => () => sweeps.current?.terminate(), []);

  /** A progress report of run `id`: the bar, and the throughput measured since the first steps. */
  const onProgress = (id: number, p: PoolProgress) => {
    if (id !== runId.current) return;
    setProgress(p);
    const now = { t: performance.now(), done: p.modelSteps };
    if (!firstSample.current && p.modelSteps > 0) firstSample.current = now;
    setRate(throughput(firstSample.current, now, p.totalModelSteps));
  };

  const onEvent = (ev: SweepEvent) => {
    if (ev.id !== runId.current) return;
    if (ev.type === 'progress') {
      onProgress(ev.id, { runs: 0, totalRuns: ev.members, modelSteps: ev.done * ev.members, totalModelSteps: ev.total * ev.members });
      setEngine(ev.engine);
      setBackend(ev.engine === 'webgpu' ? { engine: 'webgpu' } : { engine: 'cpu', workers: 1 });
      if (ev.note) setNotes((n) => [...n, ev.note!]);
    } else if (ev.type === 'result' && pending.current) {
      onProgress(ev.id, { runs: ev.rows.length, totalRuns: ev.rows.length, modelSteps: ev.rows.length * pending.current.spec.steps, totalModelSteps: ev.rows.length * pending.current.spec.steps });
      setResult({ ...pending.current, rows: ev.rows, engine: ev.engine, workers: 1, ms: ev.ms });
      setEngine(ev.engine);
      setStatus('done');
    } else if (ev.type === 'cancelled') {
      setStatus('cancelled');
    } else if (ev.type === 'error') {
      setError(ev.message);
      setStatus('error');
    }
  };

  /** The whole grid as one population in one worker (WebGPU, or its CPU fallback). */
  const runPopulation = (id: number, experiment: ExperimentConfig) => {
    sweeps.current ??= new SweepClient();
    sweeps.current.runPopulation({ id, spec, base: experiment, circuit: experiment.circuit, engine: engineChoice }, {
      onEvent,
      // A crashed worker is ended; the next run starts a fresh one. The last result stays shown.
      onCrash: (message) => {
        setError(`the sweep worker failed (${message}); run the sweep again to start a fresh one.`);
        setStatus('error');
      },
    });
  };

  /** The grid sliced over the CPU pool, merged back in grid order. */
  const runSliced = async (id: number, experiment: ExperimentConfig, members: SweepMember[]) => {
    const size = sliceGrid(members.length, workers).length;
    setBackend({ engine: 'cpu', workers: size });
    setEngine('cpu');
    sweeps.current ??= new SweepClient();
    const t0 = performance.now();
    const onRetry = (s: number, message: string) => {
      if (id === runId.current) setNotes((n) => [...n, `Worker ${s + 1} of ${size} failed (${message}); its runs start again on a fresh worker.`]);
    };
    const out: PoolResult = await sweeps.current.runSliced(
      { id, spec, base: experiment, circuit: experiment.circuit }, members.length, size, (p) => onProgress(id, p), onRetry,
    );
    if (id !== runId.current || !pending.current) return;
    if (out.cancelled) return setStatus('cancelled');
    const ms = Math.round(performance.now() - t0);
    if (out.failures.length > 0) {
      const lost = out.failures.reduce((n, f) => n + f.indices.length, 0);
      const which = out.failures.map((f) => `worker ${f.slice + 1} (${f.indices.length} runs): ${f.message}`).join('; ');
      setError(`${lost} of ${members.length} runs failed twice and are missing from the diagram and CSV — ${which}.`);
      setStatus('error');
      if (out.rows.length === 0) return;
    } else setStatus('done');
    setResult({ ...pending.current, members: out.indices.map((i) => members[i]), rows: out.rows, engine: 'cpu', workers: size, ms });
  };

  const run = async () => {
    if (problems.length > 0 || !model) return;
    const id = ++runId.current;
    const experiment = { ...config };
    const members = sweepMembers(spec, experiment);
    pending.current = { members, spec, experiment, dimNames: model.dimNames };
    setStatus('running');
    firstSample.current = null;
    setProgress({ runs: 0, totalRuns: members.length, modelSteps: 0, totalModelSteps: members.length * spec.steps });
    setRate({ perSecond: null, secondsLeft: null });
    setEngine(null);
    setBackend(null);
    setNotes([]);
    setError(null);
    if (await trainsAsPopulation(engineChoice, members)) {
      if (id === runId.current) runPopulation(id, experiment);
    } else await runSliced(id, experiment, members);
  };

  const start = () => {
    run().catch((e: unknown) => {
      setError(`the sweep could not run (${e instanceof Error ? e.message : String(e)}).`);
      setStatus('error');
    });
  };

  const cancel = () => sweeps.current?.cancel(runId.current);

  useEffect(() => {
    if (!result) return;
    const seeds = result.spec.seeds;
    const present = SWEEP_VARIANTS.filter((v) => result.spec.variants.includes(v));
    const n = result.rows.length;
    const series = new Uint8Array(n);
    const offset = new Float64Array(n);
    const x = new Float64Array(n);
    result.rows.forEach((r, i) => {
      series[i] = present.indexOf(r.variant);
      x[i] = r.lambda;
      offset[i] = (series[i] * seeds + (r.seed % seeds) + 0.5) / (present.length * seeds) - 0.5;
    });
    const describe = (i: number) => {
      const r = result.rows[i];
      return [
        `${VARIANT_LABEL[r.variant]}, λ = ${r.lambda}, seed ${r.seed}`,
        `L0 per layer: ${r.l0.map(exact).join(', ')}`,
        `alive per layer: ${r.alive.join(', ')}`,
        `MSE per layer: ${r.mse.map(exact).join(', ')} (total ${exact(totalMse(r))})`,
        `accuracy ${exact(r.accuracy)}, faithfulness (mean effect IIA) ${exact(r.faithfulness)}`,
        `under the standard cuts, follows ${r.interventions.filter((e) => e.kind === 'cut').reduce((s, e) => s + e.followed, 0)} of ${r.interventions.filter((e) => e.kind === 'cut').reduce((s, e) => s + e.changed, 0)} changed inputs`,
      ];
    };
    PANELS.forEach((p, k) => {
      const el = panels.current[k];
      let d = drawers.current[k];
      if (d && d.el !== el) d.panel.destroy();
      if (!el) return void (drawers.current[k] = null);
      if (!d || d.el !== el) d = drawers.current[k] = { el, panel: createPhasePanel(el, { panel: p.id, title: p.title, yLabel: p.yLabel, logY: p.logY }) };
      const points: PhasePoints = { x, series, offset, y: Float64Array.from(result.rows, p.get) };
      d.panel.update(points, {
        yDomain: p.domain?.(result.spec.features),
        series: present.map((v) => ({ name: VARIANT_LABEL[v], colour: VARIANT_COLOUR[v] })),
        describe, href: (i) => runUrl(result, i), focusable: k === 0,
        onOpen: (i) => {
          window.location.hash = runUrl(result, i).split('#')[1];
          window.scrollTo({ top: 0 });
        },
      });
    });
  }, [result]);

  const field = (key: keyof Form, label: string, testId: string, range: { min: number; max: number }, hint?: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        step="any"
        min={range.min}
        max={range.max}
        data-testid={testId}
        value={form[key]}
        title={hint}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </label>
  );
  const fraction = progress.totalModelSteps > 0 ? Math.min(1, progress.modelSteps / progress.totalModelSteps) : 0;
  const percent = Math.round(fraction * 1000) / 10;
  const rateText = rate.perSecond === null ? '—' : Math.round(rate.perSecond).toLocaleString('en-US');
  const etaText = running ? formatDuration(rate.secondsLeft) : status === 'done' ? '0 s' : '—';

  return (
    <div className="sweep-body">
      <p className="view-caption">
        Each run trains with the current settings (learning rate, ε, λ_p, warm-up, {config.features} features) on{' '}
        <code>{model ? model.name : 'the write-up\'s model'}</code>
        {uploaded ? ' (the circuit in the URL, not the uploaded model)' : ''}, for the λ values log-spaced from min to max, seeds 0 … n − 1 and
        the variants ticked. Bounds: up to {SWEEP_BOUNDS.members} runs of up to {SWEEP_BOUNDS.steps.max.toLocaleString('en-US')} steps,{' '}
        {SWEEP_BOUNDS.lambdaCount.max} λ values, {SWEEP_BOUNDS.seeds.max} seeds, and {SWEEP_BOUNDS.parameters / 1e6} million parameters across all runs.
      </p>
      <fieldset className="sweep-controls" disabled={running}>
        {field('lambdaMin', 'λ min', 'sweep-lambda-min', BOUNDS.lambda)}
        {field('lambdaMax', 'λ max', 'sweep-lambda-max', BOUNDS.lambda)}
        {field('lambdaCount', `λ values (≤ ${SWEEP_BOUNDS.lambdaCount.max})`, 'sweep-lambdas', SWEEP_BOUNDS.lambdaCount)}
        {field('seeds', `seeds (≤ ${SWEEP_BOUNDS.seeds.max})`, 'sweep-seeds', SWEEP_BOUNDS.seeds)}
        {field('steps', `steps (≤ ${SWEEP_BOUNDS.steps.max.toLocaleString('en-US')})`, 'sweep-steps', SWEEP_BOUNDS.steps)}
        <label className="field">
          <span>penalty</span>
          <select data-testid="sweep-penalty" value={penalty} onChange={(e) => setPenalty(e.target.value as PenaltyKind)}>
            {PENALTIES.map((p) => (
              <option key={p} value={p}>{p}</option>
            ))}
          </select>
        </label>
        {field('c', 'tanh c', 'sweep-c', BOUNDS.c, 'saturation of the tanh penalty')}
        <div className="sweep-variants" role="group" aria-label="variants">
          {SWEEP_VARIANTS.map((v) => (
            <span key={v} className="sweep-variant">
              <label>
                <input
                  type="checkbox"
                  data-testid={`sweep-variant-${v}`}
                  checked={variants.includes(v)}
                  onChange={(e) => setVariants(e.target.checked ? [...variants, v] : variants.filter((w) => w !== v))}
                />
                <span className="swatch" style={{ background: VARIANT_COLOUR[v] }} /> {VARIANT_LABEL[v]}
              </label>
              {v === 'clt-window' && (
                <select data-testid="sweep-window" aria-label="windowed CLT span" value={form.window} onChange={(e) => setForm({ ...form, window: e.target.value })}>
                  {Array.from({ length: Math.max(1, layers - 1) }, (_, k) => k + 1).map((k) => (
                    <option key={k} value={k}>span {k} (t − s &lt; {k})</option>
                  ))}
                </select>
              )}
            </span>
          ))}
        </div>
        <label className="field">
          <span>engine</span>
          <select data-testid="sweep-engine-choice" value={engineChoice} onChange={(e) => setEngineChoice(e.target.value as EngineChoice)}>
            {ENGINES.map((c) => (
              <option key={c} value={c}>{c === 'auto' ? 'auto (WebGPU on a hardware GPU)' : c}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>CPU workers</span>
          <select
            data-testid="sweep-workers"
            value={workers}
            title={`CPU sweeps train a slice of the grid per worker; this browser reports ${CORES} cores, and one is left for the page by default. The numbers do not depend on it.`}
            onChange={(e) => setWorkers(Number(e.target.value))}
          >
            {Array.from({ length: Math.min(16, CORES) }, (_, k) => k + 1).map((k) => (
              <option key={k} value={k}>{k}{k === poolSize(CORES) ? ' (one per core, less the page)' : ''}</option>
            ))}
          </select>
        </label>
      </fieldset>
      <p className={`sweep-size${runs > SWEEP_BOUNDS.members ? ' sweep-over' : ''}`} data-testid="sweep-size" data-value={Number.isFinite(runs) ? runs : ''} aria-live="polite">
        {sizeText}
      </p>
      {layers === 2 && variants.includes('clt-window') && (
        <p className="view-caption">On this 2-layer model a span-1 CLT has exactly the PLT's decoders; the window matters on deeper circuits.</p>
      )}
      <div className="sweep-run">
        <button type="button" data-testid="sweep-run" disabled={running || problems.length > 0} onClick={start}>
          Run {count > 0 ? `${count} transcoders` : 'sweep'}
        </button>
        <button type="button" data-testid="sweep-cancel" disabled={!running} onClick={cancel}>Cancel</button>
        <div
          className="sweep-bar"
          role="progressbar"
          data-testid="sweep-progress"
          data-value={fraction}
          aria-label="sweep progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={`${progress.runs} of ${progress.totalRuns} runs done, ${percent} % of the model-steps`}
          title="share of all model-steps (runs × steps) taken"
        >
          <div className="sweep-bar-fill" style={{ width: `${percent}%` }} />
        </div>
        <span className="sweep-count">
          <span data-testid="sweep-runs" data-value={progress.runs}>{progress.runs} / {progress.totalRuns} runs</span>
          {' · '}
          <span data-testid="sweep-rate" data-value={rate.perSecond ?? ''} title="model-steps (one training step of one run) per second, measured since the first steps">{rateText} model-steps/s</span>
          {' · '}
          <span data-testid="sweep-eta" data-value={running ? (rate.secondsLeft ?? '') : ''} title="remaining model-steps at the measured rate; — until it can be measured">{etaText} left</span>
        </span>
        <span data-testid="sweep-status" data-value={status} className={`status status-${status}`}>{status}</span>
        <span data-testid="sweep-engine" data-value={engine ?? ''}>{engine ? `engine: ${engine}` : ''}</span>
        <span data-testid="sweep-backend" data-value={backend ? (backend.engine === 'cpu' ? `cpu:${backend.workers}` : 'webgpu') : ''}>
          {backend ? backendText(backend) : ''}
        </span>
        <button type="button" data-testid="sweep-csv" disabled={!result} onClick={() => result && downloadBlob(new Blob([sweepCsv(result.rows)], { type: 'text/csv' }), 'transcoder-sweep.csv')}>
          Export CSV
        </button>
      </div>
      {problems.length > 0 && <p className="sweep-problem" role="alert">{problems.join('; ')}</p>}
      {error && <p className="sweep-problem" role="alert">{error}</p>}
      {notes.map((n, i) => <p key={i} className="view-caption sweep-note" data-testid="sweep-note">{n}</p>)}
      {result && (
        <div className="sweep-results" data-testid="sweep-results">
          <p className="view-caption">
            {result.rows.length} transcoders × {result.spec.steps} steps on {result.engine === 'webgpu' ? 'the WebGPU engine' : `the CPU engine × ${result.workers} worker${result.workers === 1 ? '' : 's'}`} in {(result.ms / 1000).toFixed(1)} s.
            Dots are runs (seeds spread sideways), lines are medians over seeds. Hover for exact values; click a dot to open that run in the main view.
          </p>
          <ul className="view-legend">
            {SWEEP_VARIANTS.filter((v) => result.spec.variants.includes(v)).map((v) => (
              <li key={v}><span className="swatch" style={{ background: VARIANT_COLOUR[v] }} />{VARIANT_LABEL[v]}</li>
            ))}
          </ul>
          <div className="small-multiples sweep-panels" data-testid="sweep-diagram">
            {PANELS.map((p, k) => (
              <div key={p.id} className="chart-box" data-testid={`sweep-panel-${p.id}`} ref={(el) => { panels.current[k] = el; }} />
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
