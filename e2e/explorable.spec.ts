/** The explorable's first journey: open the page, watch the CLT's layer 1 die, change λ, share. */
import { expect, test } from '@playwright/test';
import { allMetrics, metric, shoot, waitForStatus, watchErrors } from './helpers.ts';

test('defaults train to done: the CLT skips layer 1, the PLT does not', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await waitForStatus(page, 'done');
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', '15000');
  expect(await metric(page, 'metric-clt-l0-1')).toBe(0);
  expect(await metric(page, 'metric-clt-alive-1')).toBe(0);
  expect(await metric(page, 'metric-plt-l0-1')).toBeGreaterThan(0.5);
  expect(await metric(page, 'metric-clt-accuracy')).toBe(1);
  expect(await metric(page, 'metric-plt-accuracy')).toBe(1);
  expect(await metric(page, 'metric-clt-faithfulness')).toBeLessThan(await metric(page, 'metric-plt-faithfulness'));
  await expect(page.getByTestId('engine')).toHaveAttribute('data-value', /cpu|webgpu/);
  await page.screenshot({ path: 'e2e/screenshots/page-done.png', fullPage: true });
  for (const view of ['view-metrics', 'view-model', 'view-curves', 'view-tradeoff', 'view-weights', 'view-activations', 'view-recon']) {
    await shoot(page, view, view);
  }
  expect(errors).toEqual([]);
});

test('moving λ restarts the run from its seed and says so', async ({ page }) => {
  await page.goto('/');
  await waitForStatus(page, 'done');
  await page.getByTestId('lambda').fill('0.05');
  await page.getByTestId('lambda').press('Enter');
  await expect(page.getByTestId('notice')).toContainText('restarted');
  await expect(page).toHaveURL(/lambda=0.05/);
  await waitForStatus(page, 'done');
  // At a small λ there is no pressure to give up layer 1.
  expect(await metric(page, 'metric-clt-l0-1')).toBeGreaterThan(0);
});

test('a shared link replays to the same numbers in a fresh browser context', async ({ page, browser }) => {
  await page.goto('/#v=1&seed=3&steps=6000&lambda=0.5');
  await waitForStatus(page, 'done');
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toContain('seed=3');
  const first = await allMetrics(page);
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(url);
  await waitForStatus(other, 'done');
  expect(await allMetrics(other)).toEqual(first);
  await context.close();
});

test('a malformed URL shows an error and still trains with defaults', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&lambda=banana&features=-3&penalty=<b>x</b>&zzz=1');
  await expect(page.getByTestId('error')).toBeVisible();
  await expect(page.getByTestId('error')).toContainText('lambda');
  expect(await page.locator('b:text("x")').count()).toBe(0);
  await waitForStatus(page, 'done');
  expect(await metric(page, 'metric-clt-l0-1')).toBe(0);
  await shoot(page, 'error', 'error-banner');
  expect(errors).toEqual([]);
});
