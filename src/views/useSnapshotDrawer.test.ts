import { describe, expect, it } from 'vitest';
import { tickWait } from './useSnapshotDrawer.ts';

describe('tickWait: the React views’ clock', () => {
  it('waits for the next multiple of the period after the phase', () => {
    expect(tickWait(1200, 500, 0, -Infinity)).toBe(300);
    expect(tickWait(1200, 500, 100, -Infinity)).toBe(400);
    expect(tickWait(1000, 500, 0, -Infinity)).toBe(500);
  });

  it('a timer that fired 0.3 ms early does not fire again for the same slot', () => {
    // Due at 1000, fired at 999.7: the slot at 1000 is the one it served; the next is 1500.
    expect(tickWait(999.7, 500, 0, 999.7)).toBeCloseTo(500.3, 6);
  });

  it('a lane change long after the last fire still gets the slot just ahead', () => {
    expect(tickWait(1499.7, 500, 0, 1000)).toBeCloseTo(0.3, 6);
    expect(tickWait(1010, 500, 0, 1000)).toBe(490);
  });
});
