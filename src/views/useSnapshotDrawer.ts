/**
 * How views read the snapshot lane (`state/snapshots.ts`) without rendering the page on every
 * snapshot. While a run trains, a view is updated at most every `period` ms, on a clock shared
 * by every view of that period and phase: the React views of one period change in one task, so
 * React commits once for all of them, and drawers of different phases redraw in different tasks.
 * A new run, a scrub or a stop shows at once. While training, a view out of sight is skipped and
 * catches up when it scrolls back into sight; once training stops (or the scrubber travels) it
 * catches up anyway, one view per task.
 */
import { startTransition, useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { RunSnapshot } from '../core/snapshot.ts';
import { snapshotLane, type LaneState } from '../state/snapshots.ts';
import { pageLine } from './taskQueue.ts';

/** A framework-free drawer the lane updates in place. */
export interface SnapshotDrawer {
  update: (shown: RunSnapshot | null, history: readonly RunSnapshot[]) => void;
  destroy: () => void;
}

interface Subscriber {
  /** `urgent`: a new run, a scrub or a stop, which must render with the change that caused it. */
  deliver: (s: LaneState, urgent: boolean) => void;
  /** The lane state last delivered. */
  seen: LaneState | null;
  visible: boolean;
  /** Updated on every `every`-th tick of its clock, those whose count modulo `every` is `offset`. */
  every: number;
  offset: number;
  /** Milliseconds a settled change (scrub, stop, pause) waits before it shows, restarted by the next; 0: at once. */
  delay: number;
  delayTimer: number;
  /**
   * The first snapshot of a run waits for a turn in the page's frame line, so the big tables that
   * would all get their first numbers at once commit (and lay out) in frames of their own.
   */
  paced?: boolean;
  /** While waiting for (or taking) that turn: leaves the line. */
  firstTurn?: (() => void) | null;
}

interface Clock {
  subs: Set<Subscriber>;
  timer: number;
  count: number;
  /** When it last fired (performance.now), or -Infinity. */
  fired: number;
}

const clocks = new Map<string, Clock>();

function deliver(sub: Subscriber, s: LaneState, urgent = true): void {
  if (sub.seen === s) return;
  sub.seen = s;
  sub.deliver(s, urgent);
}

/**
 * Milliseconds from `now` to the clock's next slot (multiples of `period` after `phase`). Timers
 * fire a little early: a slot a moment away, just after the clock `fired`, is the slot that fire
 * served, so the one after it is next. (Without this, views still waiting for their turn got it in
 * a second tick a few ms later: a second React commit.)
 */
export function tickWait(now: number, period: number, phase: number, fired: number): number {
  const wait = period - ((((now - phase) % period) + period) % period);
  return now - fired < period / 2 && wait < period / 2 ? wait + period : wait;
}

function tick(period: number, phase: number, clock: Clock): void {
  const wait = tickWait(performance.now(), period, phase, clock.fired);
  clock.timer = window.setTimeout(() => {
    clock.timer = 0;
    clock.fired = performance.now();
    const n = clock.count++;
    const s = snapshotLane.getState();
    let waiting = false;
    for (const sub of clock.subs) {
      if (!sub.visible || sub.seen === s || sub.firstTurn) continue;
      if (n % sub.every === sub.offset % sub.every) deliver(sub, s, false);
      else waiting = true;
    }
    // A view whose turn has not come yet gets it on a later tick.
    if (waiting && s.training) tick(period, phase, clock);
  }, wait);
}

/** Hands `sub` the first snapshot of a run: at once, or (paced) in its turn of the page's frame line. */
function firstShow(sub: Subscriber, s: LaneState): void {
  if (!sub.paced) return deliver(sub, s, false);
  if (sub.firstTurn) return;
  sub.firstTurn = pageLine.join(() => {
    const now = snapshotLane.getState();
    // Shown already (a new run or a scrub came first) or nothing to show: the turn is not needed.
    if (sub.seen === now || now.shown == null) return leaveTurn(sub);
    deliver(sub, now, false);
  }, true);
}

/** The view has committed its first snapshot (or left): the line moves on. */
function leaveTurn(sub: Subscriber): void {
  sub.firstTurn?.();
  sub.firstTurn = null;
}

/** Views out of sight still to catch up with a settled lane, one per task. */
const behind = new Set<Subscriber>();
let catchUpTimer = 0;
function catchUp(sub: Subscriber): void {
  behind.add(sub);
  // Restarted by every change: while the scrubber travels, nothing out of sight redraws.
  window.clearTimeout(catchUpTimer);
  const next = () => {
    catchUpTimer = 0;
    const [first] = behind;
    if (!first) return;
    behind.delete(first);
    deliver(first, snapshotLane.getState(), false);
    if (behind.size > 0) catchUpTimer = window.setTimeout(next, CATCH_UP_MS);
  };
  catchUpTimer = window.setTimeout(next, CATCH_UP_REST_MS);
}

/** Milliseconds the lane must rest before views out of sight start catching up. */
const CATCH_UP_REST_MS = 250;

/** Milliseconds between two out-of-sight views catching up, so each redraws in a task of its own. */
const CATCH_UP_MS = 60;

/** Joins the clock of `period`/`phase`; returns the leave function. */
function join(sub: Subscriber, period: number, phase: number): () => void {
  const key = `${period}:${phase}`;
  let clock = clocks.get(key);
  if (!clock) {
    clock = { subs: new Set(), timer: 0, count: 0, fired: -Infinity };
    clocks.set(key, clock);
  }
  const c = clock;
  c.subs.add(sub);
  const unsubscribe = snapshotLane.subscribe((s, change) => {
    // A new run reaches every view, in sight or not: none may pair the new config with the old run's snapshot.
    if (change === 'run') return deliver(sub, s);
    // Not streaming (paused, done, scrubbed): every view shows the snapshot, those out of sight one by one.
    const settled = change !== 'frame' || !s.training || s.scrubStep !== null;
    if (!sub.visible) {
      if (settled) catchUp(sub);
      return;
    }
    if (settled && sub.delay > 0) {
      // As the scrubber travels, a heavy view waits until it rests a moment, each view its own
      // moment, so one key press never redraws every view in one task.
      window.clearTimeout(sub.delayTimer);
      sub.delayTimer = window.setTimeout(() => deliver(sub, snapshotLane.getState(), false), sub.delay);
      return;
    }
    // A view still waiting for its first snapshot gets it at once (a React view as a transition:
    // sliced), a paced one in its turn of the frame line.
    if (settled) deliver(sub, s);
    else if (sub.seen?.shown == null) firstShow(sub, s);
    else if (!c.timer) tick(period, phase, c);
  });
  return () => {
    unsubscribe();
    leaveTurn(sub);
    window.clearTimeout(sub.delayTimer);
    behind.delete(sub);
    c.subs.delete(sub);
    if (c.subs.size === 0) {
      if (c.timer) window.clearTimeout(c.timer);
      clocks.delete(key);
    }
  };
}

/** Tracks whether `box` is in sight; calls `onShow` when it comes into sight. */
function watchSight(box: Element | null, sub: Subscriber, onShow: () => void): () => void {
  if (!box || typeof IntersectionObserver === 'undefined') return () => {};
  const io = new IntersectionObserver((entries) => {
    sub.visible = entries.some((e) => e.isIntersecting);
    if (sub.visible) onShow();
  });
  io.observe(box);
  return () => io.disconnect();
}

export interface LaneOptions {
  /** Milliseconds between updates while training. */
  period: number;
  /** Offset of this view's updates within the period, so heavy drawers redraw in separate tasks. */
  phase?: number;
  /** Milliseconds a scrub or stop waits before it shows (restarted by the next); default 0, at once. */
  delay?: number;
}

/**
 * Keeps the drawer `create` makes in `box` (on mount; destroyed on unmount) and calls its
 * `update(shown, history)` from the lane, with no React render. `deps` are what the drawer reads
 * besides the lane (the view passes them through a ref): when they change it is updated at once.
 */
export function useSnapshotDrawer<D extends SnapshotDrawer>(
  create: (box: HTMLDivElement) => D,
  { period, phase = 0, delay = 0 }: LaneOptions,
  deps: readonly unknown[] = [],
): { box: RefObject<HTMLDivElement | null>; drawer: RefObject<D | null> } {
  const box = useRef<HTMLDivElement>(null);
  const drawer = useRef<D | null>(null);
  const createRef = useRef(create);
  createRef.current = create;
  const sub = useRef<Subscriber | null>(null);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const d = createRef.current(el);
    drawer.current = d;
    const s: Subscriber = { seen: null, visible: true, every: 1, offset: 0, delay, delayTimer: 0, deliver: (state) => d.update(state.shown, state.history) };
    sub.current = s;
    deliver(s, snapshotLane.getState());
    const leave = join(s, period, phase);
    // The view around the box decides sight: the box itself may be hidden until data arrives.
    const unwatch = watchSight(el.parentElement ?? el, s, () => deliver(s, snapshotLane.getState()));
    return () => {
      unwatch();
      leave();
      d.destroy();
      drawer.current = null;
      sub.current = null;
    };
  }, [period, phase, delay]);
  // What the drawer reads besides the lane changed: redraw now with the lane as it is.
  const first = useRef(true);
  useLayoutEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const s = sub.current;
    if (s) {
      s.seen = null;
      deliver(s, snapshotLane.getState());
    }
  }, deps);
  return { box, drawer };
}

export interface ShownSnapshot {
  /** The snapshot shown: the live one, or the one the scrubber chose. */
  snapshot: RunSnapshot | null;
  /** Every snapshot kept so far, by step. */
  history: readonly RunSnapshot[];
  /** A ref for the view's root: while it is out of sight the view is not updated. */
  box: (el: Element | null) => void;
}

/** The one clock of React views while training: at most 1000 / REACT_TICK_MS commits a second. */
export const REACT_TICK_MS = 500;

/**
 * The lane as React state, for views that are React tables: re-renders at most every `period`
 * ms while training (a multiple of REACT_TICK_MS; every view of a tick in one commit; `turn`
 * picks which tick of the period, so heavy views take turns), at once otherwise, or, for a heavy
 * view, `delay` ms after the scrubber rests. `paced`: a big table whose first snapshot of a run
 * takes a turn in the page's frame line, so it lays out in a frame of its own.
 */
export function useShownSnapshot(period = REACT_TICK_MS, turn = 0, delay = 0, paced = false): ShownSnapshot {
  const [state, setState] = useState<LaneState>(() => snapshotLane.getState());
  const every = Math.max(1, Math.round(period / REACT_TICK_MS));
  const sub = useRef<Subscriber>(null as unknown as Subscriber);
  if (sub.current === null) {
    sub.current = {
      seen: null, visible: true, every, offset: turn, delay, delayTimer: 0, paced, firstTurn: null,
      // A clock tick renders as a transition: React slices the views' work into short tasks and
      // still commits once; a new run, scrub or stop renders at once, with what caused it.
      deliver: (s, urgent) => (urgent ? setState(s) : startTransition(() => setState(s))),
    };
  }
  sub.current.every = every;
  sub.current.offset = turn;
  sub.current.delay = delay;
  const unwatch = useRef<() => void>(() => {});
  const box = useCallback((el: Element | null) => {
    unwatch.current();
    const s = sub.current;
    unwatch.current = watchSight(el, s, () => deliver(s, snapshotLane.getState()));
  }, []);
  // A snapshot has committed: a first-snapshot turn, if this view held one, is over.
  useEffect(() => {
    if (state.shown) leaveTurn(sub.current);
  }, [state]);
  useEffect(() => {
    const s = sub.current;
    s.seen = null;
    deliver(s, snapshotLane.getState());
    const leave = join(s, REACT_TICK_MS, 0);
    return () => {
      leave();
      unwatch.current();
    };
  }, []);
  return { snapshot: state.shown, history: state.history, box };
}

/**
 * Calls `onTick` on the React views' clock while training (in the same task as their updates,
 * so what it sets commits with them) and at once on a new run, a scrub or a stop. For results
 * that arrive between ticks (the graph worker's answers): held until the tick, they add no commit.
 */
export function useReactTick(onTick: () => void): void {
  const ref = useRef(onTick);
  ref.current = onTick;
  useEffect(() => {
    const s: Subscriber = { seen: null, visible: true, every: 1, offset: 0, delay: 0, delayTimer: 0, deliver: () => ref.current() };
    const leave = join(s, REACT_TICK_MS, 0);
    return leave;
  }, []);
}
