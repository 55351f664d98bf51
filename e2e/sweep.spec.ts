/** The sweep: 5 λ × 4 seeds × 3 variants train at once, the phase diagram appears, a dot opens its run. */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { shoot, waitForStatus, watchErrors } from './helpers.ts';

test('a sweep draws the phase diagram, exports CSV, and a dot opens its exact run', async ({ page }) => {
  const errors = watchErrors(page);
  // The page's own run is not what the sweep reads: a short one, done before the sweep starts.
  await page.goto('/#v=1&steps=1500');
  await waitForStatus(page, 'done');

  const sweep = page.getByTestId('view-sweep');
  await sweep.locator('summary').click();
  await page.getByTestId('sweep-lambda-min').fill('0.03');
  await page.getByTestId('sweep-lambda-max').fill('3');
  await page.getByTestId('sweep-lambdas').fill('5');
  await page.getByTestId('sweep-seeds').fill('4');
  await page.getByTestId('sweep-steps').fill('1500');
  for (const v of ['clt-concat', 'clt-sum', 'plt']) await expect(page.getByTestId(`sweep-variant-${v}`)).toBeChecked();
  await expect(page.getByTestId('sweep-variant-clt-window')).not.toBeChecked();
  await expect(page.getByTestId('sweep-run')).toHaveText('Run 60 transcoders');

  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'running');
  // The bar moves through the run, not only at its end.
  await expect
    .poll(async () => Number(await page.getByTestId('sweep-progress').getAttribute('data-value')), { timeout: 30_000, intervals: [100] })
    .toBeGreaterThan(0);
  await expect(page.getByTestId('sweep-engine')).toHaveAttribute('data-value', /^(cpu|webgpu)$/);
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-value', '1');

  const dots = page.locator('[data-testid="sweep-dot"]');
  for (const panel of ['l0', 'alive', 'faithfulness', 'mse']) {
    await expect(page.locator(`[data-testid="sweep-dot"][data-panel="${panel}"]`)).toHaveCount(60);
  }
  await expect(dots).toHaveCount(240);
  await expect(page.getByTestId('sweep-diagram').locator('path.median')).toHaveCount(12);
  await shoot(page, 'view-sweep', 'sweep-phase-diagram');
  const axe = await new AxeBuilder({ page }).include('[data-testid="view-sweep"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sweep-csv').click()]);
  expect(download.suggestedFilename()).toBe('transcoder-sweep.csv');
  const csv = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
  expect(csv[0]).toMatch(/^variant,lambda,seed,l0_0,l0_1,/);
  expect(csv).toHaveLength(61);

  // Member 6 of the CLT block: λ index 1, seed 2.
  const dot = page.locator('[data-testid="sweep-dot"][data-panel="l0"]').nth(6);
  const url = (await dot.getAttribute('data-url'))!;
  const params = new URLSearchParams(url.split('#')[1]);
  expect(params.get('seed')).toBe('2');
  expect(params.get('lambda')).toBe(csv[7].split(',')[1]);
  expect(params.get('steps')).toBe('1500');
  expect(csv[7].split(',').slice(0, 3)).toEqual(['clt-concat', params.get('lambda'), '2']);
  const sweptL0 = await dot.getAttribute('data-value');
  const engine = await page.getByTestId('sweep-engine').getAttribute('data-value');

  await dot.hover();
  await expect(page.getByTestId('tooltip')).toContainText(`seed 2`);
  await dot.click();
  await expect(page).toHaveURL(new RegExp(`seed=2&lambda=${params.get('lambda')}`));
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
  await expect(page.getByTestId('seed')).toHaveValue('2');
  await expect(page.getByTestId('lambda')).toHaveValue(params.get('lambda')!);
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', '1500', { timeout: 60_000 });
  await waitForStatus(page, 'done');
  // The CPU engine is exact, so the main view lands on the sweep's number.
  if (engine === 'cpu' && (await page.getByTestId('engine').getAttribute('data-value')) === 'cpu') {
    await expect(page.getByTestId('metric-clt-l0-1')).toHaveAttribute('data-value', sweptL0!);
  }
  expect(errors).toEqual([]);
});

test('a sweep forced onto WebGPU runs there and agrees with the CPU engine; cancel stops a sweep', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&steps=500');
  await waitForStatus(page, 'done');
  await page.getByTestId('view-sweep').locator('summary').click();
  await page.getByTestId('sweep-lambda-min').fill('0.1');
  await page.getByTestId('sweep-lambda-max').fill('1');
  await page.getByTestId('sweep-lambdas').fill('2');
  await page.getByTestId('sweep-seeds').fill('2');
  await page.getByTestId('sweep-steps').fill('400');
  await page.getByTestId('sweep-variant-clt-sum').uncheck();
  const csvOf = async (engine: string): Promise<string[][]> => {
    await page.getByTestId('sweep-engine-choice').selectOption(engine);
    await page.getByTestId('sweep-run').click();
    await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'done', { timeout: 60_000 });
    await expect(page.getByTestId('sweep-engine')).toHaveAttribute('data-value', engine);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sweep-csv').click()]);
    return readFileSync(await download.path(), 'utf8').trimEnd().split('\n').map((l) => l.split(','));
  };
  const cpu = await csvOf('cpu');
  const gpu = await csvOf('webgpu');
  expect(gpu).toHaveLength(9);
  expect(gpu[0]).toEqual(cpu[0]);
  // Same grid in the same order; float32 on the GPU drifts from the float64 reference over 400
  // steps by a feature flipping on an input or two (1/16 of L0 each) and ~1 % of MSE.
  const col = (name: string) => cpu[0].indexOf(name);
  for (let i = 1; i < cpu.length; i++) {
    expect(gpu[i].slice(0, 3)).toEqual(cpu[i].slice(0, 3));
    const d = (name: string) => Math.abs(Number(gpu[i][col(name)]) - Number(cpu[i][col(name)]));
    for (const name of ['l0_0', 'l0_1']) expect(d(name)).toBeLessThanOrEqual(0.25);
    for (const name of ['alive_0', 'alive_1']) expect(d(name)).toBeLessThanOrEqual(2);
    expect(d('mse_total')).toBeLessThanOrEqual(0.05 * Number(cpu[i][col('mse_total')]));
    expect(d('accuracy')).toBeLessThanOrEqual(0.125);
  }

  // A long sweep stops on cancel, keeping the last result's diagram.
  await page.getByTestId('sweep-engine-choice').selectOption('cpu');
  await page.getByTestId('sweep-steps').fill('20000');
  await page.getByTestId('sweep-run').click();
  await expect.poll(async () => Number(await page.getByTestId('sweep-progress').getAttribute('data-value')), { intervals: [100] }).toBeGreaterThan(0);
  await page.getByTestId('sweep-cancel').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'cancelled', { timeout: 5_000 });
  expect(Number(await page.getByTestId('sweep-progress').getAttribute('data-value'))).toBeLessThan(1);
  await expect(page.locator('[data-testid="sweep-dot"][data-panel="l0"]')).toHaveCount(8);
  expect(errors).toEqual([]);
});
