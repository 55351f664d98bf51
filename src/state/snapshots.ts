/**
 * The snapshot lane: what the worker computed, outside React. The runner pushes every snapshot
 * event here with its run id; a snapshot of any run but the current one is dropped at the door.
 * Pushes are batched per animation frame, so a burst of worker messages is one change. Views
 * read it through `views/useSnapshotDrawer.ts` (a drawer updated in place, no React render) or
 * `useShownSnapshot` (a throttled React state), never through the zustand store.
 */
import type { RunSnapshot } from '../core/snapshot.ts';

export interface LaneState {
  /** The run whose snapshots are accepted (the client's run id). */
  run: number;
  /** The snapshots of this run at its deterministic history steps: what the scrubber travels. */
  history: readonly RunSnapshot[];
  /** The newest snapshot, history step or not. */
  live: RunSnapshot | null;
  /** Step the scrubber shows, or null for live. */
  scrubStep: number | null;
  /** The snapshot the views show: the scrubbed one, else the latest. */
  shown: RunSnapshot | null;
  /** True while the run trains: views may then redraw on their own period instead of at once. */
  training: boolean;
}

/**
 * Why the lane changed. `frame`: new snapshots arrived (a view may wait for its period while
 * training); the others (`run`: a new run began, `scrub`, `stop`: training stopped) show at once.
 */
export type LaneChange = 'frame' | 'run' | 'scrub' | 'stop';

export type LaneListener = (state: LaneState, change: LaneChange) => void;

export interface SnapshotLane {
  getState(): LaneState;
  subscribe(listener: LaneListener): () => void;
  /** A new run: history and live snapshot are cleared, the scrub too unless given; only `run`'s snapshots are accepted from now on. */
  begin(run: number, scrubStep?: number | null): void;
  /** The same run continues under a new id (a resumed worker): history is kept. */
  adopt(run: number): void;
  /** Queues a snapshot of `run` for the next animation frame; `history` marks the deterministic steps to keep. */
  push(run: number, snapshot: RunSnapshot, history: boolean): void;
  /** Applies the queued snapshots now. */
  flush(): void;
  scrubTo(step: number | null): void;
  /** Training started or stopped; stopping flushes the queue and shows at once. */
  setTraining(training: boolean): void;
  /** Cancels a pending frame. */
  dispose(): void;
}

/** The snapshot shown: the last history snapshot at or before the scrubbed step, else the live one. */
export function shownOf(history: readonly RunSnapshot[], live: RunSnapshot | null, scrubStep: number | null): RunSnapshot | null {
  if (scrubStep === null || history.length === 0) return live ?? history[history.length - 1] ?? null;
  let best = history[0];
  for (const snap of history) {
    if (snap.step > scrubStep) break;
    best = snap;
  }
  return best;
}

export interface FrameClock {
  request: (callback: () => void) => number;
  cancel: (handle: number) => void;
}

const animationFrames: FrameClock = {
  request: (cb) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(cb) : (setTimeout(cb, 16) as unknown as number)),
  cancel: (h) => (typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame(h) : clearTimeout(h)),
};

export function createSnapshotLane(clock: FrameClock = animationFrames): SnapshotLane {
  let state: LaneState = { run: 0, history: [], live: null, scrubStep: null, shown: null, training: false };
  const listeners = new Set<LaneListener>();
  let pending: { snapshot: RunSnapshot; history: boolean }[] = [];
  let frame = 0;

  const emit = (next: Partial<LaneState>, change: LaneChange) => {
    const merged = { ...state, ...next };
    state = { ...merged, shown: shownOf(merged.history, merged.live, merged.scrubStep) };
    for (const l of [...listeners]) l(state, change);
  };
  const cancel = () => {
    if (frame) clock.cancel(frame);
    frame = 0;
  };
  const apply = (change: LaneChange): boolean => {
    cancel();
    if (pending.length === 0) return false;
    const batch = pending;
    pending = [];
    const kept = batch.filter((b) => b.history).map((b) => b.snapshot);
    emit({ history: kept.length ? [...state.history, ...kept] : state.history, live: batch[batch.length - 1].snapshot }, change);
    return true;
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    begin(run, scrubStep = null) {
      cancel();
      pending = [];
      emit({ run, history: [], live: null, scrubStep }, 'run');
    },
    adopt(run) {
      if (run === state.run) return;
      apply('frame');
      state = { ...state, run };
    },
    push(run, snapshot, history) {
      if (run !== state.run) return;
      pending.push({ snapshot, history });
      if (!frame) frame = clock.request(() => {
        frame = 0;
        apply('frame');
      });
    },
    flush: () => void apply(state.training ? 'frame' : 'stop'),
    scrubTo(step) {
      apply('frame');
      if (step !== state.scrubStep) emit({ scrubStep: step }, 'scrub');
    },
    setTraining(training) {
      if (training === state.training) return;
      if (training) {
        state = { ...state, training };
        return;
      }
      state = { ...state, training };
      if (!apply('stop')) emit({}, 'stop');
    },
    dispose: cancel,
  };
}

/** The page's one lane. */
export const snapshotLane: SnapshotLane = createSnapshotLane();
