/**
 * The chunk pacer: how a run's training is cut into engine calls. It decides how many steps one
 * call trains, shares the wall clock at the chosen speed (sleeping after each chunk), yields to
 * the message queue between chunks so requests land within one chunk, and says when a live or a
 * history snapshot is due. What a run is, its engine and its snapshots are the session's
 * (`session.ts`); the pacer reaches them only through `PacedRun` and `PacerHost`.
 */

/** Wall-clock length of one chunk of work before the session yields to its message queue. */
export const CHUNK_MS = 12;
/** Gap between snapshot starts while training: about 30 updates a second. */
export const LIVE_MS = 33;
/** History snapshots per run, so the scrubber's resolution does not depend on the run length. */
export const HISTORY_POINTS = 300;

/** Steps between history snapshots for a run of `steps` steps. */
export function snapshotEvery(steps: number): number {
  return Math.max(1, Math.round(steps / HISTORY_POINTS));
}

/** Whether `step` is one of the run's deterministic history steps (0, every k-th, the last). */
export function isHistoryStep(step: number, steps: number): boolean {
  return step === 0 || step === steps || step % snapshotEvery(steps) === 0;
}

/** The first history step after `step`. */
export function nextHistoryStep(step: number, steps: number): number {
  const k = snapshotEvery(steps);
  return Math.min(steps, (Math.floor(step / k) + 1) * k);
}

/** Resolves on a fresh macrotask, after messages already queued. */
export interface Yielder {
  next: () => Promise<void>;
  close: () => void;
}

/**
 * Resolves on a fresh macrotask, after messages already queued. Node: setImmediate (its ports
 * drain up to 1,000 self-posted messages per wake-up, which would starve requests). Browsers:
 * a MessageChannel, since nested setTimeout(0) is clamped to 4 ms, a third of a chunk.
 */
export function macrotaskYielder(): Yielder {
  if (typeof setImmediate === 'function' || typeof MessageChannel === 'undefined') {
    const later = typeof setImmediate === 'function' ? setImmediate : (f: () => void) => setTimeout(f, 0);
    return { next: () => new Promise((resolve) => later(resolve)), close: () => {} };
  }
  const channel = new MessageChannel();
  let pending: (() => void) | null = null;
  channel.port1.onmessage = () => {
    const resolve = pending;
    pending = null;
    resolve?.();
  };
  return {
    next: () =>
      new Promise((resolve) => {
        pending = resolve;
        channel.port2.postMessage(null);
      }),
    close: () => channel.port1.close(),
  };
}

/** The clock, the sleep and the yielder the pacer runs on; tests pass fake ones. */
export interface PacerClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  yielder: Yielder;
}

function realClock(): PacerClock {
  return {
    now: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    yielder: macrotaskYielder(),
  };
}

/** One chunk's view of the run it trains; the session builds one per chunk. */
export interface PacedRun {
  /** Steps the engine has trained so far. */
  readonly step: number;
  /** The run's length: the history steps are laid out over it. */
  readonly total: number;
  /** Where training must stop now: a step target or the run's end (read again after every call). */
  limit(): number;
  /** Trains `count` steps; false when the chunk must end (the run was replaced or diverged). */
  train(count: number): Promise<boolean>;
  /** Posts a snapshot of the current step; false when the chunk must end. */
  snapshot(history: boolean): Promise<boolean>;
  /** Training reached `limit()`: post what is not posted yet and settle the status. */
  reached(): Promise<void>;
}

/** What the pacer asks of the session between calls. */
export interface PacerHost {
  /** Whether a run wants steps now (training, or stepping towards a target). */
  wantsWork(): boolean;
  /** The run the next chunk trains; null when there is none. */
  run(): PacedRun | null;
  /** An engine call or a snapshot threw: stop the run where it is. */
  fail(e: unknown): void;
}

/**
 * Paces one session's training. Speed s in (0, 1] throttles by sleeping after each chunk until
 * training has filled s of the wall clock, with chunks shrunk to s × 12 ms so requests and live
 * snapshots still come every few milliseconds; s = 0.1 trains about a tenth as many steps a
 * second as s = 1 (a little more, since at s = 1 snapshots take a share too). Every engine call
 * ends on a history step at the latest, so history steps never depend on timing.
 */
export class Pacer {
  private speed = 1;
  /** Running estimate of one step's cost, sizing each engine call to the chunk. */
  private msPerStep = 0.5;
  /** When the next live snapshot is due: LIVE_MS after the last one started. */
  private liveDue = 0;
  /** Throttle deadline: when the next chunk may start at the current speed. */
  private due = 0;
  private looping = false;
  private inFlight: Promise<unknown> = Promise.resolve();
  private readonly clock: PacerClock;

  constructor(
    private readonly host: PacerHost,
    clock?: Partial<PacerClock>,
  ) {
    this.clock = { ...realClock(), ...clock };
  }

  /** Sets the share of full speed; false (and unchanged) outside (0, 1]. */
  setSpeed(speed: number): boolean {
    if (!(speed > 0 && speed <= 1)) return false;
    this.speed = speed;
    return true;
  }

  /** Resolves once the chunk now running (if any) has finished with its engine. */
  settled(): Promise<unknown> {
    return this.inFlight;
  }

  /** The pacer's clock, for timing a snapshot. */
  now(): number {
    return this.clock.now();
  }

  /**
   * A snapshot that took from `started` to now was posted: the next live one is due once
   * training has had at least twice its cost, so a model whose snapshots are slow still spends
   * most of its time training.
   */
  snapshotPosted(started: number): void {
    const now = this.clock.now();
    this.liveDue = now + Math.max(LIVE_MS - (now - started), 2 * (now - started));
  }

  /** Starts the chunk loop unless it runs already. */
  kick(): void {
    if (this.looping) return;
    this.looping = true;
    void this.loop().finally(() => {
      this.looping = false;
      // A request may have asked for work between the loop's last check and now.
      if (this.host.wantsWork()) this.kick();
    });
  }

  close(): void {
    this.clock.yielder.close();
  }

  private async loop(): Promise<void> {
    while (this.host.wantsWork()) {
      const started = this.clock.now();
      const chunk = this.chunk();
      this.inFlight = chunk.catch(() => 0);
      let trainMs: number;
      try {
        trainMs = await chunk;
      } catch (e) {
        return this.host.fail(e);
      }
      if (!this.host.wantsWork()) return;
      if (this.speed < 1) await this.clock.sleep(this.throttle(started, trainMs));
      else await this.clock.yielder.next();
    }
  }

  /**
   * How long to sleep so that training fills `speed` of the wall clock: each chunk earns
   * trainMs / speed of time from a running deadline, which also absorbs timers that oversleep.
   */
  private throttle(started: number, trainMs: number): number {
    // After a pause or a slow snapshot, start a fresh deadline rather than racing to catch up.
    const base = started - this.due < 50 ? Math.max(this.due, started - CHUNK_MS) : started;
    this.due = base + trainMs / this.speed;
    return Math.max(0, this.due - this.clock.now());
  }

  /** Steps for the next engine call: to fill the chunk, but never past a live snapshot's due time, a history step or the limit. */
  private callSize(step: number, total: number, limit: number, room: number): number {
    return Math.max(1, Math.min(Math.floor(room / this.msPerStep), nextHistoryStep(step, total) - step, limit - step));
  }

  /** Trains for about one chunk's time; returns the milliseconds spent inside the engine. */
  private async chunk(): Promise<number> {
    const run = this.host.run();
    if (!run) return 0;
    const { now } = this.clock;
    const total = run.total;
    const t0 = now();
    const budget = CHUNK_MS * this.speed;
    let trainMs = 0;
    for (;;) {
      // An async engine lets requests in between calls: a pause must stop the chunk too.
      if (!this.host.wantsWork()) return trainMs;
      const limit = run.limit();
      const step = run.step;
      if (step >= limit) break;
      const t = now();
      // End the call when a live snapshot falls due, so snapshots keep their rhythm.
      const n = this.callSize(step, total, limit, Math.min(budget - trainMs, CHUNK_MS - (t - t0), this.liveDue - t));
      const s = now();
      const goOn = await run.train(n);
      const dt = now() - s;
      if (!goOn) return trainMs + dt;
      trainMs += dt;
      this.msPerStep = 0.7 * this.msPerStep + 0.3 * Math.max(dt / n, 1e-4);
      const history = isHistoryStep(run.step, total);
      // Throttled chunks are short and far apart: post half a chunk early rather than a chunk late.
      if (history || now() >= this.liveDue - (this.speed < 1 ? CHUNK_MS / 2 : 0)) {
        if (!(await run.snapshot(history))) return trainMs;
      }
      if (run.step >= limit) break;
      if (trainMs >= budget || now() - t0 >= CHUNK_MS) return trainMs;
    }
    await run.reached();
    return trainMs;
  }
}
