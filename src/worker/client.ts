/**
 * The page's handle on the training worker: typed requests out, events in. Events from a run
 * that a later start, reset or setConfig replaced are dropped here, so listeners never see them.
 */
import type { ExperimentConfig } from '../core/config.ts';
import type { WorkerEvent, WorkerRequest } from './protocol.ts';

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
    this.send({ type: 'start', run: ++this.runId, config, speed });
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
    this.send({ type: 'reset', run: ++this.runId });
  }

  /** Restarts from step 0 under `config`; a training run keeps training. */
  setConfig(config: ExperimentConfig): void {
    this.send({ type: 'setConfig', run: ++this.runId, config });
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

  private send(request: WorkerRequest): void {
    this.endpoint.postMessage(request);
  }

  private emit(event: WorkerEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private readonly onMessage = (e: Event): void => {
    const event = (e as MessageEvent<WorkerEvent>).data;
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
