/**
 * `npm run bench:saved -- [--json] [--port P] [--dist DIR]`: serves the production build, opens
 * the page in Debian's Chromium and measures the saved-experiments panel with 1, 100 and 200
 * experiments stored: the time from clicking "save" to the new row on the page (the save that
 * brings the store to that many), and the time to list them (reading IndexedDB through drawing
 * the list, after a reload); for the save also the renderer main thread's CPU time meanwhile (CDP
 * Performance.getMetrics ThreadTime), which the shared machine's load inflates far less than
 * wall time. `--training` measures while a features=256 run trains (the page at
 * its busiest) instead of on an idle page. Build first (`npx vite build`).
 */
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { preview } from 'vite';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const arg = (name: string, fallback: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const port = Number(arg('--port', '4181'));
const dist = arg('--dist', 'dist');
const training = argv.includes('--training');
// Idle: a short run that has ended. Training: the largest feature count, a run that outlasts the bench.
const hash = training ? 'v=1&steps=200000&features=256' : 'v=1&steps=2000';
const SIZES = [1, 100, 200];
const RUNS = 5;

/** Writes `n` valid saved experiments straight into the page's store. */
async function fill(page: Page, n: number): Promise<void> {
  await page.evaluate(`(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('transcoder-lab');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tx = db.transaction('experiments', 'readwrite');
    const store = tx.objectStore('experiments');
    store.clear();
    for (let k = 0; k < ${n}; k++) {
      const id = 'bench-' + k;
      const when = new Date(Date.UTC(2025, 0, 1) + k * 60000).toISOString();
      store.put({ v: 1, id, name: 'bench ' + k, hash: 'v=1&seed=' + k + '&lambda=0.' + (k % 9 + 1) + '&steps=2000&cut=efgh%3E1', savedAt: when, step: 2000, model: '(a XOR b) AND (c XOR d)' }, 'exp:' + id);
    }
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
    db.close();
  })()`);
}

const rows = (page: Page) => page.locator('[data-testid="saved-item"]').count();

/** Reloads and times reading and drawing the list of `n`. */
async function timeList(page: Page, n: number): Promise<number> {
  await page.reload();
  await page.waitForSelector('[data-testid="saved-panel"]');
  // From the panel's first read of IndexedDB to its rows on the page.
  await page.waitForFunction(`document.querySelectorAll('[data-testid="saved-item"]').length === ${n}`, undefined, { timeout: 60_000 });
  // The panel marks each read of IndexedDB ('saved:list') and each list it draws ('saved:drawn').
  await page.waitForFunction(`performance.getEntriesByName('saved:drawn').some((m) => m.detail === ${n})`, undefined, { timeout: 60_000 });
  return page.evaluate(`(() => {
    const drawn = performance.getEntriesByName('saved:drawn').find((m) => m.detail === ${n});
    const read = performance.getEntriesByName('saved:list').filter((m) => m.startTime <= drawn.startTime).pop();
    return drawn.startTime - read.startTime;
  })()`) as Promise<number>;
}

/** The renderer main thread's CPU time so far, in ms. */
async function threadMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
}

/** Clicks save and times until the row count reaches `n`: wall time and main-thread CPU time. */
async function timeSave(page: Page, cdp: CDPSession, n: number): Promise<{ wall: number; cpu: number }> {
  await page.fill('[data-testid="saved-name"]', `bench new ${n}`);
  const c0 = await threadMs(cdp);
  const t0 = await page.evaluate('performance.now()') as number;
  await page.click('[data-testid="saved-save"]');
  await page.waitForFunction(`document.querySelectorAll('[data-testid="saved-item"]').length === ${n}`, undefined, { timeout: 60_000, polling: 'raf' });
  const t1 = await page.evaluate('performance.now()') as number;
  return { wall: t1 - t0, cpu: (await threadMs(cdp)) - c0 };
}

const server = await preview({ build: { outDir: dist }, preview: { port, host: '127.0.0.1', strictPort: true }, logLevel: 'silent' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const figures: { records: number; saveMs: number; saveCpuMs: number; listMs: number }[] = [];
try {
  // The page's CSP forbids eval, which waitForFunction's string predicates need.
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(`http://127.0.0.1:${port}/#${hash}`);
  await page.waitForSelector(`[data-testid="status"][data-value="${training ? 'training' : 'done'}"]`, { timeout: 120_000 });
  console.log(training ? 'while a features=256 run trains:' : 'on an idle page (a 2,000-step run done):');
  for (const n of SIZES) {
    const saves: number[] = [];
    const cpus: number[] = [];
    const lists: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      await fill(page, n - 1);
      await page.reload();
      await page.waitForFunction(`document.querySelectorAll('[data-testid="saved-item"]').length === ${n - 1} || (${n - 1} === 0 && document.querySelector('[data-testid="saved-empty"]'))`, undefined, { timeout: 60_000 });
      const t = await timeSave(page, cdp, n);
      saves.push(t.wall);
      cpus.push(t.cpu);
      if (await rows(page) !== n) throw new Error(`expected ${n} rows`);
      lists.push(await timeList(page, n));
    }
    figures.push({ records: n, saveMs: Math.round(median(saves)), saveCpuMs: Math.round(median(cpus)), listMs: Math.round(median(lists)) });
    console.log(`${String(n).padStart(3)} records: save ${Math.round(median(saves))} ms, ${Math.round(median(cpus))} ms of main-thread CPU (click to row, median of ${RUNS}: ${saves.map(Math.round).join(', ')} / CPU ${cpus.map(Math.round).join(', ')}), list ${Math.round(median(lists))} ms (IndexedDB read to rows drawn: ${lists.map(Math.round).join(', ')})`);
  }
  await context.close();
} finally {
  await browser.close();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
}
if (json) console.log(JSON.stringify({ training, figures }));
