/**
 * `npm run bench:page -- [--json] [--runs N]`: serves the production build, opens the page in
 * Debian's Chromium and measures, while the defaults train: frames per second, the longest
 * main-thread task (Long Tasks API) and the time from navigation to `done`. Build first.
 * `--hash H` opens another experiment (e.g. `v=1&features=256`); `--seconds S` measures the
 * first S seconds of training instead of waiting for `done`; `--view TESTID` scrolls that view into
 * sight first (views out of sight pause); `--dist DIR` serves another build.
 * `--scrub` then travels the scrubber (Home, then → forty times, 50 ms apart) and reports the
 * longest task while scrubbing.
 * "From first paint": over the tasks that start at or after first-contentful-paint (the task that
 * lays out and paints the first frame is before it).
 * Opens at full speed (`speed=max`): the watch pace of a first visit would measure the pacing, not the page.
 */
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const runsArg = argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 3;
const option = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const asked = option('--hash') ?? 'v=1&seed=0';
const hash = /(^|&)speed=/.test(asked) ? asked : `${asked}&speed=max`;
const seconds = option('--seconds') === undefined ? null : Number(option('--seconds'));
const dist = option('--dist') ?? 'dist';
const view = option('--view');
const scrub = argv.includes('--scrub');
const port = Number(option('--port') ?? 4180);
/** `--profile FILE`: a CDP CPU profile of the page's main thread over the measured window (last run). */
const profileFile = option('--profile');
/**
 * `--attribute`: prints, for each long task of the last run, the functions that held it (inclusive
 * time of CDP CPU samples inside the task's window). Build with `--minify false` to read names.
 */
const attribute = argv.includes('--attribute');
/** `--commits`: prints when each React commit came, in ms after training started (last run). */
const showCommits = argv.includes('--commits');
if (!Number.isInteger(runs) || runs < 1 || runs > 20) {
  console.error('bench:page: --runs must be an integer from 1 to 20');
  process.exit(2);
}

/**
 * Counts animation frames, records Long Tasks and counts React commits in the page. React DOM
 * reports every commit to a DevTools hook, production builds included, so a stub hook counts them.
 */
const PROBE = `
  window.__bench = { tasks: [], starts: [], frames: [], commits: [] };
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true, renderers: new Map(), inject() { return 1; }, checkDCE() {},
    onScheduleFiberRoot() {}, onCommitFiberUnmount() {}, onPostCommitFiberRoot() {},
    onCommitFiberRoot() { window.__bench.commits.push(performance.now()); },
  };
  // When the status first reads done: commits are counted while training, not in the redraws after.
  new MutationObserver(() => {
    if (window.__bench.doneAt === undefined && document.querySelector('[data-testid="status"][data-value="done"]')) window.__bench.doneAt = performance.now();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-value'] });
  const tick = () => { window.__bench.frames.push(performance.now()); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => { for (const e of list.getEntries()) { window.__bench.tasks.push(e.duration); window.__bench.starts.push(e.startTime); } })
    .observe({ type: 'longtask', buffered: true });
`;

interface PageFigures {
  doneMs: number;
  trainingMs: number;
  fps: number;
  longestTaskMs: number;
  tasksOver50: number;
  /** First contentful paint, ms after navigation. */
  firstPaintMs: number;
  /** The same two, over the tasks that start at or after the first paint (the issue's window). */
  longestAfterPaintMs: number;
  afterPaintOver50: number;
  /** React commits per second while training. */
  commitsPerS: number;
  /** The same from 1 s after training started to 100 ms before done. */
  steadyCommitsPerS: number;
  /** Longest task while scrubbing (with --scrub), else null. */
  scrubLongestMs: number | null;
}

const server = await preview({ build: { outDir: dist }, preview: { port, host: '127.0.0.1', strictPort: true }, logLevel: 'silent' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});
const results: PageFigures[] = [];
try {
  for (let r = 0; r < runs; r++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    // With --attribute the profile covers the whole load, from before navigation.
    const early = attribute && r === runs - 1 ? await context.newCDPSession(page) : null;
    if (early) {
      await early.send('Profiler.enable');
      await early.send('Profiler.setSamplingInterval', { interval: 200 });
      await early.send('Profiler.start');
    }
    // A string, not a function: tsx's transpiler would wrap a function's inner functions in helpers the page lacks.
    await page.addInitScript(PROBE);
    await page.goto(`http://127.0.0.1:${port}/#${hash}`);
    await page.waitForSelector('[data-testid="status"][data-value="training"]', { timeout: 60_000 });
    if (view) await page.getByTestId(view).scrollIntoViewIfNeeded({ timeout: 60_000 });
    const cdp = early ?? (profileFile ? await context.newCDPSession(page) : null);
    if (cdp && !early) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
    }
    const trainingFrom = await page.evaluate(() => performance.now());
    if (seconds === null) await page.waitForSelector('[data-testid="status"][data-value="done"]', { timeout: 120_000 });
    else await page.waitForTimeout(seconds * 1000);
    const figures = await page.evaluate((from) => {
      const w = window as unknown as { __bench: { tasks: number[]; starts: number[]; frames: number[]; commits: number[]; doneAt?: number } };
      const now = performance.now();
      const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
      const afterPaint = w.__bench.tasks.filter((_, i) => w.__bench.starts[i] >= paint);
      const frames = w.__bench.frames.filter((t) => t >= from);
      return {
        doneMs: now,
        trainingMs: now - from,
        fps: (frames.length / Math.max(1, now - from)) * 1000,
        longestTaskMs: Math.max(0, ...w.__bench.tasks),
        tasksOver50: w.__bench.tasks.filter((d) => d > 50).length,
        firstPaintMs: paint,
        longestAfterPaintMs: Math.max(0, ...afterPaint),
        afterPaintOver50: afterPaint.filter((d) => d > 50).length,
        commitsPerS: (w.__bench.commits.filter((t) => t >= from && t <= (w.__bench.doneAt ?? now)).length / Math.max(1, (w.__bench.doneAt ?? now) - from)) * 1000,
        // The same between the second second of training and the last 100 ms before done: the steady rate, without the first snapshot's and the done status's commits.
        steadyCommitsPerS: (w.__bench.commits.filter((t) => t >= from + 1000 && t < (w.__bench.doneAt ?? now) - 100).length / Math.max(1, (w.__bench.doneAt ?? now) - 100 - from - 1000)) * 1000,
      };
    }, trainingFrom);
    if (showCommits && r === runs - 1) {
      const times = await page.evaluate((from) => {
        const b = (window as unknown as { __bench: { commits: number[]; doneAt?: number } }).__bench;
        return { commits: b.commits.map((t) => Math.round(t - from)), done: Math.round((b.doneAt ?? 0) - from) };
      }, trainingFrom);
      console.log(`React commits (ms after training started; done at ${times.done}): ${times.commits.join(' ')}`);
    }
    let scrubLongestMs: number | null = null;
    if (scrub && seconds === null) {
      const from = await page.evaluate(() => performance.now());
      await page.getByTestId('scrubber').focus();
      await page.keyboard.press('Home');
      for (let k = 0; k < 40; k++) {
        await page.keyboard.press('ArrowRight');
        await page.waitForTimeout(50);
      }
      await page.waitForTimeout(500);
      scrubLongestMs = await page.evaluate((t0) => {
        const b = (window as unknown as { __bench: { tasks: number[]; starts: number[] } }).__bench;
        return Math.max(0, ...b.tasks.filter((_, i) => b.starts[i] >= t0));
      }, from);
    }
    results.push({ ...figures, scrubLongestMs });
    if (cdp) {
      // A marker the profile can see: a 20 ms busy loop whose page time is known, to align clocks.
      const markAt = early
        ? await page.evaluate('(function __benchSync() { const t = performance.now(); while (performance.now() - t < 20) {} return t; })()')
        : 0;
      const { profile } = await cdp.send('Profiler.stop');
      if (profileFile) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(profileFile, JSON.stringify(profile));
      }
      if (attribute && r === runs - 1) {
        const windows = await page.evaluate(() => {
          const b = (window as unknown as { __bench: { tasks: number[]; starts: number[] } }).__bench;
          return b.tasks.map((d, i) => ({ start: b.starts[i], duration: d })).filter((t) => t.duration > 50);
        });
        printAttribution(profile, markAt as number, windows);
      }
    }
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
  firstPaintMs: Math.round(median(results.map((r) => r.firstPaintMs))),
  longestAfterPaintMs: Math.round(Math.max(...results.map((r) => r.longestAfterPaintMs))),
  afterPaintOver50: Math.max(...results.map((r) => r.afterPaintOver50)),
  commitsPerS: Math.round(10 * median(results.map((r) => r.commitsPerS))) / 10,
  steadyCommitsPerS: Math.round(10 * median(results.map((r) => r.steadyCommitsPerS))) / 10,
  scrubLongestMs: scrub ? Math.round(Math.max(...results.map((r) => r.scrubLongestMs ?? 0))) : null,
};
for (const [k, r] of results.entries()) {
  console.log(`run ${k + 1}: ${seconds === null ? 'done' : `measured ${seconds} s of training, until`} ${Math.round(r.doneMs)} ms after navigation, ${Math.round(r.fps)} fps while training, longest main-thread task ${Math.round(r.longestTaskMs)} ms (${r.tasksOver50} over 50 ms), from first paint (${Math.round(r.firstPaintMs)} ms) ${Math.round(r.longestAfterPaintMs)} ms (${r.afterPaintOver50}), ${r.commitsPerS.toFixed(1)} React commits/s (steady ${r.steadyCommitsPerS.toFixed(1)})${r.scrubLongestMs === null ? '' : `; longest task while scrubbing ${Math.round(r.scrubLongestMs)} ms`}`);
}
console.log(`median of ${runs}: ${seconds === null ? 'done in' : 'measured until'} ${summary.doneMs} ms, ${summary.fps} fps; longest task of any run ${summary.longestTaskMs} ms, from first paint ${summary.longestAfterPaintMs} ms; ${summary.commitsPerS} React commits/s (steady ${summary.steadyCommitsPerS})${summary.scrubLongestMs === null ? '' : `; longest task while scrubbing ${summary.scrubLongestMs} ms`}`);
if (json) console.log(JSON.stringify(summary));

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }

/** For each window, the functions on the stack longest (inclusive), from the profile's samples. */
function printAttribution(
  profile: { nodes: ProfileNode[]; startTime: number; samples?: number[]; timeDeltas?: number[] },
  markPageMs: number,
  windows: { start: number; duration: number }[],
): void {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const times: number[] = [];
  let t = 0;
  for (const d of deltas) times.push((t += d));
  // The first sample inside the marker is at page time markPageMs.
  const inMark = (id: number | undefined): boolean => {
    for (; id !== undefined; id = parent.get(id)) if (byId.get(id)!.callFrame.functionName === '__benchSync') return true;
    return false;
  };
  const first = samples.findIndex((id) => inMark(id));
  if (first < 0) {
    console.log('attribution: the clock marker is not in the profile');
    return;
  }
  const pageMsAtStart = markPageMs - times[first] / 1000;
  for (const w of windows) {
    const inclusive = new Map<string, number>();
    const self = new Map<string, number>();
    let counted = 0;
    for (let i = 0; i < samples.length; i++) {
      const ms = pageMsAtStart + times[i] / 1000;
      if (ms < w.start || ms > w.start + w.duration) continue;
      const dt = (i + 1 < times.length ? times[i + 1] - times[i] : 0) / 1000;
      counted += dt;
      const leaf = byId.get(samples[i])!.callFrame;
      const leafKey = `${leaf.functionName || '(anonymous)'} ${leaf.url.split('/').pop()}:${leaf.lineNumber + 1}`;
      self.set(leafKey, (self.get(leafKey) ?? 0) + dt);
      const seen = new Set<string>();
      for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
        const f = byId.get(id)!.callFrame;
        const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
      }
    }
    const depth = Number(option('--attribute-lines') ?? 14);
    const top = [...inclusive].filter(([k]) => !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, depth);
    console.log(`long task at ${Math.round(w.start)} ms, ${Math.round(w.duration)} ms (${Math.round(counted)} ms sampled):`);
    for (const [k, v] of top) console.log(`  ${v.toFixed(1).padStart(7)} ms  ${k}`);
    console.log('  self:');
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`  ${v.toFixed(1).padStart(7)} ms  ${k}`);
  }
}
