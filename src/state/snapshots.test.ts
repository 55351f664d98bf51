import { describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../core/snapshot.ts';
import { createSnapshotLane, shownOf, type FrameClock, type LaneChange, type LaneState } from './snapshots.ts';

/** A frame clock the test advances by hand. */
function manualClock(): FrameClock & { frame: () => void; pending: () => number } {
  let next = 1;
  const queued = new Map<number, () => void>();
  return {
    request: (cb) => {
      queued.set(next, cb);
      return next++;
    },
    cancel: (h) => void queued.delete(h),
    frame: () => {
      const due = [...queued.values()];
      queued.clear();
      for (const cb of due) cb();
    },
    pending: () => queued.size,
  };
}

const snap = (step: number): RunSnapshot => ({ step, totalSteps: 1000, members: [] });

function setup() {
  const clock = manualClock();
  const lane = createSnapshotLane(clock);
  const seen: { state: LaneState; change: LaneChange }[] = [];
  lane.subscribe((state, change) => seen.push({ state, change }));
  lane.begin(7);
  seen.length = 0;
  return { clock, lane, seen };
}

describe('snapshot lane', () => {
  it('batches the snapshots of one animation frame into one change, history steps kept in order', () => {
    const { clock, lane, seen } = setup();
    lane.push(7, snap(0), true);
    lane.push(7, snap(5), false);
    lane.push(7, snap(10), true);
    lane.push(7, snap(12), false);
    expect(seen).toHaveLength(0);
    expect(lane.getState().live).toBeNull();
    expect(clock.pending()).toBe(1);
    clock.frame();
    expect(seen).toHaveLength(1);
    expect(seen[0].change).toBe('frame');
    const s = lane.getState();
    expect(s.history.map((h) => h.step)).toEqual([0, 10]);
    expect(s.live?.step).toBe(12);
    expect(s.shown?.step).toBe(12);
    // A later frame appends to the history.
    lane.push(7, snap(20), true);
    clock.frame();
    expect(seen).toHaveLength(2);
    expect(lane.getState().history.map((h) => h.step)).toEqual([0, 10, 20]);
  });

  it('drops snapshots of any run but the current one at the door', () => {
    const { clock, lane, seen } = setup();
    lane.push(7, snap(0), true);
    lane.push(6, snap(400), true);
    lane.push(8, snap(900), true);
    clock.frame();
    expect(lane.getState().history.map((h) => h.step)).toEqual([0]);
    // A new run clears what the old one queued and kept, and refuses its late snapshots.
    lane.push(7, snap(10), true);
    lane.begin(8);
    expect(seen.at(-1)!.change).toBe('run');
    expect(lane.getState().history).toEqual([]);
    expect(lane.getState().live).toBeNull();
    lane.push(7, snap(20), true);
    clock.frame();
    expect(lane.getState().live).toBeNull();
    lane.push(8, snap(0), true);
    clock.frame();
    expect(lane.getState().history.map((h) => h.step)).toEqual([0]);
    expect(lane.getState().run).toBe(8);
  });

  it('keeps the history when the same run continues under a new id (a resumed worker)', () => {
    const { clock, lane } = setup();
    lane.push(7, snap(0), true);
    lane.push(7, snap(10), true);
    lane.adopt(9);
    expect(lane.getState().history.map((h) => h.step)).toEqual([0, 10]);
    lane.push(7, snap(20), true);
    lane.push(9, snap(30), true);
    clock.frame();
    expect(lane.getState().history.map((h) => h.step)).toEqual([0, 10, 30]);
  });

  it('shows the last kept snapshot at or before the scrubbed step, and live again on null', () => {
    const { clock, lane, seen } = setup();
    for (const step of [0, 10, 20, 30]) lane.push(7, snap(step), true);
    lane.push(7, snap(34), false);
    clock.frame();
    lane.scrubTo(25);
    expect(seen.at(-1)!.change).toBe('scrub');
    expect(lane.getState().shown?.step).toBe(20);
    lane.scrubTo(20);
    expect(lane.getState().shown?.step).toBe(20);
    lane.scrubTo(3);
    expect(lane.getState().shown?.step).toBe(0);
    // New snapshots do not move a scrubbed view.
    lane.push(7, snap(40), true);
    clock.frame();
    expect(lane.getState().shown?.step).toBe(0);
    lane.scrubTo(null);
    expect(lane.getState().shown?.step).toBe(40);
    // A scrub applies what is queued first, so it never picks from a stale history.
    lane.push(7, snap(50), true);
    lane.scrubTo(45);
    expect(lane.getState().shown?.step).toBe(40);
    expect(lane.getState().history.at(-1)?.step).toBe(50);
    // A new run may keep a link's scrubbed step.
    lane.begin(8, 30);
    expect(lane.getState().scrubStep).toBe(30);
    expect(shownOf([snap(0), snap(20), snap(40)], null, 30)?.step).toBe(20);
  });

  it('stopping flushes the queue at once and says so', () => {
    const { clock, lane, seen } = setup();
    lane.setTraining(true);
    lane.push(7, snap(0), true);
    lane.push(7, snap(5), false);
    lane.setTraining(false);
    expect(seen.at(-1)!.change).toBe('stop');
    expect(lane.getState().live?.step).toBe(5);
    expect(lane.getState().training).toBe(false);
    expect(clock.pending()).toBe(0);
    // With nothing queued, a stop still tells the views (they may be waiting for their period).
    lane.setTraining(true);
    lane.setTraining(false);
    expect(seen.at(-1)!.change).toBe('stop');
  });
});
