import { describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../core/snapshot.ts';
import { initialPace, speedFor, WATCH_SPEED } from './pace.ts';

/** A snapshot whose CLT has this layer-1 L0 (only the fields speedFor reads). */
function snap(step: number, l0: number): RunSnapshot {
  const metrics = { l0: [1.1, l0] };
  return { step, totalSteps: 15000, members: [{ kind: 'clt', metrics }, { kind: 'plt', metrics: { l0: [1.2, 0.7] } }] } as unknown as RunSnapshot;
}

describe('watch pace', () => {
  it('trains slowest while the CLT layer-1 L0 falls from 1 to 0', () => {
    expect(speedFor('watch', null)).toBe(WATCH_SPEED.before);
    expect(speedFor('watch', snap(0, 0))).toBe(WATCH_SPEED.before);
    expect(speedFor('watch', snap(2000, 2.9))).toBe(WATCH_SPEED.before);
    expect(speedFor('watch', snap(5000, 1))).toBe(WATCH_SPEED.before);
    expect(speedFor('watch', snap(6000, 0.25))).toBe(WATCH_SPEED.collapsing);
    expect(speedFor('watch', snap(9300, 0))).toBe(WATCH_SPEED.after);
    expect(WATCH_SPEED.collapsing).toBeLessThan(WATCH_SPEED.before);
  });

  it('a fixed pace is its own speed', () => {
    expect(speedFor(1, snap(6000, 0.25))).toBe(1);
    expect(speedFor(0.05, null)).toBe(0.05);
  });

  it('opens at the link’s speed, else the stored choice, else watch', () => {
    expect(initialPace(null, null)).toBe('watch');
    expect(initialPace(null, 'max')).toBe(1);
    expect(initialPace(null, 'nonsense')).toBe('watch');
    expect(initialPace('watch', 'max')).toBe('watch');
    expect(initialPace('max', null)).toBe(1);
  });
});
