/** The WebGPU engine in the browser (SwiftShader here): forced by the URL, it trains to the collapse. */
import { expect, test } from '@playwright/test';
import { allMetrics, metric, waitForStatus, watchErrors } from './helpers.ts';

test('#engine=webgpu trains to done on the GPU engine, and the CLT collapses', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  await page.goto('/#v=1&seed=0&engine=webgpu');
  await expect(page.getByTestId('engine')).toHaveAttribute('data-value', 'webgpu', { timeout: 60_000 });
  await waitForStatus(page, 'done', 220_000);
  await expect(page.getByTestId('engine')).toHaveAttribute('data-value', 'webgpu');
  expect(await metric(page, 'metric-clt-l0-1')).toBe(0);
  expect(await metric(page, 'metric-clt-alive-1')).toBe(0);
  expect(await metric(page, 'metric-plt-l0-1')).toBeGreaterThan(0.5);
  expect(await metric(page, 'metric-clt-accuracy')).toBe(1);
  expect(errors).toEqual([]);
});

test('auto picks the CPU engine on a software adapter; cpu can be forced', async ({ page }) => {
  await page.goto('/#v=1&seed=0&steps=2000');
  await waitForStatus(page, 'done');
  await expect(page.getByTestId('engine')).toHaveAttribute('data-value', 'cpu');
  await page.goto('/#v=1&seed=0&steps=2000&engine=cpu');
  await page.reload();
  await waitForStatus(page, 'done');
  await expect(page.getByTestId('engine')).toHaveAttribute('data-value', 'cpu');
});

test('in Chromium the WebGPU engine reaches the CPU engine\'s metrics after the same 100 steps', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await page.goto('/#v=1&seed=2&steps=100&engine=webgpu');
  await waitForStatus(page, 'done', 100_000);
  await expect(page.getByTestId('engine')).toHaveAttribute('data-value', 'webgpu');
  const gpu = await allMetrics(page);
  const context = await browser.newContext();
  const cpuPage = await context.newPage();
  await cpuPage.goto('/#v=1&seed=2&steps=100&engine=cpu');
  await waitForStatus(cpuPage, 'done');
  const cpu = await allMetrics(cpuPage);
  await context.close();
  expect(Object.keys(gpu).sort()).toEqual(Object.keys(cpu).sort());
  for (const [id, value] of Object.entries(cpu)) {
    const a = Number(gpu[id]);
    const b = Number(value);
    // Counts and classes are exact; MSE and loss carry float32 rounding (the GPU trains in f32).
    if (/-(mse|loss)/.test(id)) expect(Math.abs(a - b), id).toBeLessThanOrEqual(1e-4 * Math.max(1e-3, Math.abs(b)) + 1e-6);
    else expect(a, id).toBe(b);
  }
});
