/** The training worker: wires its message port to a TrainingSession on the CPU engine. */
import { CpuEngine } from '../core/engine.ts';
import type { WorkerEvent, WorkerRequest } from './protocol.ts';
import { TrainingSession } from './session.ts';

const session = new TrainingSession(
  (event: WorkerEvent, transfer: Transferable[]) => self.postMessage(event, { transfer }),
  (model, members) => new CpuEngine(model, members),
);

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  void session.handle(e.data);
};
