/**
 * `npm run soak -- --minutes N [--dist DIR] [--port P] [--log FILE] [--seed S] [--json]`: a long
 * scripted session against the production build (vite preview) in Debian's Chromium: rapid λ
 * edits, play/pause/reset, saves (deleting the oldest at the cap) and cuts, for N minutes.
 * Chromium runs with `--enable-logging=stderr --v=1`, its stderr captured to the log file. Reports
 * the JS heap (CDP Performance.getMetrics JSHeapUsedSize) at start and end, the longest
 * main-thread task (PerformanceObserver 'longtask'), and every close, crash or disconnect, with
 * the log lines that mention a crash or memory. Exits 1 if the page closed or crashed. Build first.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview } from 'vite';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const minutes = Number(arg('--minutes', '2'));
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 60) {
  console.error('soak: --minutes must be a number of minutes above 0 and at most 60');
  process.exit(2);
}
const dist = arg('--dist', 'dist');
const port = Number(arg('--port', '4182'));
const logFile = arg('--log', `/tmp/transcoder-soak-${process.pid}.log`);
const profileDir = `/tmp/transcoder-soak-profile-${process.pid}`;
const json = argv.includes('--json');
let seed = Number(arg('--seed', '1')) >>> 0 || 1;

/** A small deterministic generator (xorshift32): one seed, one sequence of actions. */
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** Long tasks of the main thread, collected in the page; a string, so tsx adds no helpers the page lacks. */
const PROBE = `
  window.__soak = { longest: 0, over50: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__soak.longest = Math.max(window.__soak.longest, e.duration);
      if (e.duration > 50) window.__soak.over50++;
    }
  }).observe({ type: 'longtask', buffered: true });
`;

const events: string[] = [];
/** Set once the session is over: the soak's own closing of the page and browser is no event. */
let finishing = false;
const stamp = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** Starts Chromium with logging to `logFile`, and connects to it over CDP. */
async function launch(): Promise<{ browser: Browser; pid: number | undefined }> {
  const log = createWriteStream(logFile);
  const child = spawn(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', [
    '--headless=new', '--no-sandbox', '--remote-debugging-port=0', '--enable-logging=stderr', '--v=1',
    '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic',
    `--user-data-dir=${profileDir}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let head = '';
    const timer = setTimeout(() => reject(new Error('Chromium did not print its DevTools address within 60 s')), 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (head.length < 1e6) {
        head += chunk.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(head);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    });
    child.on('exit', (code, signal) => {
      events.push(`Chromium exited (code ${code}, signal ${signal})`);
      reject(new Error(`Chromium exited early (code ${code}, signal ${signal})`));
    });
  });
  const browser = await chromium.connectOverCDP(endpoint);
  return { browser, pid: child.pid };
}

/** One scripted action on the page; every one is something a user does. */
async function act(page: Page): Promise<string> {
  const r = rand();
  if (r < 0.45) {
    const lambda = pick(['0.01', '0.05', '0.1', '0.3', '0.5', '1', '2', '3']);
    await page.getByTestId('lambda').fill(lambda);
    await page.getByTestId('lambda').press('Enter');
    return 'lambda';
  }
  if (r < 0.7) {
    const button = pick(['play', 'pause', 'reset']);
    const b = page.getByTestId(button);
    if (await b.isEnabled()) await b.click({ timeout: 10_000 });
    return button;
  }
  if (r < 0.85) {
    const cuts = page.locator('[data-testid^="cut-"]');
    const n = await cuts.count();
    if (n > 0) await cuts.nth(Math.floor(rand() * n)).click({ timeout: 10_000 });
    return 'cut';
  }
  if (await page.getByTestId('saved-full').count() > 0 || await page.getByTestId('saved-item').count() >= 40) {
    // Keep the store bounded: delete the oldest (last in the list).
    const last = page.getByTestId('saved-item').last();
    await last.getByTestId('saved-delete').click({ timeout: 10_000 });
    await last.getByTestId('saved-delete-confirm').click({ timeout: 10_000 });
    return 'delete';
  }
  await page.getByTestId('saved-name').fill(`soak ${Math.floor(rand() * 1e6)}`);
  await page.getByTestId('saved-save').click({ timeout: 10_000 });
  return 'save';
}

const server = await preview({ build: { outDir: dist }, preview: { port, host: '127.0.0.1', strictPort: true }, logLevel: 'silent' });
const { browser, pid } = await launch();
const t0 = Date.now();
browser.on('disconnected', () => {
  if (!finishing) events.push(`${stamp(t0)}: the browser disconnected`);
});
const context = browser.contexts()[0] ?? await browser.newContext();
await context.addInitScript(PROBE);
const counts: Record<string, number> = {};
const heap: { at: number; mb: number }[] = [];
let longest = 0;
let over50 = 0;
let closes = 0;
let crashes = 0;
let failures = 0;

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1400, height: 1000 });
  page.on('crash', () => {
    crashes++;
    events.push(`${stamp(t0)}: the page crashed`);
  });
  page.on('close', () => {
    if (!finishing) events.push(`${stamp(t0)}: the page closed`);
  });
  page.on('pageerror', (e) => events.push(`${stamp(t0)}: page error: ${String(e).slice(0, 300)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') events.push(`${stamp(t0)}: console error: ${m.text().slice(0, 300)}`);
  });
  await page.goto(`http://127.0.0.1:${port}/#v=1&steps=20000`);
  await page.getByTestId('status').waitFor({ timeout: 60_000 });
  return page;
}

async function measure(page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  heap.push({ at: (Date.now() - t0) / 1000, mb: used / 2 ** 20 });
  await cdp.detach();
  const probe = await page.evaluate('window.__soak') as { longest: number; over50: number };
  longest = Math.max(longest, probe.longest);
  over50 = Math.max(over50, probe.over50);
}

let page = await openPage();
await measure(page);
const until = t0 + minutes * 60_000;
let nextMeasure = Date.now() + 30_000;
try {
  while (Date.now() < until) {
    if (page.isClosed()) {
      closes++;
      if (!browser.isConnected()) break;
      page = await openPage();
    }
    try {
      const what = await act(page);
      counts[what] = (counts[what] ?? 0) + 1;
    } catch (error) {
      failures++;
      if (!page.isClosed()) events.push(`${stamp(t0)}: an action failed: ${String(error).split('\n')[0].slice(0, 200)}`);
    }
    // Rapid, but not faster than a person could click.
    await new Promise((r) => setTimeout(r, 50 + rand() * 250));
    if (Date.now() >= nextMeasure && !page.isClosed()) {
      await measure(page);
      nextMeasure = Date.now() + 30_000;
    }
  }
  if (!page.isClosed()) await measure(page);
} finally {
  finishing = true;
  await browser.close().catch(() => undefined);
  if (pid) {
    try {
      process.kill(pid);
    } catch {
      // Already gone.
    }
  }
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  // Chromium's last child processes may still be writing the profile as it closes: retry, and
  // never let the clean-up of a temporary folder fail the soak.
  try {
    rmSync(profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (e) {
    console.error(`soak: could not remove ${profileDir} (${e instanceof Error ? e.message : String(e)})`);
  }
}

// What Chromium's own log says about crashes and memory.
const LOOK = /out of memory|\boom\b|crash|renderer process (gone|crashed|exited)|killed|terminat|render_process_host.*(exit|gone)|sad tab/i;
const size = statSync(logFile).size;
const suspicious = readFileSync(logFile, 'utf8').split('\n').filter((l) => LOOK.test(l) && !/crashpad|crash_reporter|--enable-crash|breakpad/i.test(l));
const report = {
  minutes,
  actions: counts,
  failedActions: failures,
  heapMB: { start: heap[0]?.mb, end: heap[heap.length - 1]?.mb, max: Math.max(...heap.map((h) => h.mb)) },
  longestTaskMs: Math.round(longest),
  tasksOver50: over50,
  closes,
  crashes,
  events,
  log: { file: logFile, bytes: size, crashOrMemoryLines: suspicious.length },
};
console.log(`soak: ${minutes} min, ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}; ${failures} actions failed`);
console.log(`heap (JSHeapUsedSize): ${report.heapMB.start?.toFixed(1)} MB at start, ${report.heapMB.end?.toFixed(1)} MB at end, ${report.heapMB.max.toFixed(1)} MB at most (sampled every 30 s: ${heap.map((h) => h.mb.toFixed(0)).join(', ')})`);
console.log(`longest main-thread task ${report.longestTaskMs} ms; ${over50} tasks over 50 ms (on the last page)`);
console.log(`closes ${closes}, crashes ${crashes}`);
for (const e of events) console.log(`  ${e}`);
console.log(`Chromium log: ${logFile} (${(size / 2 ** 20).toFixed(1)} MB), ${suspicious.length} lines about crashes or memory${suspicious.length ? ':' : ''}`);
for (const l of suspicious.slice(0, 20)) console.log(`  ${l.slice(0, 300)}`);
if (json) console.log(JSON.stringify(report));
process.exit(closes + crashes > 0 ? 1 : 0);
