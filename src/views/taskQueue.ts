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
