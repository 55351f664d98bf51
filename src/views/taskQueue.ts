/**
 * One job per task: work that would otherwise run back to back in one task (several views
 * mounting, several heatmaps rebuilding in one commit's effects) takes turns, a task each, so
 * the page can paint and answer input between them.
 */
const queue: { run: () => void; live: boolean }[] = [];
let timer = 0;

function pump(): void {
  timer = 0;
  let job = queue.shift();
  while (job && !job.live) job = queue.shift();
  if (job) job.run();
  if (queue.length > 0) timer = window.setTimeout(pump, 0);
}

/** Runs `run` in a task of its own, after those queued before it; returns a cancel. */
export function inOwnTask(run: () => void): () => void {
  const job = { run, live: true };
  queue.push(job);
  if (!timer) timer = window.setTimeout(pump, 0);
  return () => {
    job.live = false;
  };
}

/** Runs `run` in a task of its own once the next frame has painted (see inOwnTask); returns a cancel. */
export function afterPaint(run: () => void): () => void {
  let cancel = () => {};
  const frame = requestAnimationFrame(() => {
    cancel = inOwnTask(run);
  });
  return () => {
    cancelAnimationFrame(frame);
    cancel();
  };
}

/**
 * A line of turns, one per frame: each turn starts in a task of its own after a paint (see
 * afterPaint), and the next waits until the one before it says it is done and a frame has painted
 * since. Blocks that mount in turns are laid out in frames of their own, not all in one.
 */
export interface FrameLine {
  /**
   * Queues `start`; call the returned `done` once its work has committed (or to leave the line).
   * An urgent turn goes ahead of the waiting turns that are not.
   */
  join(start: () => void, urgent?: boolean): () => void;
}

export function frameLine(paint: (run: () => void) => () => void = afterPaint): FrameLine {
  type Entry = { start: () => void; urgent: boolean };
  const line: Entry[] = [];
  let current: Entry | null = null;
  let turn: (() => void) | null = null;
  const advance = (): void => {
    if (current || turn || line.length === 0) return;
    turn = paint(() => {
      turn = null;
      current = line.shift() ?? null;
      current?.start();
    });
  };
  return {
    join(start, urgent = false) {
      const entry = { start, urgent };
      const before = urgent ? line.findIndex((e) => !e.urgent) : -1;
      if (before >= 0) line.splice(before, 0, entry);
      else line.push(entry);
      advance();
      let left = false;
      return () => {
        if (left) return;
        left = true;
        const at = line.indexOf(entry);
        if (at >= 0) line.splice(at, 1);
        if (current === entry) current = null;
        advance();
      };
    },
  };
}

/** The page's one line: the below-the-fold blocks (Later) and the lazy views' arrivals take turns in it. */
export const pageLine = frameLine();
