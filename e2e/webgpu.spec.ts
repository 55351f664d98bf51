/** The WebGPU engine in the browser (SwiftShader here): forced by the URL, it trains to the collapse. */
import { expect, test } from '@playwright/test';
import { metric, waitForStatus, watchErrors } from './helpers.ts';

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
