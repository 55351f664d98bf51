/**
 * The page's handle on the training worker: typed requests out, events in. Events from a run
 * that a later start, reset or setConfig replaced are dropped here, so listeners never see them.
 */
import type { ExperimentConfig } from '../core/config.ts';
import type { LoadModelRequest, WorkerEvent, WorkerRequest } from './protocol.ts';

/** What the client needs of a Worker; a MessagePort (DOM or node:worker_threads) fits too. */
export interface TrainerEndpoint {
  postMessage(message: WorkerRequest): void;
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

/** Main-thread client of the training worker; it never trains. */
export class TrainerClient {
  private runId = 0;
  /** Ids handed out so far; a loadModel's run id is reserved before it becomes current. */
  private issued = 0;
  /** The run a pending loadModel will start, adopted when its first event arrives. */
  private pendingRun: number | null = null;
  /** The loadModel run whose model the page shows, or null for the config's circuit. */
  private upload: number | null = null;
  private readonly listeners = new Set<TrainerListener>();
  private readonly endpoint: TrainerEndpoint;

  /** Uses `endpoint` when given (tests pass a MessagePort), else starts the worker. */
  constructor(endpoint?: TrainerEndpoint) {
    this.endpoint = endpoint ?? createTrainerWorker();
    this.endpoint.addEventListener('message', this.onMessage);
    this.endpoint.addEventListener('error', this.onError);
    this.endpoint.addEventListener('messageerror', this.onMessageError);
    this.endpoint.start?.();
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
    this.send({ type: 'loadModel', run, ...request });
    return run;
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
    this.endpoint.removeEventListener('message', this.onMessage);
    this.endpoint.removeEventListener('error', this.onError);
    this.endpoint.removeEventListener('messageerror', this.onMessageError);
    this.listeners.clear();
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

  private readonly onMessage = (e: Event): void => {
    const event = (e as MessageEvent<WorkerEvent>).data;
    if (event.run === this.pendingRun) {
      this.runId = event.run;
      this.upload = event.run;
      this.pendingRun = null;
    }
    if (event.run !== this.runId) return;
    this.emit(event);
  };

  /** A worker that fails to load or throws outside the session reports here. */
  private readonly onError = (e: Event): void => {
    const detail = (e as Partial<ErrorEvent>).message;
    this.emit({ type: 'error', run: this.runId, message: `The training worker stopped: ${detail || 'it failed to load or crashed'}.` });
  };

  private readonly onMessageError = (): void => {
    this.emit({ type: 'error', run: this.runId, message: 'A message from the training worker could not be read.' });
  };
}
