/**
 * The training worker's message protocol, types only: requests from the page, events back.
 * Every event carries the `run` id of the request that started its run, so the client can drop
 * events from a run that `start`, `reset` or `setConfig` has since replaced.
 */
import type { ExperimentConfig } from '../core/config.ts';
import type { EngineName } from '../core/engine.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import type { ModelInfo } from '../core/model/modelInfo.ts';
import type { InputEnumeration, UploadChoices } from '../core/model/uploadInputs.ts';
import type { Result } from '../core/result.ts';
import type { RunSnapshot } from '../core/snapshot.ts';

/** Builds the engine for a fresh run and starts training it. */
export interface StartRequest {
  type: 'start';
  /** Run id chosen by the client; events of this run echo it. */
  run: number;
  config: ExperimentConfig;
  /** Share of full speed, in (0, 1]; 1 trains as fast as the engine can. */
  speed: number;
}

/** Stops training after the current chunk; the run stays where it is. */
export interface PauseRequest {
  type: 'pause';
}

/** Resumes training from an idle or paused run. */
export interface PlayRequest {
  type: 'play';
}

/** Runs exactly `count` more steps (fewer if the run ends first), then stays paused. */
export interface StepRequest {
  type: 'step';
  count: number;
}

/** Rebuilds the current config's run at step 0 from its seed and leaves it idle. */
export interface ResetRequest {
  type: 'reset';
  run: number;
  /** The run id of the loadModel whose model the page shows; absent: the config's circuit. */
  upload?: number;
}

/** Replaces the config and restarts from step 0; a run that was training keeps training. */
export interface SetConfigRequest {
  type: 'setConfig';
  run: number;
  config: ExperimentConfig;
  /** The run id of the loadModel whose model the page shows; absent: the config's circuit. */
  upload?: number;
}

/** Changes the throttle without restarting. */
export interface SetSpeedRequest {
  type: 'setSpeed';
  /** Share of full speed, in (0, 1]. */
  speed: number;
}

/**
 * Loads a user's ONNX base model and restarts training on it. The worker validates it, reads
 * its weights back, collects its activations with onnxruntime-web and checks them; only then
 * does `run` become the current run (its first event is `data`, `uploaded` true). On any failure it
 * posts an `error` with `source: 'loadModel'` under the current run, which it leaves as it was.
 */
export interface LoadModelRequest {
  type: 'loadModel';
  /** Run id the loaded model's run will carry. */
  run: number;
  bytes: ArrayBuffer;
  name: string;
  enumeration: InputEnumeration;
  /** Residual dim read as the answer. */
  outputDim: number;
  /** The settings to train under; its circuit and cuts are ignored (the file is the model). */
  config: ExperimentConfig;
}

/**
 * Checks an uploaded ONNX file without loading it: the page never parses one itself. Without
 * `choices`, what can be said before the user chooses inputs and output (the convention's checks,
 * and whether the weights read back); with them, also the model they give. Answered by a
 * `checked` message with the same id, outside every run: the current run is not touched.
 */
export interface CheckModelRequest {
  type: 'checkModel';
  id: number;
  bytes: ArrayBuffer;
  choices?: UploadChoices;
}

/** The answer to the checkModel with the same id: the file's info and, when choices were given, its model. */
export interface CheckedMessage {
  type: 'checked';
  id: number;
  result: Result<{ info: ModelInfo; model: BaseModel | null }>;
}

/** An uploaded file and the choices made beside it: what the page sends, and again to a fresh worker after a crash. */
export type UploadRequest = Omit<LoadModelRequest, 'type' | 'run' | 'config'>;

/** The state a run is resumed from: a snapshot's step and every member's parameters. */
export interface ResumeState {
  step: number;
  /** One flat parameter array per member, in the population's order (CLT, PLT). */
  params: Float64Array[];
  /**
   * Per member, its padded decoder columns from the same snapshot (`TranscoderSnapshot.padded`),
   * null for one that trains none; a run that trains them is refused without them.
   */
  padded?: (Float64Array | null)[];
}

/**
 * Continues a run in a fresh worker after the last one crashed: builds the config's engine,
 * loads `state` (Adam's moments restart from zero, the padded columns' too, which the status message says) and goes on
 * as `then` says. With `upload`, the model is that file again, collected anew.
 */
export interface ResumeRequest {
  type: 'resume';
  run: number;
  config: ExperimentConfig;
  state: ResumeState;
  then: 'training' | 'paused';
  speed: number;
  upload?: UploadRequest;
}

/** Failures the reliability tests cause on purpose, each the way the real one happens. */
export type Fault = 'device-lost' | 'crash';

/**
 * Fault injection. `device-lost` destroys the WebGPU engine's device (the run moves to the CPU
 * engine); `crash` makes the worker throw and stop answering, as a crashed worker would.
 */
export interface FaultRequest {
  type: 'fault';
  fault: Fault;
}

/** Every request the page sends to the worker. */
export type WorkerRequest =
  | StartRequest
  | PauseRequest
  | PlayRequest
  | StepRequest
  | ResetRequest
  | SetConfigRequest
  | SetSpeedRequest
  | LoadModelRequest
  | ResumeRequest
  | FaultRequest;

/** Everything the page posts to the training worker: the session's requests, and file checks the worker answers itself. */
export type TrainerRequest = WorkerRequest | CheckModelRequest;

/** Lifecycle of a run, as the `status` test id reports it. */
export type TrainerStatus = 'idle' | 'training' | 'paused' | 'done' | 'error';

/** One snapshot of every member; its typed arrays arrive as transferred buffers. */
export interface SnapshotEvent {
  type: 'snapshot';
  run: number;
  snapshot: RunSnapshot;
  /**
   * True at the deterministic history steps (0, every `snapshotEvery` steps, the last step),
   * which are the same whatever the speed or pauses; false for the extra live snapshots sent
   * between them so the page updates at least 20 times a second. In a run too big for its
   * history to keep everything (`core/snapshot.ts` historyPlan) a history snapshot is a light
   * entry (no activations, or parameters only on every k-th) and is followed by a live one of
   * the same step in full.
   */
  history: boolean;
}

/** The run changed state; sent on every transition. */
export interface StatusEvent {
  type: 'status';
  run: number;
  status: TrainerStatus;
  /** The step the page is showing: the engine's step, or the last good one after divergence. */
  step: number;
  engine: EngineName;
  /** Why, when status is `error`; a sentence a person can act on. */
  message?: string;
  /**
   * A lasting remark about the run (an engine hand-over, a resumed worker): the page keeps it
   * shown after later status changes, until the run is replaced.
   */
  notice?: string;
}

/** A request could not be carried out (bad value, engine failure, worker crash). */
export interface TrainerErrorEvent {
  type: 'error';
  run: number;
  message: string;
  /** 'loadModel' when an upload was refused: the current run goes on untouched. */
  source?: 'loadModel';
}

/**
 * Where a run's training data came from; sent before the run's first snapshot. A `loadModel`
 * that succeeded starts its run with one of these, `uploaded` true.
 */
export interface DataEvent {
  type: 'data';
  run: number;
  /** 'onnx': activations collected by onnxruntime-web; 'typescript': the TypeScript forward pass. */
  source: 'onnx' | 'typescript';
  /** The base model's name. */
  model: string;
  uploaded: boolean;
  /** Milliseconds this run spent in onnxruntime-web (loading included); 0 when cached or unused. */
  collectMs: number;
  /** Why onnxruntime-web was not used where it would have been. */
  note?: string;
}

/**
 * Sent by the client itself, not the worker: the worker crashed and a fresh one is ready. The
 * page answers with a `resume` from its last snapshot.
 */
export interface CrashedEvent {
  type: 'crashed';
  run: number;
  /** What the browser reported, in a sentence. */
  message: string;
}

/** Every event the page receives about the run. */
export type WorkerEvent = SnapshotEvent | StatusEvent | TrainerErrorEvent | DataEvent | CrashedEvent;

/** Everything the training worker posts: the run's events, and the answers to file checks. */
export type TrainerMessage = WorkerEvent | CheckedMessage;
