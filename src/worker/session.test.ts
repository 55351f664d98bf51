/** The worker protocol end to end in Node: a TrainingSession on one port, a TrainerClient on the other. */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, presetValues, type ExperimentConfig } from '../core/config.ts';
import { type Engine, type EngineState, type MemberSpec } from '../core/engine.ts';
import { CpuEngine } from '../core/cpuEngine.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import type { LossParts } from '../core/transcoder/training.ts';
import { TrainerClient, type TrainerEndpoint } from './client.ts';
import { fakeEndpoint } from './fakeEndpoint.ts';
import type { SnapshotEvent, StatusEvent, TrainerRequest, WorkerEvent, WorkerRequest } from './protocol.ts';
import { isHistoryStep, snapshotEvery } from './pacer.ts';
import { membersFor, modelFor, TrainingSession, type EngineFactory } from './session.ts';

// Small transcoders keep each snapshot cheap; the protocol does not care about F.
const SHORT: ExperimentConfig = { ...DEFAULT_EXPERIMENT, features: 8, steps: 600 };
const LONG: ExperimentConfig = { ...SHORT, steps: 200_000 };
/** The write-up preset: its decoders train 101 padded columns beside the model's 9 dims. */
const PADDED: ExperimentConfig = { ...DEFAULT_EXPERIMENT, ...presetValues('write-up'), features: 8, steps: 300 };

const cpu: EngineFactory = (model, members) => new CpuEngine(model, members);

interface Harness {
  client: TrainerClient;
  session: TrainingSession;
  events: WorkerEvent[];
  /** Resolves with the first event (already received or later) that passes `pred`. */
  waitFor<E extends WorkerEvent>(pred: (e: WorkerEvent) => e is E, ms?: number): Promise<E>;
  snapshots(): SnapshotEvent[];
}

const open: MessagePort[] = [];
const sessions: TrainingSession[] = [];

afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
  for (const p of open.splice(0)) p.close();
});

function harness(factory: EngineFactory = cpu): Harness {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const session = new TrainingSession((event, transfer) => port1.postMessage(event, transfer as ArrayBuffer[]), factory);
  sessions.push(session);
  port1.on('message', (req: WorkerRequest) => void session.handle(req));
  const client = new TrainerClient(port2 as unknown as TrainerEndpoint);
  const events: WorkerEvent[] = [];
  const waiters: (() => void)[] = [];
  client.onEvent((e) => {
    events.push(e);
    for (const w of waiters.slice()) w();
  });
  const waitFor = <E extends WorkerEvent>(pred: (e: WorkerEvent) => e is E, ms = 15_000): Promise<E> =>
    new Promise<E>((resolve, reject) => {
      let from = 0;
      const check = (): void => {
        for (; from < events.length; from++) {
          const e = events[from];
          if (pred(e)) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve(e);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        reject(new Error(`timed out; last events: ${JSON.stringify(events.slice(-3).map(brief))}`));
      }, ms);
      waiters.push(check);
      check();
    });
  const snapshots = () => events.filter((e): e is SnapshotEvent => e.type === 'snapshot');
  return { client, session, events, waitFor, snapshots };
}

function brief(e: WorkerEvent): unknown {
  return e.type === 'snapshot' ? { type: e.type, step: e.snapshot.step } : e;
}

const isStatus =
  (status: StatusEvent['status'], step?: number) =>
  (e: WorkerEvent): e is StatusEvent =>
    e.type === 'status' && e.status === status && (step === undefined || e.step === step);
const isSnapshotAfter =
  (step: number) =>
  (e: WorkerEvent): e is SnapshotEvent =>
    e.type === 'snapshot' && e.snapshot.step > step;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function finalParams(config: ExperimentConfig): Promise<Float64Array[]> {
  const h = harness();
  h.client.start(config);
  await h.waitFor(isStatus('done'));
  const last = h.snapshots().at(-1)!;
  expect(last.snapshot.step).toBe(config.steps);
  return last.snapshot.members.map((m) => m.params);
}

describe('TrainingSession over a MessageChannel', () => {
  it('trains to done, posting history snapshots at the deterministic steps with metrics', async () => {
    const h = harness();
    h.client.start(SHORT);
    const done = await h.waitFor(isStatus('done'));
    expect(done.step).toBe(600);
    expect(done.engine).toBe('cpu');
    const statuses = h.events.filter((e) => e.type === 'status').map((e) => (e as StatusEvent).status);
    expect(statuses).toEqual(['training', 'done']);
    const every = snapshotEvery(600);
    expect(every).toBe(2);
    const history = h.snapshots().filter((e) => e.history);
    expect(history.map((e) => e.snapshot.step)).toEqual(Array.from({ length: 301 }, (_, k) => k * every));
    for (const e of h.snapshots()) {
      expect(isHistoryStep(e.snapshot.step, 600)).toBe(e.history);
      expect(e.snapshot.totalSteps).toBe(600);
      expect(e.snapshot.members.map((m) => m.kind)).toEqual(['clt', 'plt']);
    }
    const last = history.at(-1)!.snapshot;
    for (const m of last.members) {
      expect(m.step).toBe(600);
      expect(m.metrics.l0).toHaveLength(2);
      // A share of the 16 inputs.
      expect(m.metrics.accuracy).toBeLessThanOrEqual(1);
      expect(Number.isInteger(m.metrics.accuracy * 16)).toBe(true);
      expect(Number.isFinite(m.loss.loss)).toBe(true);
      expect(m.params.length).toBeGreaterThan(0);
      expect(m.acts.length).toBe(2 * 16 * 8);
      expect(m.recon.length).toBe(2 * 16 * 9);
    }
    // The CLT decodes to both layers from layer 0, the PLT only to its own: more parameters.
    expect(last.members[0].params.length).toBeGreaterThan(last.members[1].params.length);
  });

  it('gives bit-identical final parameters for two runs of one config', async () => {
    const [a, b] = [await finalParams(SHORT), await finalParams(SHORT)];
    expect(a).toHaveLength(2);
    for (let i = 0; i < 2; i++) expect(Buffer.from(a[i].buffer).equals(Buffer.from(b[i].buffer))).toBe(true);
    const c = await finalParams({ ...SHORT, seed: 1 });
    expect(Buffer.from(a[0].buffer).equals(Buffer.from(c[0].buffer))).toBe(false);
  });

  // How many snapshots a second, and how much the speed throttle slows a run, are wall-clock
  // figures: `npm run bench:session` prints them.
  it('streams live snapshots between history ones on a long run, and pause stops progress', async () => {
    const h = harness();
    h.client.start(LONG);
    // History snapshots come every 667 steps; the rest are live ones between them.
    await h.waitFor((e): e is SnapshotEvent => e.type === 'snapshot' && !e.history);

    h.client.pause();
    const paused = await h.waitFor(isStatus('paused'));
    const count = h.events.length;
    await delay(200);
    expect(h.events.length).toBe(count);
    expect(h.snapshots().at(-1)!.snapshot.step).toBeLessThanOrEqual(paused.step);

    h.client.step(5);
    const stepped = await h.waitFor(isStatus('paused', paused.step + 5));
    expect(stepped.step).toBe(paused.step + 5);
    expect(h.snapshots().at(-1)!.snapshot.step).toBe(paused.step + 5);
    await delay(100);
    expect(h.snapshots().at(-1)!.snapshot.step).toBe(paused.step + 5);

    h.client.play();
    await h.waitFor(isSnapshotAfter(paused.step + 5));
  });

  it('setConfig restarts from step 0 under a new run id (the stale-run filter: TrainerClient, below)', async () => {
    const h = harness();
    h.client.start(LONG);
    await h.waitFor(isSnapshotAfter(100));
    const oldRun = h.client.run;
    h.client.setConfig({ ...LONG, seed: 7 });
    const first = await h.waitFor((e): e is SnapshotEvent => e.type === 'snapshot' && e.run !== oldRun);
    expect(first.snapshot.step).toBe(0);
    expect(first.history).toBe(true);
    await h.waitFor((e): e is StatusEvent => e.type === 'status' && e.status === 'training' && e.run !== oldRun);

    // Reset restarts from the seed and plays, as a setting change does.
    h.client.reset();
    const resetRun = h.client.run;
    const restarted = await h.waitFor((e): e is SnapshotEvent => e.type === 'snapshot' && e.run === resetRun);
    expect(restarted.snapshot.step).toBe(0);
    await h.waitFor((e): e is StatusEvent => e.type === 'status' && e.status === 'training' && e.run === resetRun);
    // It plays: the new run's snapshots move past step 0 with no play request.
    await h.waitFor((e): e is SnapshotEvent => e.type === 'snapshot' && e.run === resetRun && e.snapshot.step > 50);
  });

  it('stops a run that a huge learning rate makes diverge, keeping only finite snapshots', async () => {
    const h = harness();
    h.client.start({ ...SHORT, lr: 1000 });
    const error = await h.waitFor(isStatus('error'));
    expect(error.message).toMatch(/^Training diverged by step \d+: loss became (NaN|infinite); showing the last finite step \d+\. Lower the learning rate\.$/);
    const shown = h.snapshots();
    expect(shown.at(-1)!.snapshot.step).toBe(error.step);
    for (const e of shown) for (const m of e.snapshot.members) expect(m.params.every(Number.isFinite)).toBe(true);
  });

  it('stops a diverging run at the last finite step with status error', async () => {
    // An engine whose loss turns NaN after step 37 pins down exactly which step is kept.
    const h = harness((model, members) => Promise.resolve(new NanAfter(37, model, members)));
    h.client.start(SHORT);
    const error = await h.waitFor(isStatus('error'));
    const last = h.snapshots().at(-1)!.snapshot;
    expect(last.step).toBe(36);
    expect(error.step).toBe(36);
    expect(error.message).toBe('Training diverged by step 38: loss became NaN; showing the last finite step 36. Lower the learning rate.');
    expect(h.snapshots().every((e) => e.snapshot.step <= 36)).toBe(true);
    for (const m of last.members) expect(Number.isFinite(m.loss.loss)).toBe(true);
    // A diverged run does not resume; a new config does.
    h.client.play();
    await delay(50);
    expect(h.snapshots().at(-1)!.snapshot.step).toBe(36);
    h.client.setConfig({ ...SHORT, lr: 1e-3 });
    await h.waitFor(isStatus('training'));
  });

  it('keeps light history entries for a run too big to keep its activations, each followed by the same step in full', async () => {
    const h = harness();
    const config = { ...SHORT, features: 2, steps: 3, circuit: '((a|b)|(c|d)) | ((e|f)|(g|h)) | ((i|j)|(k|l))' };
    h.client.start(config);
    await h.waitFor(isStatus('done'));
    const shots = h.snapshots();
    const history = shots.filter((e) => e.history);
    expect(history.map((e) => e.snapshot.step)).toEqual([0, 1, 2, 3]);
    for (const e of history) {
      const next = shots[shots.indexOf(e) + 1];
      expect(next.history).toBe(false);
      expect(next.snapshot.step).toBe(e.snapshot.step);
      e.snapshot.members.forEach((m, i) => {
        const full = next.snapshot.members[i];
        expect(m.acts).toHaveLength(0);
        expect(m.inputs).toHaveLength(0);
        expect(Array.from(m.params)).toEqual(Array.from(full.params));
        expect(m.metrics.l0).toEqual(full.metrics.l0);
        expect(full.inputs).toHaveLength(256);
        expect(full.acts).toHaveLength(4 * 256 * 2);
        expect(full.unmeasured).toMatch(/not measured/);
      });
    }
  });

  it('reports bad requests as error events instead of training', async () => {
    const h = harness();
    h.client.step(3);
    const e1 = await h.waitFor((e): e is WorkerEvent => e.type === 'error');
    expect(e1.type === 'error' && e1.message).toMatch(/start a run first/);
    h.client.start({ ...SHORT, lambda: -1 });
    const bad = await h.waitFor(isStatus('error'));
    expect(bad.message).toMatch(/lambda must be between/);
    h.client.setSpeed(0);
    await h.waitFor((e): e is WorkerEvent => e.type === 'error' && e.message.startsWith('speed'));
  });
});

describe('recovery', () => {
  it('resumes a run in a fresh session from a snapshot: same step and parameters, then trains on', async () => {
    const first = harness();
    first.client.start(SHORT);
    await first.waitFor((e): e is SnapshotEvent => e.type === 'snapshot' && e.snapshot.step >= 100);
    first.client.pause();
    await first.waitFor(isStatus('paused'));
    const last = first.snapshots().at(-1)!.snapshot;
    const params = last.members.map((m) => Float64Array.from(m.params));

    const fresh = harness();
    fresh.client.resume(SHORT, { step: last.step, params }, 'paused', 1);
    const paused = await fresh.waitFor(isStatus('paused'));
    expect(paused.step).toBe(last.step);
    expect(paused.notice).toMatch(new RegExp(`resumed the run from step ${last.step}.*Adam`));
    const resumed = fresh.snapshots()[0].snapshot;
    expect(resumed.step).toBe(last.step);
    resumed.members.forEach((m, i) => expect(Array.from(m.params)).toEqual(Array.from(params[i])));
    fresh.client.play();
    const done = await fresh.waitFor(isStatus('done'));
    expect(done.step).toBe(SHORT.steps);
  });

  it('resumes a write-up-preset run with its padded decoder columns, exactly as an unpadded run resumes (Adam restarts), bit for bit', async () => {
    const at = 120;
    const first = harness();
    first.client.start(PADDED);
    first.client.pause();
    const paused = await first.waitFor(isStatus('paused'));
    first.client.step(at - paused.step);
    await first.waitFor(isStatus('paused', at));
    const last = first.snapshots().at(-1)!.snapshot;
    expect(last.step).toBe(at);
    for (const m of last.members) expect(m.padded?.length, `${m.kind} snapshot carries its padded columns`).toBeGreaterThan(0);
    // History entries leave the columns to the live snapshot that follows them at the same step.
    for (const e of first.snapshots()) expect(e.history ? e.snapshot.members.every((m) => m.padded === undefined) : true).toBe(true);

    const fresh = harness();
    const state = { step: last.step, params: last.members.map((m) => m.params), padded: last.members.map((m) => m.padded ?? null) };
    fresh.client.resume(PADDED, state, 'paused', 1);
    await fresh.waitFor(isStatus('paused', at));
    // Step 120 is a history step: a light entry, then the same step in full.
    const resumed = fresh.snapshots().find((e) => !e.history)!.snapshot;
    expect(resumed.step).toBe(at);
    resumed.members.forEach((m, i) => {
      expect(m.params).toEqual(last.members[i].params);
      expect(m.padded).toEqual(last.members[i].padded);
    });
    fresh.client.play();
    await fresh.waitFor(isStatus('done'));
    const end = fresh.snapshots().at(-1)!.snapshot;

    // The uncrashed run, step for step: trained to `at`, every Adam moment zeroed there (what any resume does), trained on.
    const model = modelFor(PADDED);
    if (!model.ok) throw new Error(model.message);
    const ref = new CpuEngine(model.value, membersFor(PADDED));
    ref.trainSync(at);
    for (const t of ref.trainers) {
      for (const s of [t.optimizerState(), t.padded!.state()]) {
        s.m.fill(0);
        s.v.fill(0);
      }
    }
    ref.trainSync(PADDED.steps - at);
    expect(end.step).toBe(PADDED.steps);
    end.members.forEach((m, i) => {
      expect(m.params, `${m.kind} params`).toEqual(ref.trainers[i].params);
      expect(m.padded, `${m.kind} padded columns`).toEqual(ref.trainers[i].padded!.params);
    });

    // Without its columns a padded run does not resume silently wrong: the fresh worker says why.
    const bare = harness();
    bare.client.resume(PADDED, { step: last.step, params: state.params }, 'paused', 1);
    const failed = await bare.waitFor(isStatus('error'));
    expect(failed.message).toMatch(/padded decoder columns/);
  }, 60_000);

  it('loses nothing over many injected crashes and divergences at random steps', async () => {
    // Each run: a crash at a random step (a fresh session resumes from the last snapshot, which
    // must keep its step, parameters and config, and reach done) or a loss that turns NaN at a
    // random step (every snapshot stays finite and the error names the last one).
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('crash', 'diverge'), fc.integer({ min: 1, max: 590 }), fc.integer({ min: 0, max: 1000 }), async (fault, at, seed) => {
        tried++;
        const config = { ...SHORT, seed };
        if (fault === 'diverge') {
          const h = harness((model, members) => Promise.resolve(new NanAfter(at, model, members)));
          h.client.start(config);
          const error = await h.waitFor(isStatus('error'));
          const shown = h.snapshots();
          expect(shown.at(-1)!.snapshot.step).toBe(error.step);
          expect(error.step).toBeLessThanOrEqual(at);
          for (const e of shown) for (const m of e.snapshot.members) expect(Number.isFinite(m.loss.loss) || e.snapshot.step === 0).toBe(true);
          return;
        }
        const first = harness();
        first.client.start(config);
        first.client.pause();
        const paused = await first.waitFor(isStatus('paused'));
        const target = Math.min(config.steps - 1, paused.step + at);
        first.client.step(target - paused.step);
        await first.waitFor(isStatus('paused', target));
        const last = first.snapshots().at(-1)!.snapshot;
        const fresh = harness();
        fresh.client.resume(config, { step: last.step, params: last.members.map((m) => m.params) }, 'training', 1);
        const resumed = await fresh.waitFor((e): e is SnapshotEvent => e.type === 'snapshot');
        expect(resumed.snapshot.step).toBe(target);
        resumed.snapshot.members.forEach((m, i) => expect(m.params).toEqual(last.members[i].params));
        const done = await fresh.waitFor(isStatus('done'));
        expect(done.step).toBe(config.steps);
      }),
      { numRuns: 30, seed: 8 },
    );
    console.log(`fault injection: ${tried} crashes and divergences at random steps, 0 lost a step, a parameter or the config`);
    // About 25 s alone; the limit is no measure of speed, and it leaves room for a second test file on the other core of a loaded 2-core machine.
  }, 180_000);

  it('refuses to lose a GPU device on a CPU run, and the run goes on', async () => {
    const h = harness();
    h.client.start(SHORT);
    await h.waitFor(isStatus('training'));
    h.client.fault('device-lost');
    const e = await h.waitFor((x): x is WorkerEvent => x.type === 'error');
    expect(e.type === 'error' && e.message).toMatch(/no GPU device to lose/);
    await h.waitFor(isStatus('done'));
  });
});

describe('TrainerClient', () => {
  it('replaces a crashed worker and says so, until it crashes too often', () => {
    const made: { target: EventTarget; sent: TrainerRequest[]; ended: boolean }[] = [];
    const factory = (): TrainerEndpoint => {
      const target = new EventTarget();
      const rec = { target, sent: [] as TrainerRequest[], ended: false };
      made.push(rec);
      return {
        postMessage: (m) => rec.sent.push(m),
        addEventListener: (t, l) => target.addEventListener(t, l),
        removeEventListener: (t, l) => target.removeEventListener(t, l),
        terminate: () => void (rec.ended = true),
      };
    };
    const client = new TrainerClient(factory);
    const got: WorkerEvent[] = [];
    client.onEvent((e) => got.push(e));
    client.start(SHORT);
    const crash = () => made.at(-1)!.target.dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught Error: boom' }));
    crash();
    expect(made).toHaveLength(2);
    expect(made[0].ended).toBe(true);
    expect(got.at(-1)).toEqual({ type: 'crashed', run: 1, message: 'The training worker stopped: Uncaught Error: boom.' });
    const run = client.resume(SHORT, { step: 5, params: [new Float64Array(2)] }, 'training', 1);
    expect(made[1].sent.map((r) => r.type)).toEqual(['resume']);
    expect(client.run).toBe(run);
    crash();
    crash();
    expect(made).toHaveLength(4);
    crash();
    expect(made).toHaveLength(4);
    expect(got.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/crashed 4 times within a minute/) as unknown });
  });


  it('drops stale run ids and surfaces worker errors as error events', () => {
    const { target, sent, endpoint } = fakeEndpoint();
    const client = new TrainerClient(endpoint);
    const got: WorkerEvent[] = [];
    const off = client.onEvent((e) => got.push(e));
    client.start(SHORT, 0.5);
    client.setConfig(SHORT);
    expect(sent.map((r) => r.type)).toEqual(['start', 'setConfig']);
    expect(client.run).toBe(2);
    const deliver = (data: WorkerEvent) => target.dispatchEvent(new MessageEvent('message', { data }));
    deliver({ type: 'error', run: 1, message: 'stale' });
    deliver({ type: 'error', run: 2, message: 'fresh' });
    expect(got.map((e) => e.type === 'error' && e.message)).toEqual(['fresh']);
    target.dispatchEvent(Object.assign(new Event('error'), { message: 'boom' }));
    expect(got.at(-1)).toEqual({ type: 'error', run: 2, message: 'The training worker stopped: boom.' });
    off();
    deliver({ type: 'error', run: 2, message: 'after unsubscribe' });
    expect(got).toHaveLength(2);
  });
});

/** A CPU engine whose reported loss turns NaN once it passes `after` steps. */
class NanAfter implements Engine {
  readonly name = 'cpu' as const;
  private readonly inner: CpuEngine;
  constructor(
    private readonly after: number,
    model: BaseModel,
    members: readonly MemberSpec[],
  ) {
    this.inner = new CpuEngine(model, members);
  }
  get step() {
    return this.inner.step;
  }
  get data() {
    return this.inner.data;
  }
  train(count: number) {
    return this.inner.train(count);
  }
  readParams(i: number) {
    return this.inner.readParams(i);
  }
  importState(state: EngineState) {
    return this.inner.importState(state);
  }
  lossParts(i: number): LossParts {
    const parts = this.inner.lossParts(i);
    return this.step > this.after ? { ...parts, loss: NaN } : parts;
  }
  dispose() {}
}
