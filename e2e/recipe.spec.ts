/**
 * Issue 14: the write-up's recipe from the settings panel trains a collapsed CLT, and the
 * "Why does it collapse?" panel shows the row without the padded mean keep layer 1 alive.
 */
import { expect, test } from '@playwright/test';
import { metric, waitForStatus, watchErrors } from './helpers.ts';

/** A seed whose write-up CLT collapses in the CLI's 10-seed run (README, "Recipe presets"). */
const COLLAPSING_SEED = Number(process.env.E2E_WRITEUP_SEED ?? 1);

test('the write-up preset, chosen in the settings panel, trains a CLT that skips layer 1', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchErrors(page);
  await page.goto(`/#v=1&seed=${COLLAPSING_SEED}`);
  // The spec preset's own run is not what this test reads: the preset is chosen while it trains.
  await waitForStatus(page, 'training');
  await expect(page.getByTestId('preset-departures')).toContainText('Preset in force: spec');

  await page.getByTestId('preset').selectOption('write-up');
  await expect(page.getByTestId('preset-departures')).toContainText("Every recipe option is the write-up preset's");
  await expect(page.getByTestId('notice')).toContainText('preset spec → write-up');
  expect(page.url()).toContain('preset=write-up');
  await waitForStatus(page, 'done', 240_000);
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', '10000');

  expect(await metric(page, 'metric-clt-l0-1')).toBeLessThanOrEqual(0.1);
  expect(await metric(page, 'metric-clt-alive-1')).toBe(0);
  expect(await metric(page, 'metric-clt-accuracy')).toBe(1);
  // MSE both ways, labelled: over the model's 9 dims, and over the 110 padded dims (×9/110).
  const mse = await metric(page, 'metric-clt-mse-0');
  expect(await metric(page, 'metric-clt-mse-padded-0')).toBeCloseTo((mse * 9) / 110, 12);
  await expect(page.getByTestId('view-metrics')).toContainText('MSE over 110 padded dims (layer 0)');
  // Table 1 beside this run: the published CLT layer-1 L0 (0.00) is matched.
  await expect(page.getByTestId('table1-clt-l0-1')).toHaveAttribute('data-match', 'yes');

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByTestId('view-metrics').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/recipe-1440.png' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('preset').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/recipe-390.png' });
  await page.getByTestId('view-table1').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/recipe-table1-390.png' });
  await page.setViewportSize({ width: 1400, height: 1000 });
  // An explicit option departs from the preset and is named.
  await page.locator('summary', { hasText: 'recipe options' }).click();
  await page.getByTestId('padDims').fill('0');
  await page.getByTestId('padDims').press('Enter');
  await expect(page.getByTestId('preset-departures')).toHaveAttribute('data-value', 'padDims');
  await expect(page.getByTestId('preset-departures')).toContainText('padded dims 0 (preset 110)');
  expect(page.url()).toContain('preset=write-up&padDims=0');

  expect(errors).toEqual([]);
});

test('the Why panel: without the padded mean the CLT keeps layer 1 alive', async ({ page }) => {
  // Seven rows of 10,000–15,000 steps each over 3 seeds (0–2), the fewest that show the finding:
  // the write-up preset collapses in seeds 1 and 2 but not 0, so 2 of 3 (a majority) against
  // 1 of 2 (no majority) with 2 seeds; every seed of the spec row collapses and no seed of the
  // padded-mean row does (`npm run reproduce -- --preset spec|write-up [--pad-dims 0] --kinds clt --seeds 0,1,2,3,4`).
  test.setTimeout(600_000);
  const errors = watchErrors(page);
  await page.goto('/');
  // The page's own run is not what this test reads: paused, it leaves the CPU to the panel's sweep.
  await waitForStatus(page, 'training');
  await page.getByTestId('pause').click();
  await waitForStatus(page, 'paused');
  const panel = page.getByTestId('why-panel');
  await panel.locator('summary').click();
  await expect(page.getByTestId('why-seeds')).toHaveValue('5');
  await page.getByTestId('why-seeds').selectOption('3');
  await page.getByTestId('why-run').click();
  await expect(page.getByTestId('why-status')).toHaveAttribute('data-value', 'running');
  await expect(page.getByTestId('why-status')).toHaveAttribute('data-value', 'done', { timeout: 540_000 });
  await expect(page.getByTestId('why-status')).toHaveText('7 rows × 3 seeds trained');

  // The row with the padded mean switched back (padDims 110 → 0): layer 1 alive.
  expect(Number(await page.getByTestId('why-pad-alive-1').getAttribute('data-value'))).toBeGreaterThan(0);
  expect(Number(await page.getByTestId('why-pad-l0-1').getAttribute('data-value'))).toBeGreaterThanOrEqual(0.3);
  expect(Number(await page.getByTestId('why-pad-collapsed').getAttribute('data-value'))).toBeLessThanOrEqual(1);
  for (const id of ['write-up', 'spec', 'pad', 'layout', 'penalty', 'ramp', 'decay']) {
    await expect(page.getByTestId(`why-${id}-l0-1`)).not.toHaveAttribute('data-value', '');
  }
  // The spec preset collapses (SPEC §2 calibration): layer 1 dead.
  expect(await page.getByTestId('why-spec-collapsed').getAttribute('data-value')).toBe('3');
  // The write-up row collapses in a majority of the seeds, the finding's premise.
  expect(await page.getByTestId('why-write-up-collapsed').getAttribute('data-value')).toBe('2');
  // The finding, computed from the table, names the padded mean as an ingredient that stops the collapse.
  await expect(page.getByTestId('why-finding')).toContainText('switching back only the padded mean');

  await page.setViewportSize({ width: 1440, height: 900 });
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/why-1440.png' });
  await page.setViewportSize({ width: 390, height: 844 });
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/why-390.png' });
  expect(errors).toEqual([]);
});
