/**
 * Faults a user meets: a run that diverges, a GPU device that is lost, a training worker that
 * crashes. Each time the page says what happened, keeps the experiment and carries on.
 */
import { expect, test, type Page } from '@playwright/test';
import { exportBaseModel } from '../src/onnx/export.ts';
import { metric, shoot, waitForStatus, watchErrors } from './helpers.ts';
import { file, sixDimModel } from './testModels.ts';

type Fault = 'device-lost' | 'crash';

/** What the console's `transcoderLab.injectFault` does: the real failure, on purpose. */
async function inject(page: Page, fault: Fault): Promise<void> {
  await page.evaluate((f) => (window as unknown as { transcoderLab: { injectFault: (f: string) => void } }).transcoderLab.injectFault(f), fault);
}

async function stepNow(page: Page): Promise<number> {
  return metric(page, 'step');
}

/** Every metric cell the table shows, as text: none may read NaN or Infinity. */
async function metricTexts(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid^="metric-"]', (els) => els.map((e) => `${e.getAttribute('data-value')} ${e.textContent ?? ''}`));
}

test('a huge learning rate diverges: status error, a plain message, the last finite state shown, and a fix retrains', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&seed=0&lr=1000&steps=3000');
  await waitForStatus(page, 'error');
  const banner = page.getByTestId('error');
  // Which shows first, a non-finite loss or non-finite parameters, depends on where the chunk
  // boundaries fall (wall-clock pacing); either is named, with the last finite step.
  await expect(banner).toContainText(/Training diverged by step \d+: (loss became (NaN|infinite)|parameters became NaN or infinite); showing the last finite step 0\. Lower the learning rate\./);
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', '0');
  for (const text of await metricTexts(page)) expect(text).not.toMatch(/NaN|Infinity/);
  await shoot(page, 'error', 'fault-diverged');
  // Play does not push a diverged run further.
  await expect(page.getByTestId('play')).toBeEnabled();
  await page.getByTestId('play').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-value', 'error');
  // The fix: a sane learning rate from the controls retrains and the banner goes.
  const lr = page.getByTestId('lr');
  await lr.fill('0.003');
  await lr.press('Enter');
  await waitForStatus(page, 'done');
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(await metric(page, 'metric-clt-accuracy')).toBe(1);
  expect(errors).toEqual([]);
});

test('a lost GPU device: the run continues on the CPU engine from the GPU\'s last state, with a notice', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await page.goto('/#v=1&seed=0&engine=webgpu&steps=20000&cut=e%3E1');
  await expect(page.getByTestId('engine')).toHaveAttribute('data-value', 'webgpu', { timeout: 60_000 });
  await expect.poll(() => stepNow(page), { timeout: 60_000 }).toBeGreaterThan(500);
  await inject(page, 'device-lost');
  await expect(page.getByTestId('engine')).toHaveAttribute('data-value', 'cpu');
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText(/The GPU device was lost \(.+\); the run continues on the CPU engine from step \d+\./);
  const from = Number(/from step (\d+)/.exec((await notice.textContent()) ?? '')![1]);
  expect(from).toBeGreaterThan(0);
  await waitForStatus(page, 'done', 120_000);
  // The notice outlives the status change; the experiment (its cut) is still the URL's.
  await expect(notice).toContainText('continues on the CPU engine');
  await expect(page).toHaveURL(/cut=e%3E1|cut=e>1/);
  expect(await stepNow(page)).toBe(20000);
  for (const text of await metricTexts(page)) expect(text).not.toMatch(/NaN|Infinity/);
  expect(await metric(page, 'metric-clt-accuracy')).toBe(1);
  // History from before the loss is kept: the scrubber can go back to step 0.
  await page.getByTestId('scrubber').fill('0');
  await expect(page.getByTestId('scrub-step')).toHaveAttribute('data-value', '0');
  await shoot(page, 'notice', 'fault-gpu-lost');
  expect(errors).toEqual([]);
});

test('a crashed worker: a fresh one resumes from the last snapshot, training or paused, and nothing is lost', async ({ page }) => {
  test.setTimeout(180_000);
  // The simulated crash is an uncaught error in the worker; the console reports it, as it would a real one.
  await page.goto('/#v=1&seed=0&lambda=0.3&steps=150000&cut=e%3E1');
  await expect.poll(() => stepNow(page), { timeout: 60_000 }).toBeGreaterThan(3000);
  const url = page.url();
  await inject(page, 'crash');
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText(/The training worker crashed; a fresh one resumed the run from step \d+/);
  const from = Number(/from step (\d+)/.exec((await notice.textContent()) ?? '')![1]);
  expect(from).toBeGreaterThan(3000);
  await waitForStatus(page, 'training');
  await expect.poll(() => stepNow(page)).toBeGreaterThan(from + 2000);
  expect(page.url()).toBe(url);
  // Snapshots from before the crash are still there to travel to.
  await page.getByTestId('scrubber').fill('0');
  await expect(page.getByTestId('scrub-step')).toHaveAttribute('data-value', '0');
  await page.getByTestId('live').click();

  // Paused, a crash resumes paused at the same step; play continues.
  await page.getByTestId('pause').click();
  await waitForStatus(page, 'paused');
  const at = await stepNow(page);
  await inject(page, 'crash');
  await expect(notice).toContainText(`resumed the run from step ${at}`);
  await waitForStatus(page, 'paused');
  expect(await stepNow(page)).toBe(at);
  await page.getByTestId('play').click();
  await expect.poll(() => stepNow(page)).toBeGreaterThan(at);
  for (const text of await metricTexts(page)) expect(text).not.toMatch(/NaN|Infinity/);
  await shoot(page, 'notice', 'fault-worker-crash');
});

test('a crashed worker resumes a write-up-preset run (padded decoder columns) paused at the same step, and it trains on', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/#v=1&seed=0&preset=write-up');
  await expect.poll(() => stepNow(page), { timeout: 60_000 }).toBeGreaterThan(300);
  await page.getByTestId('pause').click();
  await waitForStatus(page, 'paused');
  const at = await stepNow(page);
  await inject(page, 'crash');
  // Without its padded columns the fresh worker would refuse the state and show an error.
  await expect(page.getByTestId('notice')).toContainText(`resumed the run from step ${at}`);
  await waitForStatus(page, 'paused');
  expect(await stepNow(page)).toBe(at);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await page.getByTestId('play').click();
  await expect.poll(() => stepNow(page)).toBeGreaterThan(at);
  for (const text of await metricTexts(page)) expect(text).not.toMatch(/NaN|Infinity/);
});

test('a worker that crashes while training an uploaded model resumes on that model, not the default one', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/#v=1&steps=150000');
  await waitForStatus(page, 'training');
  await page.getByTestId('onnx-upload').setInputFiles(file('six.onnx', exportBaseModel(sixDimModel())));
  await expect(page.getByTestId('upload-status')).toHaveAttribute('data-value', 'ready');
  await page.getByTestId('upload-train').click();
  await expect(page.getByTestId('data-source')).toContainText('six-dim test model');
  await expect.poll(() => stepNow(page), { timeout: 60_000 }).toBeGreaterThan(2000);
  await inject(page, 'crash');
  await expect(page.getByTestId('notice')).toContainText(/The training worker crashed; a fresh one resumed the run from step \d+/);
  const from = Number(/from step (\d+)/.exec((await page.getByTestId('notice').textContent()) ?? '')![1]);
  expect(from).toBeGreaterThan(2000);
  await expect(page.getByTestId('data-source')).toContainText('six-dim test model');
  await expect(page.getByTestId('cut-mid1-1')).toBeVisible();
  await expect.poll(() => stepNow(page)).toBeGreaterThan(from + 1000);
  for (const text of await metricTexts(page)) expect(text).not.toMatch(/NaN|Infinity/);
});

test('the graph worker cannot start: the graphs are computed on the page, and the page says so', async ({ page }) => {
  // The worker's script fails to load, as when a proxy or an extension blocks it.
  await page.route(/graphAnalysis\.worker/, (route) => route.abort());
  await page.goto('/#v=1&seed=0');
  await waitForStatus(page, 'done');
  await expect(page.getByTestId('graph-on-page')).toContainText('computed on the page');
  // The graphs are still drawn, and still tell the collapse: a PLT layer-1 node, no CLT one.
  await expect(page.locator('[data-testid^="node-plt-L1-"]').first()).toBeVisible();
  await expect(page.locator('[data-testid^="node-clt-L0-"]').first()).toBeVisible();
  await expect(page.locator('[data-testid^="node-clt-L1-"]')).toHaveCount(0);
});

test('a view whose code cannot load says so in its place; the rest of the page trains and draws', async ({ page }) => {
  // The reconstructions' code chunk fails to load, as on a flaky connection or after a redeploy.
  await page.route(/\/assets\/ReconView-[^/]*\.js$/, (route) => route.abort());
  await page.goto('/#v=1&seed=0');
  await waitForStatus(page, 'done');
  const failed = page.getByTestId('view-load-error');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('The reconstructions view could not load');
  await expect(failed).toContainText('Reload the page');
  // Every other view is there: the story's graphs, the curves, the weights, the step count.
  await expect(page.locator('[data-testid^="node-plt-L1-"]').first()).toBeVisible();
  await expect(page.getByTestId('view-curves')).toBeVisible();
  await expect(page.getByTestId('view-weights')).toBeVisible();
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', /^[1-9]/);
  await failed.scrollIntoViewIfNeeded();
  await shoot(page, 'view-load-error', 'view-load-error');
});
