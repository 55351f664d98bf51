/**
 * `npm run bench:page -- [--json] [--runs N]`: serves the production build, opens the page in
 * Debian's Chromium and measures, while the defaults train: frames per second, the longest
 * main-thread task (Long Tasks API) and the time from navigation to `done`, at full speed
 * (`speed=max`). Build first.
 */
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const runsArg = argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 3;
if (!Number.isInteger(runs) || runs < 1 || runs > 20) {
  console.error('bench:page: --runs must be an integer from 1 to 20');
  process.exit(2);
}

/** Counts animation frames and records Long Tasks in the page. */
const PROBE = `
  window.__bench = { tasks: [], frames: [] };
  const tick = () => { window.__bench.frames.push(performance.now()); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.tasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
`;

interface PageFigures {
  doneMs: number;
  trainingMs: number;
  fps: number;
  longestTaskMs: number;
  tasksOver50: number;
}

const server = await preview({ preview: { port: 4180, host: '127.0.0.1', strictPort: true }, logLevel: 'silent' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});
const results: PageFigures[] = [];
try {
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    // A string, not a function: tsx's transpiler would wrap a function's inner functions in helpers the page lacks.
    await page.addInitScript(PROBE);
    // Full speed: the watch pace of a first visit would measure the pacing, not the page.
    await page.goto('http://127.0.0.1:4180/#v=1&seed=0&speed=max');
    await page.waitForSelector('[data-testid="status"][data-value="training"]', { timeout: 60_000 });
    const trainingFrom = await page.evaluate(() => performance.now());
    await page.waitForSelector('[data-testid="status"][data-value="done"]', { timeout: 120_000 });
    const figures = await page.evaluate((from) => {
      const w = window as unknown as { __bench: { tasks: number[]; frames: number[] } };
      const now = performance.now();
      const frames = w.__bench.frames.filter((t) => t >= from);
      return {
        doneMs: now,
        trainingMs: now - from,
        fps: (frames.length / Math.max(1, now - from)) * 1000,
        longestTaskMs: Math.max(0, ...w.__bench.tasks),
        tasksOver50: w.__bench.tasks.filter((d) => d > 50).length,
      };
    }, trainingFrom);
    results.push(figures);
    await context.close();
  }
} finally {
  await browser.close();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = {
  runs,
  doneMs: Math.round(median(results.map((r) => r.doneMs))),
  fps: Math.round(median(results.map((r) => r.fps))),
  longestTaskMs: Math.round(Math.max(...results.map((r) => r.longestTaskMs))),
  tasksOver50: Math.max(...results.map((r) => r.tasksOver50)),
};
for (const [k, r] of results.entries()) {
  console.log(`run ${k + 1}: done ${Math.round(r.doneMs)} ms after navigation, ${Math.round(r.fps)} fps while training, longest main-thread task ${Math.round(r.longestTaskMs)} ms (${r.tasksOver50} over 50 ms)`);
}
console.log(`median of ${runs}: done in ${summary.doneMs} ms, ${summary.fps} fps; longest task ${summary.longestTaskMs} ms`);
if (json) console.log(JSON.stringify(summary));
