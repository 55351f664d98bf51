import { describe, expect, it } from 'vitest';
import { frameLine } from './taskQueue.ts';

/** A hand-cranked paint: `frame()` paints once and runs the turn that waited for it. */
function fakePaint() {
  let waiting: (() => void)[] = [];
  const paint = (run: () => void) => {
    waiting.push(run);
    return () => {
      waiting = waiting.filter((r) => r !== run);
    };
  };
  const frame = () => {
    const now = waiting;
    waiting = [];
    now.forEach((r) => r());
  };
  return { paint, frame, pending: () => waiting.length };
}

describe('frameLine: one turn per frame', () => {
  it('starts the first turn after a paint, and the next only after done and another paint', () => {
    const { paint, frame } = fakePaint();
    const line = frameLine(paint);
    const started: string[] = [];
    const doneA = line.join(() => started.push('a'));
    line.join(() => started.push('b'));
    expect(started).toEqual([]);
    frame();
    expect(started).toEqual(['a']);
    frame(); // a has not said it is done: b waits
    expect(started).toEqual(['a']);
    doneA();
    expect(started).toEqual(['a']); // done, but no paint since
    frame();
    expect(started).toEqual(['a', 'b']);
  });

  it('a block that leaves before its turn is skipped; one that leaves during its turn frees the line', () => {
    const { paint, frame, pending } = fakePaint();
    const line = frameLine(paint);
    const started: string[] = [];
    const leaveA = line.join(() => started.push('a'));
    const leaveB = line.join(() => started.push('b'));
    line.join(() => started.push('c'));
    leaveB();
    frame();
    leaveA(); // unmounted during its turn, before it committed
    leaveA(); // a second call changes nothing
    frame();
    expect(started).toEqual(['a', 'c']);
    expect(pending()).toBe(0);
  });
});

describe('frameLine: urgent turns', () => {
  it('go ahead of the waiting turns that are not urgent, behind the urgent ones before them', () => {
    const { paint, frame } = fakePaint();
    const line = frameLine(paint);
    const started: string[] = [];
    const done: Record<string, () => void> = {};
    const join = (name: string, urgent: boolean) => {
      done[name] = line.join(() => started.push(name), urgent);
    };
    join('a', false);
    join('b', false);
    frame(); // a takes its turn; b waits
    join('u1', true);
    join('c', false);
    join('u2', true);
    for (let i = 0; i < 4; i++) {
      done[started[started.length - 1]]();
      frame();
    }
    expect(started).toEqual(['a', 'u1', 'u2', 'b', 'c']);
  });
});
