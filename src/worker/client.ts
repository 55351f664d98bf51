/**
 * The page's handle on the training worker: typed requests out, events in. Events from a run
 * that a later start, reset or setConfig replaced are dropped here, so listeners never see them.
 */
import type { ExperimentConfig } from '../core/config.ts';
import type { UploadChoices } from '../core/model/uploadInputs.ts';
import type {
  CheckedMessage, Fault, LoadModelRequest, ResumeRequest, ResumeState, TrainerMessage, TrainerRequest, UploadRequest, WorkerEvent, WorkerRequest,
} from './protocol.ts';

/** What the client needs of a Worker; a MessagePort (DOM or node:worker_threads) fits too. */
export interface TrainerEndpoint {
  postMessage(message: TrainerRequest): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
  /** Ports deliver nothing until started; a Worker has no such method. */
  start?(): void;
  /** Worker: stops it. */
  terminate?(): void;
  /** Port: closes it. */
  close?(): void;
}

/** Receives every event of the current run. */
export type TrainerListener = (event: WorkerEvent) => void;

/** Starts the training worker the way Vite bundles it. */
export function createTrainerWorker(): Worker {
  return new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module' });
}

/** Crashes tolerated within CRASH_WINDOW_MS before the client stops replacing the worker. */
const MAX_CRASHES = 3;
const CRASH_WINDOW_MS = 60_000;

/**
 * Main-thread client of the training worker; it never trains. When the worker crashes (an
 * uncaught error reaches the page) the client ends it, starts a fresh one and emits `crashed`,
 * to which the page answers with `resume`; a worker that keeps crashing is given up on.
 */
export class TrainerClient {
  private runId = 0;
  /** Ids handed out so far; a loadModel's run id is reserved before it becomes current. */
  private issued = 0;
  /** The run a pending loadModel will start, adopted when its first event arrives. */
  private pendingRun: number | null = null;
  /** The loadModel run whose model the page shows, or null for the config's circuit. */
  private upload: number | null = null;
  /** The file behind the current upload, kept so a fresh worker can load it again. */
  private uploadRequest: UploadRequest | null = null;
  private pendingRequest: UploadRequest | null = null;
  private readonly listeners = new Set<TrainerListener>();
  private endpoint: TrainerEndpoint;
  private readonly create: (() => TrainerEndpoint) | null;
  private crashes: number[] = [];
  /** File checks the worker has not answered yet, by id. */
  private readonly checks = new Map<number, (r: CheckedMessage['result']) => void>();
  private checkId = 0;

  /**
   * With no argument, starts the worker and replaces it after a crash. An endpoint (tests pass a
   * MessagePort) is used as it is and never replaced; a factory is called for each fresh endpoint.
   */
  constructor(endpoint: TrainerEndpoint | (() => TrainerEndpoint) = createTrainerWorker) {
    this.create = typeof endpoint === 'function' ? endpoint : null;
    this.endpoint = typeof endpoint === 'function' ? endpoint() : endpoint;
    this.attach();
  }

  /** Id of the current run; events carrying another id are dropped. */
  get run(): number {
    return this.runId;
  }

  /** Starts a fresh run of `config` at `speed` (share of full speed, in (0, 1]). */
  start(config: ExperimentConfig, speed = 1): void {
    this.upload = null;
    this.send({ type: 'start', run: this.nextRun(), config, speed });
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  /** Resumes a paused or idle run. */
  play(): void {
    this.send({ type: 'play' });
  }

  /** Runs exactly `count` steps, then stays paused. */
  step(count: number): void {
    this.send({ type: 'step', count });
  }

  /** Back to step 0 of the current config, idle. */
  reset(): void {
    this.send({ type: 'reset', run: this.nextRun(), ...this.uploadField() });
  }

  /** Restarts from step 0 under `config`; a training run keeps training. */
  setConfig(config: ExperimentConfig): void {
    // Choosing a circuit leaves the uploaded model, as the store does.
    if (config.circuit !== '') this.upload = null;
    this.send({ type: 'setConfig', run: this.nextRun(), config, ...this.uploadField() });
  }

  /**
   * Asks the worker to load an ONNX model and train on it; returns the run id it will start.
   * Until the worker accepts it the current run stays current, so its events keep arriving and a
   * refusal (an `error` with source 'loadModel') arrives under it.
   */
  loadModel(request: Omit<LoadModelRequest, 'type' | 'run'>): number {
    const run = ++this.issued;
    this.pendingRun = run;
    this.pendingRequest = { bytes: request.bytes, name: request.name, enumeration: request.enumeration, outputDim: request.outputDim };
    this.send({ type: 'loadModel', run, ...request });
    return run;
  }

  /**
   * Has the worker check an uploaded file (and, with `choices`, build its model) without loading
   * it; the current run is not touched. A worker that crashes first answers with a refusal.
   */
  checkModel(bytes: ArrayBuffer, choices?: UploadChoices): Promise<CheckedMessage['result']> {
    const id = ++this.checkId;
    return new Promise((resolve) => {
      this.checks.set(id, resolve);
      this.endpoint.postMessage({ type: 'checkModel', id, bytes, ...(choices ? { choices } : {}) });
    });
  }

  /**
   * Continues a run in the (fresh) worker from `state`, under `config` and the current upload;
   * returns the new run id.
   */
  resume(config: ExperimentConfig, state: ResumeState, then: ResumeRequest['then'], speed: number): number {
    const upload = this.upload !== null && this.uploadRequest ? { upload: this.uploadRequest } : {};
    const run = this.nextRun();
    // The resumed run's model is the same upload, now under the new run id.
    if (this.upload !== null) this.upload = run;
    this.send({ type: 'resume', run, config, state, then, speed, ...upload });
    return run;
  }

  /** Fault injection for the reliability tests (see FaultRequest). */
  fault(fault: Fault): void {
    this.send({ type: 'fault', fault });
  }

  setSpeed(speed: number): void {
    this.send({ type: 'setSpeed', speed });
  }

  /** Subscribes to events of the current run; returns the unsubscribe. */
  onEvent(listener: TrainerListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Stops listening and ends the worker (or closes the port). */
  dispose(): void {
    this.detach();
    this.listeners.clear();
    this.failChecks('The training worker was closed before it checked the file.');
  }

  private attach(): void {
    this.endpoint.addEventListener('message', this.onMessage);
    this.endpoint.addEventListener('error', this.onError);
    this.endpoint.addEventListener('messageerror', this.onMessageError);
    this.endpoint.start?.();
  }

  private detach(): void {
    this.endpoint.removeEventListener('message', this.onMessage);
    this.endpoint.removeEventListener('error', this.onError);
    this.endpoint.removeEventListener('messageerror', this.onMessageError);
    this.endpoint.terminate?.();
    this.endpoint.close?.();
  }

  /** A fresh id that becomes current at once; it supersedes a pending load. */
  private nextRun(): number {
    this.pendingRun = null;
    this.runId = ++this.issued;
    return this.runId;
  }

  private uploadField(): { upload?: number } {
    return this.upload === null ? {} : { upload: this.upload };
  }

  private send(request: WorkerRequest): void {
    this.endpoint.postMessage(request);
  }

  private emit(event: WorkerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private failChecks(message: string): void {
    for (const done of this.checks.values()) done({ ok: false, message });
    this.checks.clear();
  }

  private readonly onMessage = (e: Event): void => {
    const message = (e as MessageEvent<TrainerMessage>).data;
    if (message.type === 'checked') {
      const done = this.checks.get(message.id);
      this.checks.delete(message.id);
      done?.(message.result);
      return;
    }
    const event: WorkerEvent = message;
    if (event.run === this.pendingRun) {
      this.runId = event.run;
      this.upload = event.run;
      this.uploadRequest = this.pendingRequest;
      this.pendingRun = null;
    }
    if (event.run !== this.runId) return;
    this.emit(event);
  };

  /**
   * A worker that fails to load or throws outside the session reports here. It is ended and,
   * unless it keeps crashing, replaced by a fresh one: listeners get `crashed` and resume.
   */
  private readonly onError = (e: Event): void => {
    const detail = (e as Partial<ErrorEvent>).message;
    const what = `The training worker stopped: ${detail || 'it failed to load or crashed'}.`;
    // A check the dead worker had not answered will never be answered.
    this.failChecks(`${what} Try the file again.`);
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (!this.create || this.crashes.length > MAX_CRASHES) {
      const hint = this.create ? ` It crashed ${this.crashes.length} times within a minute, so it was not restarted again; reload the page (your experiment is in its URL).` : '';
      this.emit({ type: 'error', run: this.runId, message: what + hint });
      return;
    }
    this.detach();
    this.endpoint = this.create();
    this.attach();
    // A load that the dead worker had not answered will never be answered.
    this.pendingRun = null;
    this.emit({ type: 'crashed', run: this.runId, message: what });
  };

  private readonly onMessageError = (): void => {
    this.emit({ type: 'error', run: this.runId, message: 'A message from the training worker could not be read.' });
  };
}
