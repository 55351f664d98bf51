/**
 * The page's side of loading a user's ONNX model: hands the file to the worker, and only when
 * the worker has accepted it (its `data` event of the new run) switches the page's model, so a
 * refused file never disturbs the running experiment. Refusals go to the error banner.
 */
import type { Result } from '../core/result.ts';
import type { TrainerClient } from '../worker/client.ts';
import type { UploadRequest, WorkerEvent } from '../worker/protocol.ts';
import { useStore, type UploadedModel } from './store.ts';

export interface UploadFlow {
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
