/**
 * The watch pace: a first run a person can follow. The worker trains at a share of the wall clock
 * (TrainingSession's speed); at the watch pace that share follows the CLT's layer-1 L0, slowest
 * while it falls from 1 to 0 (the collapse the lab is about) and quicker once it is over.
 */
import type { RunSnapshot } from '../core/snapshot.ts';

/** A pace: `watch`, or a fixed share of the wall clock in (0, 1] (1 is full speed). */
export type Pace = number | 'watch';

/** Shares of the wall clock at the watch pace: before, during and after the collapse. */
export const WATCH_SPEED = { before: 0.3, collapsing: 0.15, after: 0.5 } as const;

/** Where localStorage keeps the reader's choice between `watch` and `max`. */
export const PACE_KEY = 'transcoder-lab:speed';

/** The share of the wall clock the worker should train at, for a pace and the newest snapshot. */
export function speedFor(pace: Pace, snapshot: RunSnapshot | null): number {
  if (pace !== 'watch') return pace;
  const l0 = snapshot?.members.find((m) => m.kind === 'clt')?.metrics.l0[1];
  if (l0 === undefined || snapshot === null || snapshot.step === 0 || l0 >= 1) return WATCH_SPEED.before;
  return l0 > 0 ? WATCH_SPEED.collapsing : WATCH_SPEED.after;
}

/** The pace a page opens at: the link's `speed` key, else the reader's stored choice, else `watch`. */
export function initialPace(fromLink: 'watch' | 'max' | null, stored: string | null): Pace {
  const choice = fromLink ?? (stored === 'max' || stored === 'watch' ? stored : 'watch');
  return choice === 'max' ? 1 : 'watch';
}
