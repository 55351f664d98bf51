/**
 * The sweep worker: one sweep at a time, apart from the training worker so the main run keeps
 * going. engines.ts picks the engine and hands a failed or lost GPU run to the CPU engine;
 * core/sweep/sweep.ts does the rest. As one of the page's pool it trains a slice of the grid
 * instead (sweepSlice.ts). Its notices ride on the next progress event as `note`.
 */
import { modelForCircuit } from '../core/model/presets.ts';
import { handoffCutEffect } from '../core/why.ts';
import { createEngine } from './engines.ts';
import { checkSweep, runSweep, sweepMembers } from '../core/sweep/sweep.ts';
import type { SweepEvent, SweepRequest, SweepRunRequest } from './sweepProtocol.ts';
import { serveSlice } from './sweepSlice.ts';

let cancelledId = -1;
let pendingNote: string | null = null;

function post(event: SweepEvent): void {
  self.postMessage(event);
}

async function run(req: SweepRunRequest): Promise<void> {
  const { id, spec } = req;
  // A pool worker's slice (issue 18): its runs one after another on the CPU engine.
  if (req.slice) return serveSlice({ ...req, slice: req.slice }, post, () => cancelledId === id);
  const built = modelForCircuit(req.circuit);
  if (!built.ok) return post({ type: 'error', id, message: `circuit: ${built.message}` });
  const model = built.value;
  // The page checked already; the worker holds the bounds itself, whatever a message says.
  const problems = checkSweep(spec, model);
  if (problems.length > 0) return post({ type: 'error', id, message: problems.join('; ') });
  const members = sweepMembers(spec, req.base);
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  const engine = await createEngine(req.engine, model, members, undefined, gpu, (m) => (pendingNote = pendingNote ? `${pendingNote} ${m}` : m));
  const t0 = performance.now();
  const note = pendingNote ?? undefined;
  pendingNote = null;
  post({ type: 'progress', id, members: members.length, done: 0, total: spec.steps, engine: engine.name, ...(note ? { note } : {}) });
  try {
    const rows = await runSweep(engine, model, members, spec.steps, {
      cancelled: () => cancelledId === id,
      ...(req.handoff ? { handoff: handoffCutEffect } : {}),
      onProgress: (p) => {
        const note = pendingNote ?? undefined;
        pendingNote = null;
        post({ type: 'progress', id, members: members.length, ...p, ...(note ? { note } : {}) });
      },
    });
    if (rows === null) post({ type: 'cancelled', id });
    else post({ type: 'result', id, rows, engine: engine.name, ms: Math.round(performance.now() - t0) });
  } finally {
    engine.dispose();
  }
}

self.onmessage = (e: MessageEvent<SweepRequest>) => {
  const req = e.data;
  if (req.type === 'cancel') {
    cancelledId = req.id;
    return;
  }
  pendingNote = null;
  run(req).catch((err: unknown) => post({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) }));
};
