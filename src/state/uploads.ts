/**
 * The page's side of loading a user's ONNX model: the training worker checks the file (the page
 * never parses ONNX), then loads it, and only when the worker has accepted it (its `data` event
 * of the new run) does the page switch its model, so a refused file never disturbs the running
 * experiment. Refusals go to the error banner.
 */
import type { ModelInfo } from '../core/model/modelInfo.ts';
import type { PreparedUpload, UploadChoices } from '../core/model/uploadInputs.ts';
import type { Result } from '../core/result.ts';
import type { TrainerClient } from '../worker/client.ts';
import type { UploadRequest, WorkerEvent } from '../worker/protocol.ts';
import { useStore, type UploadedModel } from './store.ts';

export interface UploadFlow {
  /** What the worker can say of a file before the user chooses inputs and output. */
  check(bytes: Uint8Array): Promise<Result<ModelInfo>>;
  /** The model the file and the user's choices give, built in the worker; nothing is loaded yet. */
  prepare(bytes: Uint8Array, choices: UploadChoices): Promise<Result<PreparedUpload>>;
  /** Sends the file to the worker; resolves when the worker accepted or refused it. */
  load(upload: UploadedModel, request: UploadRequest): Promise<Result<void>>;
  /** Takes the events that belong to uploads and data sources; true when it consumed `e`. */
  handle(e: WorkerEvent): boolean;
  /** Shows a refusal found before the worker was asked (on the main thread). */
  refuse(message: string): void;
}

/** `dropPending` discards snapshots buffered for the old run, so none lands after the switch. */
export function uploadFlow(client: TrainerClient, dropPending: () => void): UploadFlow {
  const store = useStore;
  let awaiting: { run: number; upload: UploadedModel; done: (r: Result<void>) => void } | null = null;
  /** The last refusal shown, replaced by the next attempt's outcome. */
  let lastProblem: string | null = null;

  const clearLast = (): void => {
    if (lastProblem === null) return;
    const problems = store.getState().problems.filter((p) => p !== lastProblem);
    store.setState({ problems });
    lastProblem = null;
  };
  const refuse = (message: string): void => {
    clearLast();
    lastProblem = message;
    store.getState().reportProblem(message);
  };
  const settle = (r: Result<void>): void => {
    const a = awaiting;
    awaiting = null;
    a?.done(r);
  };

  return {
    refuse,
    async check(bytes) {
      const r = await client.checkModel(bytes.slice().buffer);
      return r.ok ? { ok: true, value: r.value.info } : r;
    },
    async prepare(bytes, choices) {
      const r = await client.checkModel(bytes.slice().buffer, choices);
      if (!r.ok) return r;
      const { info, model } = r.value;
      return model ? { ok: true, value: { info, model } } : { ok: false, message: 'The worker checked the file but built no model from it; try again.' };
    },
    load(upload, request) {
      clearLast();
      settle({ ok: false, message: 'Replaced by a newer upload.' });
      return new Promise((done) => {
        const run = client.loadModel({ ...request, config: store.getState().config });
        awaiting = { run, upload, done };
      });
    },
    handle(e) {
      if (awaiting && e.type === 'crashed') {
        refuse('The training worker crashed while loading the model; the run resumed without it. Try the upload again.');
        settle({ ok: false, message: e.message });
        return false;
      }
      if (awaiting && e.run > awaiting.run) settle({ ok: false, message: 'A settings change replaced the upload before it loaded.' });
      if (e.type === 'error' && e.source === 'loadModel') {
        refuse(e.message);
        settle({ ok: false, message: e.message });
        return true;
      }
      if (e.type !== 'data') return false;
      const data = { source: e.source, model: e.model, uploaded: e.uploaded, collectMs: e.collectMs, ...(e.note ? { note: e.note } : {}) };
      if (e.uploaded && awaiting && e.run === awaiting.run) {
        dropPending();
        store.getState().adoptUpload(awaiting.upload);
        settle({ ok: true, value: undefined });
      }
      store.getState().setDataSource(data);
      return true;
    },
  };
}
