/** The chunk pacer on a fake clock: its history schedule, its share of the clock, and pause between calls. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_MS, HISTORY_POINTS, isHistoryStep, LIVE_MS, nextHistoryStep, Pacer, snapshotEvery, type PacedRun } from './pacer.ts';

/** A fake engine run on a fake clock: each step costs `msPerStep`, each snapshot `snapshotMs`. */
function harness(opts: { total: number; msPerStep: number; snapshotMs?: number; speed?: number; stopAt?: number; hold?: (call: number) => Promise<void> | undefined }) {
  let t = 0;
  let step = 0;
  let wants = true;
  const calls: { from: number; count: number; ms: number }[] = [];
  const snapshots: { step: number; history: boolean; at: number }[] = [];
  const sleeps: number[] = [];
  let yields = 0;
  let reached = 0;
  let finished: () => void = () => {};
  const done = new Promise<void>((resolve) => (finished = resolve));
  const stopAt = opts.stopAt ?? opts.total;
  const run: PacedRun = {
    get step() {
      return step;
    },
    total: opts.total,
    limit: () => stopAt,
    train: async (count) => {
      // An async engine: the test may hold a call open while requests arrive.
      await (opts.hold?.(calls.length) ?? Promise.resolve());
      calls.push({ from: step, count, ms: count * opts.msPerStep });
      t += count * opts.msPerStep;
      step += count;
      return true;
    },
    snapshot: (history) => {
      t += opts.snapshotMs ?? 0;
      snapshots.push({ step, history, at: t });
      pacer.snapshotPosted(t - (opts.snapshotMs ?? 0));
      return Promise.resolve(true);
    },
    reached: () => {
      reached++;
      wants = false;
      finished();
      return Promise.resolve();
    },
  };
  const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));
  const pacer: Pacer = new Pacer(
    { wantsWork: () => wants, run: () => run, fail: (e) => { throw e; } },
    {
      now: () => t,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
        await macrotask();
      },
      yielder: { next: async () => void (yields++, await macrotask()), close: () => {} },
    },
  );
  if (opts.speed !== undefined) expect(pacer.setSpeed(opts.speed)).toBe(true);
  return {
    pacer,
    calls,
    snapshots,
    sleeps,
    done,
    get now() {
      return t;
    },
    get step() {
      return step;
    },
    get reached() {
      return reached;
    },
    get yields() {
      return yields;
    },
    pause: () => void (wants = false),
    play: () => {
      wants = true;
      pacer.kick();
    },
  };
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('history schedule', () => {
  it('lays HISTORY_POINTS + 1 steps over any run length: 0, every k-th, the last', () => {
    expect(snapshotEvery(600)).toBe(2);
    expect(snapshotEvery(200_000)).toBe(667);
    expect(snapshotEvery(10)).toBe(1);
    for (const steps of [1, 7, 600, 15_000, 200_000]) {
      const history = Array.from({ length: steps + 1 }, (_, s) => s).filter((s) => isHistoryStep(s, steps));
      // Bounded whatever the length: at most HISTORY_POINTS + 2 (0, the multiples, the last).
      expect(history.length).toBeLessThanOrEqual(HISTORY_POINTS + 2);
      expect(history[0]).toBe(0);
      expect(history.at(-1)).toBe(steps);
      for (let i = 1; i < history.length; i++) expect(nextHistoryStep(history[i - 1], steps)).toBe(history[i]);
    }
  });

  it('snapshots exactly the history steps, whatever the step cost, snapshot cost and speed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3000 }),
        fc.double({ min: 1e-3, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 40, noNaN: true }),
        fc.constantFrom(1, 0.5, 0.1),
        async (total, msPerStep, snapshotMs, speed) => {
          const h = harness({ total, msPerStep, snapshotMs, speed });
          h.pacer.kick();
          await h.done;
          expect(h.step).toBe(total);
          expect(h.reached).toBe(1);
          const want = Array.from({ length: total }, (_, s) => s + 1).filter((s) => isHistoryStep(s, total));
          expect(h.snapshots.filter((s) => s.history).map((s) => s.step)).toEqual(want);
          // Live snapshots never land on a history step, and no call steps over one.
          for (const s of h.snapshots) expect(isHistoryStep(s.step, total)).toBe(s.history);
          for (const c of h.calls) expect(c.from + c.count).toBeLessThanOrEqual(nextHistoryStep(c.from, total));
        },
      ),
      { numRuns: 60, seed: 21 },
    );
  });
});

describe('speed share on a fake clock', () => {
  for (const speed of [1, 0.5, 0.1]) {
    it(`trains ${speed * 100}% of the clock at speed ${speed}, in chunks of about ${CHUNK_MS} × ${speed} ms`, async () => {
      // Long enough that history snapshots are rare and the run does not end within the 5 s watched.
      const h = harness({ total: 10_000_000, msPerStep: 0.05, speed });
      h.pacer.kick();
      while (h.now < 5_000) await macrotask();
      h.pause();
      await macrotask();
      const trained = h.calls.reduce((s, c) => s + c.ms, 0);
      expect(trained / h.now).toBeGreaterThan(speed * 0.9);
      expect(trained / h.now).toBeLessThanOrEqual(speed * 1.01 + 1e-9);
      // Once the step cost is learnt, no call outlasts the chunk (the first calls are sized on a guess).
      const late = h.calls.slice(20);
      expect(Math.max(...late.map((c) => c.ms))).toBeLessThanOrEqual(CHUNK_MS * speed + 1e-9);
      // Full speed yields between chunks; throttled speeds sleep instead.
      if (speed === 1) expect(h.yields).toBeGreaterThan(0);
      else expect(h.sleeps.length).toBeGreaterThan(0);
      // Live snapshots keep their rhythm: about LIVE_MS apart (live ones are due LIVE_MS after the last started).
      const live = h.snapshots.filter((s) => !s.history);
      const gap = (live.at(-1)!.at - live[0].at) / (live.length - 1);
      expect(gap).toBeGreaterThan(LIVE_MS * 0.5);
      expect(gap).toBeLessThan(LIVE_MS * 1.5);
    });
  }

  it('leaves training at least two thirds of the clock when snapshots are slow', async () => {
    const h = harness({ total: 10_000_000, msPerStep: 0.05, snapshotMs: 100 });
    h.pacer.kick();
    while (h.now < 5_000) await macrotask();
    h.pause();
    await macrotask();
    const trained = h.calls.reduce((s, c) => s + c.ms, 0);
    expect(trained / h.now).toBeGreaterThan(0.6);
  });
});

describe('pause', () => {
  it('is answered between engine calls: no call starts after it, and play goes on from the same step', async () => {
    const h = harness({ total: 10_000_000, msPerStep: 0.05 });
    h.pacer.kick();
    while (h.calls.length < 50) await macrotask();
    h.pause();
    const calls = h.calls.length;
    const step = h.step;
    // At most the call already under way finishes.
    for (let i = 0; i < 20; i++) await macrotask();
    expect(h.calls.length).toBeLessThanOrEqual(calls + 1);
    const stopped = h.step;
    expect(stopped - step).toBeLessThanOrEqual(h.calls.at(-1)!.count);
    for (let i = 0; i < 20; i++) await macrotask();
    expect(h.step).toBe(stopped);
    const next = h.calls.length;
    h.play();
    while (h.step === stopped) await macrotask();
    expect(h.calls[next].from).toBe(stopped);
  });

  it('lands while an engine call is under way: the chunk starts no further call', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    // The first chunk makes several calls while the step cost is learnt; hold its third open.
    const h = harness({ total: 10_000_000, msPerStep: 0.05, hold: (call) => (call === 2 ? ((holding = true), held) : undefined) });
    h.pacer.kick();
    while (!holding) await macrotask();
    h.pause();
    release();
    for (let i = 0; i < 20; i++) await macrotask();
    expect(h.calls).toHaveLength(3);
  });

  it('stops at a step target exactly, with the last step reached', async () => {
    const h = harness({ total: 600, msPerStep: 0.01, stopAt: 37 });
    h.pacer.kick();
    await h.done;
    expect(h.step).toBe(37);
    expect(h.reached).toBe(1);
    await h.pacer.settled();
  });
});
