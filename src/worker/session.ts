/**
 * A training session: the worker's whole logic, free of Worker globals so Node tests drive it
 * over a MessageChannel. This file is a run's lifecycle and its data sources: the config, the
 * engine (built by `engines.ts`), uploads and their data, resume, faults and the snapshots it
 * posts as transferred buffers. How training is cut into chunks, shared with the wall clock and
 * interleaved with requests and snapshots is the pacer's (`pacer.ts`), so pause, reset and
 * setConfig land within one chunk.
 */
import { checkBound, NORMS, PENALTIES, BOUNDS, recipeProblem, type ExperimentConfig, type NumericKey, type TrainConfig } from '../core/config.ts';
import type { Engine, MemberSpec, MemberState } from '../core/engine.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import type { Result } from '../core/result.ts';
import { modelForCircuit } from '../core/model/presets.ts';
import { transcoderLayout } from '../core/run.ts';
import { historyEntry, historyPlan, snapshotOf, snapshotTransfers, type HistoryPlan, type RunSnapshot, type TranscoderSnapshot } from '../core/snapshot.ts';
import { relayout, type TrainingData } from '../core/transcoder/data.ts';
import type { Layout } from '../core/transcoder/layout.ts';
import { prepareUpload } from '../onnx/upload.ts';
import { onnxTrainingData, type ActivationSource } from './onnxData.ts';
import { isHistoryStep, Pacer, snapshotEvery, type PacedRun } from './pacer.ts';
import type { DataEvent, Fault, LoadModelRequest, ResumeRequest, ResumeState, TrainerStatus, WorkerEvent, WorkerRequest } from './protocol.ts';

/** Sends one event, handing over the listed buffers. */
export type PostEvent = (event: WorkerEvent, transfer: Transferable[]) => void;

/**
 * Builds the engine that trains a population; the CPU engine now, the WebGPU engine later.
 * `data` is the training set when it was collected elsewhere (onnxruntime-web); without it the
 * engine computes it from the model's TypeScript forward pass.
 */
export type EngineFactory = (
  model: BaseModel,
  members: readonly MemberSpec[],
  data?: TrainingData,
  choice?: ExperimentConfig['engine'],
) => Engine | Promise<Engine>;


/** The ground-truth model a config trains on; the circuit compiler plugs in here. */
export function modelFor(config: ExperimentConfig): Result<BaseModel> {
  const r = modelForCircuit(config.circuit);
  return r.ok ? r : { ok: false, message: `circuit: ${r.message}` };
}

/** The population every run trains: a CLT and a PLT under the same config (the window only changes the CLT). */
export function membersFor(config: TrainConfig): MemberSpec[] {
  return [
    { kind: 'clt', config },
    { kind: 'plt', config },
  ];
}

/** Returns a message naming the first option out of range, else null. */
export function configProblem(config: ExperimentConfig): string | null {
  for (const key of Object.keys(BOUNDS) as NumericKey[]) {
    const problem = checkBound(key, config[key]);
    if (problem) return problem;
  }
  if (!PENALTIES.includes(config.penalty)) return `penalty must be one of ${PENALTIES.join(', ')}`;
  if (!NORMS.includes(config.norm)) return `norm must be one of ${NORMS.join(', ')}`;
  return recipeProblem(config);
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface RunState {
  config: ExperimentConfig;
  /** The loadModel run whose uploaded model this run trains, or null for the config's circuit. */
  upload: number | null;
  model: BaseModel;
  specs: MemberSpec[];
  layouts: Layout[];
  engine: Engine;
  /** What history snapshots keep, so the page's history stays bounded (`core/snapshot.ts` historyPlan). */
  plan: HistoryPlan;
}

/** A model the page uploaded, with the data onnxruntime-web collected from it. */
interface Upload {
  run: number;
  model: BaseModel;
  data: TrainingData;
  collectMs: number;
}

/** A run's model and where its training data came from. */
interface Resolved {
  model: BaseModel;
  /** Undefined: the engine computes it with the TypeScript forward pass. */
  data?: TrainingData;
  event: Omit<DataEvent, 'type' | 'run'>;
}

/** Runs one experiment at a time for one page; its pacer (`pacer.ts`) trains it in chunks at the chosen speed. */
export class TrainingSession {
  /** The client's id for the current run, echoed on every event. */
  private run = 0;
  /** Bumped on every rebuild: async work that started under an older generation is dropped. */
  private gen = 0;
  private current: RunState | null = null;
  private status: TrainerStatus = 'idle';
  /** While stepping: the step to stop at. */
  private stepTarget: number | null = null;
  /** Step of the last snapshot posted: the last good one if the run diverges. */
  private lastPosted = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly pacer: Pacer;
  /** The last uploads: the one the page shows and, at most, one newer. */
  private uploads: Upload[] = [];
  /** The write-up's model's training data from onnxruntime-web, collected once. */
  private defaultData: Promise<Result<{ data: TrainingData; ms: number }>> | null = null;

  /**
   * Without `activations` every model trains on its TypeScript forward pass and uploads are
   * refused; with it the write-up's model (circuit '') and uploads train on activations that
   * onnxruntime-web collected.
   */
  constructor(
    private readonly post: PostEvent,
    private readonly createEngine: EngineFactory,
    private readonly activations?: ActivationSource,
  ) {
    this.pacer = new Pacer({ wantsWork: () => this.wantsWork(), run: () => this.pacedRun(), fail: (e) => this.fail(e) });
  }

  /** Applies one request after those before it; resolves when it has been applied. */
  handle(req: WorkerRequest): Promise<void> {
    this.queue = this.queue.then(() => this.apply(req)).catch((e: unknown) => this.fail(e));
    return this.queue;
  }

  /** A plain-language notice about the run (say, an engine hand-over) that the page keeps shown. */
  notice(notice: string): void {
    this.setStatus(this.status, undefined, undefined, notice);
  }

  /** Stops training and releases the engine. */
  dispose(): void {
    this.gen++;
    this.status = 'idle';
    this.stepTarget = null;
    this.retire();
    this.pacer.close();
  }

  private async apply(req: WorkerRequest): Promise<void> {
    switch (req.type) {
      case 'start':
        this.run = req.run;
        this.setSpeed(req.speed);
        await this.rebuild(req.config, 'training', null);
        return;
      case 'setConfig': {
        this.run = req.run;
        const resume = this.status === 'training' || this.status === 'done' || this.status === 'error';
        await this.rebuild(req.config, resume ? 'training' : 'idle', req.upload ?? null);
        return;
      }
      case 'reset':
        this.run = req.run;
        if (!this.current) return this.error('Nothing to reset: start a run first.');
        // Like a setting change: the run restarts from its seed and plays.
        await this.rebuild(this.current.config, 'training', req.upload ?? null);
        return;
      case 'loadModel':
        return this.loadModel(req);
      case 'pause': {
        const cur = this.current;
        if (!cur || (this.status !== 'training' && this.stepTarget === null)) return;
        this.stepTarget = null;
        this.status = 'paused';
        // Live snapshots lag by up to 33 ms: show the step the run actually stopped at.
        const at = cur.engine.step;
        if (this.lastPosted !== at && !(await this.postSnapshot(this.gen, isHistoryStep(at, cur.config.steps)))) return;
        this.setStatus('paused');
        return;
      }
      case 'play':
        if (!this.current) return this.error('Nothing to play: start a run first.');
        if (this.status === 'error' || this.status === 'done') return this.setStatus(this.status);
        this.stepTarget = null;
        this.setStatus('training');
        this.pacer.kick();
        return;
      case 'step':
        return this.stepBy(req.count);
      case 'setSpeed':
        this.setSpeed(req.speed);
        return;
      case 'resume':
        return this.resume(req);
      case 'fault':
        return this.fault(req.fault);
    }
  }

  private stepBy(count: number): void {
    if (!Number.isInteger(count) || count < 1) return this.error(`step count must be a positive integer, got ${count}`);
    const cur = this.current;
    if (!cur) return this.error('Nothing to step: start a run first.');
    if (this.status === 'error' || this.status === 'done') return this.setStatus(this.status);
    if (this.status === 'training') this.setStatus('paused');
    this.status = 'paused';
    this.stepTarget = Math.min(cur.config.steps, (this.stepTarget ?? cur.engine.step) + count);
    this.pacer.kick();
  }

  private setSpeed(speed: number): void {
    if (!this.pacer.setSpeed(speed)) this.error(`speed must be in (0, 1], got ${speed}`);
  }

  /**
   * Checks an uploaded model, collects its activations and restarts on it; a refusal leaves the
   * current run exactly as it was (it keeps training while onnxruntime-web works).
   */
  private async loadModel(req: LoadModelRequest): Promise<void> {
    const accepted = await this.acceptUpload(req, req.run);
    if (!accepted.ok) return this.post({ type: 'error', run: this.run, message: accepted.message, source: 'loadModel' }, []);
    this.run = req.run;
    await this.rebuild(accepted.value, 'training', req.run);
  }

  /** Validates an upload and collects its activations; on success it is kept under `run`. */
  private async acceptUpload(req: Omit<LoadModelRequest, 'type' | 'run'>, run: number): Promise<Result<ExperimentConfig>> {
    if (!this.activations) return { ok: false, message: 'This page cannot run ONNX models: onnxruntime-web is not available in its worker.' };
    const bytes = new Uint8Array(req.bytes);
    const prepared = prepareUpload(bytes, { enumeration: req.enumeration, outputDim: req.outputDim });
    if (!prepared.ok) return prepared;
    const config: ExperimentConfig = { ...req.config, circuit: '', cuts: [] };
    const problem = configProblem(config);
    if (problem) return { ok: false, message: problem };
    const model: BaseModel = { ...prepared.value.model, name: req.name || prepared.value.model.name };
    const t0 = performance.now();
    const data = await onnxTrainingData(this.activations, bytes, model);
    if (!data.ok) return data;
    const shown = this.uploads.filter((u) => u.run === this.current?.upload);
    this.uploads = [...shown, { run, model, data: data.value, collectMs: performance.now() - t0 }];
    return { ok: true, value: config };
  }

  /**
   * Continues a crashed worker's run here: same config (and uploaded file), parameters and step
   * (and padded decoder columns) from the page's last snapshot, Adam's moments from zero.
   */
  private async resume(req: ResumeRequest): Promise<void> {
    this.run = req.run;
    this.setSpeed(req.speed);
    let config = req.config;
    let upload: number | null = null;
    if (req.upload) {
      const accepted = await this.acceptUpload({ ...req.upload, config }, req.run);
      if (!accepted.ok) return this.setStatus('error', `The uploaded model could not be loaded again after the crash: ${accepted.message}`, 0);
      config = accepted.value;
      upload = req.run;
    }
    await this.rebuild(config, req.then, upload, req.state);
  }

  /** Fault injection inside the session; a worker crash is the worker file's to simulate. */
  private fault(fault: Fault): void {
    if (fault !== 'device-lost') return;
    const engine = this.current?.engine;
    if (!engine?.loseDevice?.()) this.error('There is no GPU device to lose: this run trains on the CPU engine.');
  }

  /** The write-up's model's activations from onnxruntime-web, collected on first use. */
  private defaultOnnxData(model: BaseModel, source: ActivationSource): Promise<Result<{ data: TrainingData; ms: number }>> {
    this.defaultData ??= (async () => {
      const t0 = performance.now();
      let bytes: Uint8Array;
      try {
        bytes = await source.defaultModelBytes();
      } catch (e) {
        return { ok: false, message: `models/xor-and.onnx could not be fetched (${errorMessage(e)})` };
      }
      const data = await onnxTrainingData(source, bytes, model);
      return data.ok ? { ok: true, value: { data: data.value, ms: performance.now() - t0 } } : data;
    })();
    return this.defaultData;
  }

  /** The model a run trains and its data: an upload, the write-up's model via ONNX, or a compiled circuit. */
  private async resolve(config: ExperimentConfig, upload: number | null): Promise<Result<Resolved>> {
    const up = upload === null ? undefined : this.uploads.find((u) => u.run === upload);
    if (up) return { ok: true, value: { model: up.model, data: relayout(up.data, config.layout), event: { source: 'onnx', model: up.model.name, uploaded: true, collectMs: up.collectMs } } };
    const model = modelFor(config);
    if (!model.ok) return model;
    const name = model.value.name;
    // Compiled circuits have no ONNX file; their TypeScript forward pass is the model.
    if (config.circuit.trim() !== '' || !this.activations) {
      return { ok: true, value: { model: model.value, event: { source: 'typescript', model: name, uploaded: false, collectMs: 0 } } };
    }
    const first = this.defaultData === null;
    // The runtime's wasm takes a few seconds to fetch and compile once; say why nothing moves yet.
    if (first) this.setStatus('idle', 'Loading onnxruntime-web to collect the model’s activations from models/xor-and.onnx…', 0);
    const data = await this.defaultOnnxData(model.value, this.activations);
    if (!data.ok) {
      const note = `onnxruntime-web could not provide the activations (${data.message}); training on the TypeScript forward pass of the same weights instead.`;
      return { ok: true, value: { model: model.value, event: { source: 'typescript', model: name, uploaded: false, collectMs: 0, note } } };
    }
    const collectMs = first ? data.value.ms : 0;
    // The ONNX activations arrive as-described; the write-up's layout re-arranges them (SPEC §2).
    const arranged = relayout(data.value.data, config.layout);
    return { ok: true, value: { model: model.value, data: arranged, event: { source: 'onnx', model: name, uploaded: false, collectMs } } };
  }

  /**
   * Replaces the run with a fresh one and posts its first snapshot: at step 0, or at `restore`'s
   * step with its parameters and padded columns (Adam's moments zero, as for every resumed run)
   * when resuming a crashed worker's run.
   */
  private async rebuild(config: ExperimentConfig, then: 'training' | 'idle' | 'paused', upload: number | null, restore?: ResumeState): Promise<void> {
    const gen = ++this.gen;
    this.stepTarget = null;
    // Silently idle until step 0 is posted, so no chunk runs on the new engine before it.
    this.status = 'idle';
    this.retire();
    const problem = configProblem(config);
    const resolved = problem === null ? await this.resolve(config, upload) : ({ ok: false, message: problem } as const);
    if (gen !== this.gen) return;
    if (!resolved.ok) return this.setStatus('error', resolved.message, 0);
    const { model, data, event } = resolved.value;
    const specs = membersFor(config);
    const engine = await this.createEngine(model, specs, data, config.engine);
    if (gen !== this.gen) return engine.dispose();
    const layouts = specs.map((m) => transcoderLayout(m.kind, model, config));
    if (restore) {
      const step = Math.min(restore.step, config.steps);
      const zeroMoments = (params: Float64Array) => ({ params, m: new Float64Array(params.length), v: new Float64Array(params.length) });
      const members = restore.params.map((params, i): MemberState => {
        const padded = restore.padded?.[i];
        return { ...zeroMoments(params), ...(padded ? { padded: zeroMoments(padded) } : {}) };
      });
      try {
        await engine.importState({ step, members });
      } catch (e) {
        engine.dispose();
        return this.setStatus('error', `The run could not be resumed from the page's last snapshot: ${errorMessage(e)}`, 0);
      }
      if (gen !== this.gen) return engine.dispose();
    }
    this.current = { config, upload: event.uploaded ? upload : null, model, specs, layouts, engine, plan: historyPlan(layouts, engine.data) };
    this.lastPosted = engine.step;
    this.post({ type: 'data', run: this.run, ...event }, []);
    if (!(await this.postSnapshot(gen, isHistoryStep(engine.step, config.steps)))) return;
    const status = engine.step >= config.steps ? 'done' : then;
    const note = restore
      ? `The training worker crashed; a fresh one resumed the run from step ${engine.step}, the last snapshot the page had; Adam's moment estimates restarted from zero, so from here the numbers differ slightly from an uninterrupted run.`
      : undefined;
    this.setStatus(status, undefined, undefined, note);
    if (status === 'training') this.pacer.kick();
  }

  /** Drops the current run; its engine is disposed once the chunk using it has finished. */
  private retire(): void {
    const old = this.current;
    this.current = null;
    if (old) void this.pacer.settled().then(() => old.engine.dispose());
  }

  private wantsWork(): boolean {
    return this.current !== null && (this.status === 'training' || this.stepTarget !== null);
  }

  /**
   * The current run as the pacer's next chunk sees it: each call checks that the run is still
   * the same one and still finite; reaching the limit posts the last step and settles the status.
   */
  private pacedRun(): PacedRun | null {
    const cur = this.current;
    if (!cur) return null;
    const { engine, config } = cur;
    const gen = this.gen;
    const total = config.steps;
    return {
      get step() {
        return engine.step;
      },
      total,
      limit: () => this.stepTarget ?? total,
      train: async (count) => {
        await engine.train(count);
        if (gen !== this.gen) return false;
        const bad = this.nonFiniteLoss(cur);
        if (bad) this.diverge(engine.step, `loss became ${bad}`);
        return bad === null;
      },
      snapshot: (history) => this.postSnapshot(gen, history),
      reached: async () => {
        const at = engine.step;
        if (this.lastPosted !== at && !(await this.postSnapshot(gen, isHistoryStep(at, total)))) return;
        if (at >= total) {
          this.stepTarget = null;
          this.setStatus('done');
        } else if (this.stepTarget !== null && at >= this.stepTarget) {
          this.stepTarget = null;
          this.setStatus('paused');
        }
      },
    };
  }

  private nonFiniteLoss(cur: RunState): string | null {
    for (let i = 0; i < cur.specs.length; i++) {
      const loss = cur.engine.lossParts(i).loss;
      if (Number.isNaN(loss)) return 'NaN';
      if (!Number.isFinite(loss)) return 'infinite';
    }
    return null;
  }

  /** Stops at a non-finite step; the page keeps the last snapshot posted, which was finite. */
  private diverge(at: number, what: string): void {
    this.stepTarget = null;
    const good = this.lastPosted;
    this.setStatus(
      'error',
      `Training diverged by step ${at}: ${what}; showing the last finite step ${good}. Lower the learning rate.`,
      good,
    );
  }

  /** Builds and posts a snapshot of every member; false if the run was replaced or diverged. */
  private async postSnapshot(gen: number, history: boolean): Promise<boolean> {
    const cur = this.current;
    if (!cur || gen !== this.gen) return false;
    const { engine, specs, layouts, config, model, plan } = cur;
    const step = engine.step;
    const started = this.pacer.now();
    const members: TranscoderSnapshot[] = [];
    for (let i = 0; i < specs.length; i++) {
      const params = await engine.readParams(i);
      if (gen !== this.gen) return false;
      if (!allFinite(params)) {
        this.diverge(step, 'parameters became NaN or infinite');
        return false;
      }
      const padded = (await engine.readPadded?.(i)) ?? null;
      if (gen !== this.gen) return false;
      members.push(snapshotOf(specs[i].kind, layouts[i], params, step, engine.lossParts(i), engine.data, model, padded));
    }
    const snapshot = { step, totalSteps: config.steps, members };
    this.pacer.snapshotPosted(started);
    // A run with padded columns keeps light entries too: the columns stay out of the page's history.
    if (history && (!plan.shown || plan.paramsEvery > 1 || members.some((m) => m.padded))) {
      // The history keeps a light entry; the page shows this step in full from a live one after it.
      const params = step === config.steps || (step / snapshotEvery(config.steps)) % plan.paramsEvery === 0;
      const entry: RunSnapshot = { ...snapshot, members: members.map((m) => historyEntry(m, { shown: plan.shown, params })) };
      this.post({ type: 'snapshot', run: this.run, snapshot: entry, history: true }, snapshotTransfers(entry));
      this.post({ type: 'snapshot', run: this.run, snapshot, history: false }, snapshotTransfers(snapshot));
    } else this.post({ type: 'snapshot', run: this.run, snapshot, history }, snapshotTransfers(snapshot));
    this.lastPosted = step;

    return true;
  }

  private setStatus(status: TrainerStatus, message?: string, step = this.current?.engine.step ?? 0, notice?: string): void {
    this.status = status;
    const engine = this.current?.engine.name ?? 'cpu';
    const extra = { ...(message === undefined ? {} : { message }), ...(notice === undefined ? {} : { notice }) };
    this.post({ type: 'status', run: this.run, status, step, engine, ...extra }, []);
  }

  private error(message: string): void {
    this.post({ type: 'error', run: this.run, message }, []);
  }

  /** An engine or bug threw: report it and stop the run where it is. */
  private fail(e: unknown): void {
    this.stepTarget = null;
    const message = `Training failed: ${errorMessage(e)}`;
    this.error(message);
    this.setStatus('error', message);
  }
}
