/**
 * A sweep worker's share of a pool (issue 18): the page's sweep worker and `npm run sweep`'s
 * threads answer a slice request here; core/sweep/pool.ts trains it.
 */
import { modelForCircuit } from '../core/model/presets.ts';
import { runCpuSlice } from '../core/sweep/pool.ts';
import { checkSweep, sweepMembers } from '../core/sweep/sweep.ts';
import type { SweepEvent, SweepRunRequest } from './sweepProtocol.ts';

/**
 * A worker's side of a slice request (the page's sweep worker and `npm run sweep`'s threads):
 * rebuilds the grid from the request, checks it, trains the slice's members and posts
 * progress, then the rows (or `cancelled`, or `error`).
 */
export async function serveSlice(req: SweepRunRequest & { slice: number[] }, post: (e: SweepEvent) => void, cancelled: () => boolean): Promise<void> {
  const { id, spec } = req;
  const built = modelForCircuit(req.circuit);
  if (!built.ok) return post({ type: 'error', id, message: `circuit: ${built.message}` });
  const model = built.value;
  const problems = checkSweep(spec, model);
  if (problems.length > 0) return post({ type: 'error', id, message: problems.join('; ') });
  const all = sweepMembers(spec, req.base);
  const bad = req.slice.find((i) => !Number.isInteger(i) || i < 0 || i >= all.length);
  if (bad !== undefined) return post({ type: 'error', id, message: `slice: run ${bad} is not in this ${all.length}-run grid` });
  const members = req.slice.map((i) => all[i]);
  const t0 = performance.now();
  const base = { type: 'progress' as const, id, members: members.length, total: spec.steps, engine: 'cpu' as const };
  post({ ...base, done: 0, runs: 0, modelSteps: 0 });
  const rows = await runCpuSlice(model, members, spec.steps, {
    cancelled,
    onProgress: (p) => post({ ...base, done: Math.floor(p.modelSteps / Math.max(1, members.length)), ...p }),
  });
  if (rows === null) post({ type: 'cancelled', id });
  else post({ type: 'result', id, rows, engine: 'cpu', ms: Math.round(performance.now() - t0) });
}
