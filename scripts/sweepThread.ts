/**
 * One of `npm run sweep`'s worker threads: it trains the slices it is sent, as the page's sweep
 * worker does (sweepSlice.ts's serveSlice), and stops on `cancel` after its current chunk.
 */
import { parentPort } from 'node:worker_threads';
import type { SweepEvent, SweepRequest } from '../src/worker/sweepProtocol.ts';
import { serveSlice } from '../src/worker/sweepSlice.ts';

const port = parentPort!;
let cancelledId = -1;
const post = (e: SweepEvent) => port.postMessage(e);

port.on('message', (req: SweepRequest) => {
  if (req.type === 'cancel') {
    cancelledId = req.id;
    return;
  }
  if (!req.slice) return post({ type: 'error', id: req.id, message: 'a sweep thread trains slices only' });
  serveSlice({ ...req, slice: req.slice }, post, () => cancelledId === req.id).catch((e: unknown) =>
    post({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) }),
  );
});
