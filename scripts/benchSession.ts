/**
 * `npm run bench:session -- [--json]`: the worker session's pace over a MessageChannel in Node,
 * as figures rather than timed test assertions: snapshots a second on a long run at full speed,
 * and the steps a second at speed 1 and 0.1 (the throttle's ratio).
 */
import { MessageChannel } from 'node:worker_threads';
import { DEFAULT_EXPERIMENT, type ExperimentConfig } from '../src/core/config.ts';
import { CpuEngine } from '../src/core/cpuEngine.ts';
import { TrainerClient, type TrainerEndpoint } from '../src/worker/client.ts';
import type { WorkerRequest } from '../src/worker/protocol.ts';
import { TrainingSession } from '../src/worker/session.ts';

const LONG: ExperimentConfig = { ...DEFAULT_EXPERIMENT, features: 8, steps: 200_000 };
const SECONDS = 2;

/** Trains LONG at `speed` for SECONDS; returns snapshots and steps a second. */
async function measure(speed: number): Promise<{ snapshotsPerSecond: number; stepsPerSecond: number }> {
  const { port1, port2 } = new MessageChannel();
  const session = new TrainingSession((event, transfer) => port1.postMessage(event, transfer as ArrayBuffer[]), (model, members) => new CpuEngine(model, members));
  port1.on('message', (req: WorkerRequest) => void session.handle(req));
  const client = new TrainerClient(port2 as unknown as TrainerEndpoint);
  let snapshots = 0;
  let step = 0;
  let t0 = 0;
  let step0 = 0;
  client.onEvent((e) => {
    if (e.type !== 'snapshot') return;
    if (t0 === 0) {
      t0 = performance.now();
      step0 = e.snapshot.step;
    } else snapshots++;
    step = e.snapshot.step;
  });
  client.start(LONG, speed);
  while (t0 === 0) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const seconds = (performance.now() - t0) / 1000;
  session.dispose();
  port1.close();
  port2.close();
  return { snapshotsPerSecond: snapshots / seconds, stepsPerSecond: (step - step0) / seconds };
}

const full = await measure(1);
const slow = await measure(0.1);
const ratio = slow.stepsPerSecond / full.stepsPerSecond;
console.log(`speed 1:   ${full.snapshotsPerSecond.toFixed(1)} snapshots/s, ${Math.round(full.stepsPerSecond)} steps/s`);
console.log(`speed 0.1: ${slow.snapshotsPerSecond.toFixed(1)} snapshots/s, ${Math.round(slow.stepsPerSecond)} steps/s (ratio ${ratio.toFixed(3)})`);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ features: LONG.features, full, slow, throttleRatio: ratio }));
}
