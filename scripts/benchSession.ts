/**
 * `npm run bench:session -- [--json] [--features F] [--circuit FORMULA] [--steps S] [--seconds T] [--no-slow] [--history]`:
 * the worker session's pace over a MessageChannel in Node, as figures rather than timed test
 * assertions: the time to build one snapshot (both members) and its size in bytes (live, and as
 * a history entry), then snapshots, bytes and steps a second over T seconds (default 2) of a run
 * at speed 1 and 0.1 (the throttle's ratio). `--history` trains the whole run at speed 1 and
 * reports how many history snapshots it kept, their bytes and the process's memory before and
 * after. Defaults: 8 features, the write-up's model, 200,000 steps.
 */
import { MessageChannel } from 'node:worker_threads';
import { DEFAULT_EXPERIMENT, type ExperimentConfig } from '../src/core/config.ts';
import { CpuEngine } from '../src/core/cpuEngine.ts';
import { transcoderLayout } from '../src/core/run.ts';
import { historyEntry, historyPlan, snapshotOf, type RunSnapshot } from '../src/core/snapshot.ts';
import { TrainerClient, type TrainerEndpoint } from '../src/worker/client.ts';
import type { WorkerRequest } from '../src/worker/protocol.ts';
import { membersFor, modelFor, TrainingSession } from '../src/worker/session.ts';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const CONFIG: ExperimentConfig = {
  ...DEFAULT_EXPERIMENT,
  features: Number(option('features') ?? 8),
  steps: Number(option('steps') ?? 200_000),
  circuit: option('circuit') ?? '',
};
const SECONDS = Number(option('seconds') ?? 2);

/** Bytes a snapshot puts on the wire: its typed arrays, and its metrics and loss as JSON (a lower bound for structured clone). */
function snapshotBytes(s: RunSnapshot): number {
  let bytes = 0;
  for (const m of s.members) {
    bytes += m.params.byteLength + m.acts.byteLength + m.recon.byteLength + (m.inputs?.byteLength ?? 0) + (m.fires?.byteLength ?? 0);
    bytes += JSON.stringify({ metrics: m.metrics, loss: m.loss }).length;
  }
  return bytes;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Builds the run's snapshot after one step, up to `times` times: median milliseconds and bytes (live, history entry). */
function build(times: number) {
  const model = modelFor(CONFIG);
  if (!model.ok) throw new Error(model.message);
  const specs = membersFor(CONFIG);
  const t0 = performance.now();
  const engine = new CpuEngine(model.value, specs);
  const engineMs = performance.now() - t0;
  const t1 = performance.now();
  engine.trainSync(1);
  const stepMs = performance.now() - t1;
  const layouts = specs.map((m) => transcoderLayout(m.kind, model.value, CONFIG));
  const ms: number[] = [];
  let snapshot: RunSnapshot | null = null;
  // The first builds warm the JIT and the per-model caches: take the median of up to `times`, within about 10 s.
  const spent = performance.now();
  for (let k = 0; k < times && (k < 2 || performance.now() - spent < 10_000); k++) {
    const s = performance.now();
    const members = specs.map((m, i) => snapshotOf(m.kind, layouts[i], Float64Array.from(engine.trainers[i].params), engine.step, engine.lossParts(i), engine.data, model.value));
    ms.push(performance.now() - s);
    snapshot = { step: engine.step, totalSteps: CONFIG.steps, members };
  }
  const live = snapshot!;
  const plan = historyPlan(layouts, engine.data);
  const entry = { ...live, members: live.members.map((m) => historyEntry(m, { shown: plan.shown, params: true })) };
  const bare = { ...live, members: live.members.map((m) => historyEntry(m, { shown: plan.shown, params: false })) };
  return {
    inputs: engine.data.n,
    engineMs,
    stepMs,
    snapshotMs: median(ms),
    liveBytes: snapshotBytes(live),
    historyBytes: snapshotBytes(entry),
    historyBareBytes: snapshotBytes(bare),
    plan,
    unmeasured: live.members[0].unmeasured ?? null,
  };
}

/** Trains CONFIG at `speed` for `seconds` (or to done); snapshots, bytes and steps a second, and what a page keeping every history snapshot would hold. */
async function measure(speed: number, seconds: number | 'done') {
  const { port1, port2 } = new MessageChannel();
  const session = new TrainingSession((event, transfer) => port1.postMessage(event, transfer as ArrayBuffer[]), (model, members) => new CpuEngine(model, members));
  port1.on('message', (req: WorkerRequest) => void session.handle(req));
  const client = new TrainerClient(port2 as unknown as TrainerEndpoint);
  let snapshots = 0;
  let bytes = 0;
  let history = 0;
  let historyBytes = 0;
  let step = 0;
  let t0 = 0;
  let step0 = 0;
  let done = false;
  client.onEvent((e) => {
    if (e.type === 'status' && (e.status === 'done' || e.status === 'error')) done = true;
    if (e.type === 'status' && e.status === 'error') console.error(e.message);
    if (e.type !== 'snapshot') return;
    const b = snapshotBytes(e.snapshot);
    if (e.history) {
      history++;
      historyBytes += b;
    }
    if (t0 === 0) {
      t0 = performance.now();
      step0 = e.snapshot.step;
    } else {
      snapshots++;
      bytes += b;
    }
    step = e.snapshot.step;
  });
  client.start(CONFIG, speed);
  while (t0 === 0 && !done) await new Promise((r) => setTimeout(r, 10));
  if (seconds === 'done') while (!done) await new Promise((r) => setTimeout(r, 50));
  else await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  session.dispose();
  port1.close();
  port2.close();
  return { seconds: elapsed, snapshotsPerSecond: snapshots / elapsed, bytesPerSecond: bytes / elapsed, stepsPerSecond: (step - step0) / elapsed, step, history, historyBytes };
}

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MB`;
const memory = () => {
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, rss: m.rss };
};

const label = `features ${CONFIG.features}, ${CONFIG.circuit === '' ? 'the write-up’s model' : `circuit ${CONFIG.circuit}`}, ${CONFIG.steps} steps`;
const b = build(25);
console.log(`${label}: ${b.inputs} inputs; engine built in ${b.engineMs.toFixed(0)} ms, one step ${b.stepMs.toFixed(1)} ms`);
console.log(
  `one snapshot (2 members): built in ${b.snapshotMs.toFixed(1)} ms, ${mb(b.liveBytes)} live, ${mb(b.historyBytes)} as a history entry` +
    `${b.plan.shown ? '' : ' (activations dropped)'}${b.plan.paramsEvery > 1 ? `, ${mb(b.historyBareBytes)} without parameters (kept on every ${b.plan.paramsEvery}th)` : ''}`,
);
if (b.unmeasured) console.log(`  ${b.unmeasured}`);
const full = await measure(1, SECONDS);
console.log(`speed 1:   ${full.snapshotsPerSecond.toFixed(1)} snapshots/s, ${mb(full.bytesPerSecond)}/s, ${Math.round(full.stepsPerSecond)} steps/s`);
const slow = argv.includes('--no-slow') ? null : await measure(0.1, SECONDS);
const ratio = slow ? slow.stepsPerSecond / full.stepsPerSecond : null;
if (slow) console.log(`speed 0.1: ${slow.snapshotsPerSecond.toFixed(1)} snapshots/s, ${mb(slow.bytesPerSecond)}/s, ${Math.round(slow.stepsPerSecond)} steps/s (ratio ${ratio!.toFixed(3)})`);
let whole = null;
if (argv.includes('--history')) {
  const before = memory();
  const run = await measure(1, 'done');
  const after = memory();
  whole = { ...run, before, after };
  console.log(
    `whole run: step ${run.step} in ${run.seconds.toFixed(1)} s, ${run.history} history snapshots holding ${mb(run.historyBytes)}; ` +
      `heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, array buffers ${mb(before.arrayBuffers)} → ${mb(after.arrayBuffers)}, rss ${mb(before.rss)} → ${mb(after.rss)}`,
  );
}
if (argv.includes('--json')) {
  console.log(JSON.stringify({ features: CONFIG.features, circuit: CONFIG.circuit, steps: CONFIG.steps, build: b, full, slow, throttleRatio: ratio, whole }));
}
