/**
 * The sweep pool (issue 18): the grid sliced over CPU workers, a progress bar that moves with
 * runs done, model-steps/s and time left, cancel, and the same CSV whatever the pool size.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { shoot, waitForStatus, watchErrors } from './helpers.ts';

const barValue = async (page: Page) => Number(await page.getByTestId('sweep-progress').getAttribute('aria-valuenow'));

test('a pooled sweep shows its workers and honest progress, cancels, and a finished one opens a dot’s exact run', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&steps=500');
  await waitForStatus(page, 'done');
  await page.getByTestId('view-sweep').locator('summary').click();
  await page.getByTestId('sweep-lambda-min').fill('0.05');
  await page.getByTestId('sweep-lambda-max').fill('1');
  await page.getByTestId('sweep-lambdas').fill('3');
  await page.getByTestId('sweep-seeds').fill('2');
  await page.getByTestId('sweep-variant-clt-sum').uncheck();
  await page.getByTestId('sweep-engine-choice').selectOption('cpu');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // The default pool: one worker per core, less the page's.
  await expect(page.getByTestId('sweep-workers')).toHaveValue(String(Math.max(1, cores - 1)));
  await page.getByTestId('sweep-workers').selectOption('2');
  const bar = page.getByRole('progressbar', { name: 'sweep progress' });
  await expect(bar).toHaveAttribute('aria-valuenow', '0');

  // A long sweep: the bar, the runs count and the rate move while it trains; cancel stops it.
  // The most steps the bounds allow: on a quiet 2-core machine 12 runs of 6,000 steps ended (4.6 s)
  // before the checks below reached the cancel; 20,000 leave it about 15 s there, longer under load.
  await page.getByTestId('sweep-steps').fill('20000');
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'running');
  await expect(page.getByTestId('sweep-backend')).toHaveText('CPU × 2 workers');
  await expect(page.getByTestId('sweep-backend')).toHaveAttribute('data-value', 'cpu:2');
  await expect.poll(() => barValue(page), { timeout: 30_000, intervals: [100] }).toBeGreaterThan(0);
  const first = await barValue(page);
  await expect.poll(() => barValue(page), { timeout: 30_000, intervals: [100] }).toBeGreaterThan(first);
  await expect.poll(async () => Number(await page.getByTestId('sweep-rate').getAttribute('data-value') || 0), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('sweep-rate')).toContainText('model-steps/s');
  await expect.poll(async () => await page.getByTestId('sweep-eta').getAttribute('data-value'), { timeout: 30_000 }).toMatch(/^\d/);
  await expect(page.getByTestId('sweep-eta')).toHaveText(/^(\d+ s|\d+ min \d\d s|\d+ h \d\d min) left$/);
  await expect.poll(async () => Number(await page.getByTestId('sweep-runs').getAttribute('data-value')), { timeout: 60_000 }).toBeGreaterThan(0);
  await shoot(page, 'view-sweep', 'sweep-pool-running');
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'view-sweep', 'sweep-pool-running-390');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('sweep-cancel').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'cancelled', { timeout: 5_000 });
  const stopped = await barValue(page);
  expect(stopped).toBeLessThan(100);
  await page.waitForTimeout(1000);
  expect(await barValue(page)).toBe(stopped);
  await expect(page.getByTestId('sweep-runs')).not.toHaveAttribute('data-value', '12');

  // Short sweeps to the end on 2 workers, then on 1: the same CSV, bit for bit.
  await page.getByTestId('sweep-steps').fill('600');
  const csvOf = async (workers: string): Promise<string> => {
    await page.getByTestId('sweep-workers').selectOption(workers);
    await page.getByTestId('sweep-run').click();
    await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'done', { timeout: 60_000 });
    await expect(page.getByTestId('sweep-backend')).toHaveAttribute('data-value', `cpu:${workers}`);
    await expect(bar).toHaveAttribute('aria-valuenow', '100');
    await expect(page.getByTestId('sweep-runs')).toHaveText('12 / 12 runs');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sweep-csv').click()]);
    return readFileSync(await download.path(), 'utf8');
  };
  const one = await csvOf('1');
  const two = await csvOf('2');
  expect(two.trimEnd().split('\n')).toHaveLength(13);
  expect(two).toBe(one);
  await expect(page.getByTestId('sweep-results')).toContainText('on the CPU engine × 2 workers');
  await shoot(page, 'view-sweep', 'sweep-pool-done');

  // Run 9 is the PLT block's λ index 1, seed 1 (grid order, whatever slice trained it).
  const row = two.trimEnd().split('\n')[10].split(',');
  expect(row.slice(0, 3)).toEqual(['plt', row[1], '1']);
  const dot = page.locator('[data-testid="sweep-dot"][data-panel="l0"]').nth(9);
  const swept = await dot.getAttribute('data-value');
  expect(swept).toBe(row[two.split('\n')[0].split(',').indexOf('l0_1')]);
  await dot.click();
  await expect(page).toHaveURL(new RegExp(`seed=1&lambda=${row[1]}`));
  await expect(page.getByTestId('seed')).toHaveValue('1');
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', '600', { timeout: 60_000 });
  await waitForStatus(page, 'done');
  if ((await page.getByTestId('engine').getAttribute('data-value')) === 'cpu') {
    await expect(page.getByTestId('metric-plt-l0-1')).toHaveAttribute('data-value', swept!);
  }
  expect(errors).toEqual([]);
});

/** Serves a worker script that throws for the requests `crash` picks (counting from 0). */
async function crashWorkers(page: Page, crash: (n: number) => boolean): Promise<void> {
  let n = 0;
  await page.route('**/assets/sweep.worker-*.js', async (route) => {
    if (crash(n++)) await route.fulfill({ contentType: 'text/javascript', body: "throw new Error('injected crash');" });
    else await route.continue();
  });
}

async function smallGrid(page: Page): Promise<void> {
  await page.goto('/#v=1&steps=300');
  await waitForStatus(page, 'done');
  await page.getByTestId('view-sweep').locator('summary').click();
  await page.getByTestId('sweep-lambdas').fill('3');
  await page.getByTestId('sweep-seeds').fill('2');
  await page.getByTestId('sweep-steps').fill('300');
  await page.getByTestId('sweep-variant-clt-sum').uncheck();
  await page.getByTestId('sweep-engine-choice').selectOption('cpu');
  await page.getByTestId('sweep-workers').selectOption('2');
}

test('a crashed sweep worker’s slice is retried once on a fresh worker', async ({ page }) => {
  await crashWorkers(page, (n) => n === 0);
  await smallGrid(page);
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('sweep-note')).toContainText(/Worker [12] of 2 failed \(the sweep worker crashed .*injected crash.*\); its runs start again on a fresh worker\./);
  await expect(page.getByTestId('sweep-runs')).toHaveText('12 / 12 runs');
  await expect(page.locator('[data-testid="sweep-dot"][data-panel="l0"]')).toHaveCount(12);
});

test('a slice that crashes twice is reported, and the other runs are kept', async ({ page }) => {
  await crashWorkers(page, (n) => n >= 1);
  await smallGrid(page);
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'error', { timeout: 60_000 });
  await expect(page.getByRole('alert')).toContainText(/6 of 12 runs failed twice and are missing from the diagram and CSV — worker [12] \(6 runs\): the sweep worker crashed/);
  await expect(page.locator('[data-testid="sweep-dot"][data-panel="l0"]')).toHaveCount(6);
  await shoot(page, 'view-sweep', 'sweep-pool-failed');
});
