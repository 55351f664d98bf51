/**
 * The training worker: wires its message port to a TrainingSession; engines.ts picks the engine.
 * File checks are answered at once, beside the session (uploadCheck.ts).
 */
import { createEngine } from './engines.ts';
import { browserActivationSource } from './ortBrowser.ts';
import type { TrainerRequest, WorkerEvent } from './protocol.ts';
import { TrainingSession } from './session.ts';
import { checkUpload } from './uploadCheck.ts';

const session = new TrainingSession(
  (event: WorkerEvent, transfer: Transferable[]) => self.postMessage(event, { transfer }),
  (model, members, data, choice) =>
    createEngine(choice ?? 'auto', model, members, data, (navigator as Navigator & { gpu?: GPU }).gpu, (m) => session.notice(m)),
  browserActivationSource(),
);

self.onmessage = (e: MessageEvent<TrainerRequest>) => {
  if (e.data.type === 'checkModel') {
    self.postMessage(checkUpload(e.data));
    return;
  }
  if (e.data.type === 'fault' && e.data.fault === 'crash') {
    // A simulated crash: stop answering, then let an error escape, as a crashing worker does.
    session.dispose();
    self.onmessage = null;
    throw new Error('simulated crash (fault injection)');
  }
  void session.handle(e.data);
};
