/**
 * The largest circuits the bounds allow (issue 19): a 12-input compiled circuit (4,096 inputs)
 * opens from a link, the page keeps answering while it trains, the activations say they show a
 * sample of the inputs, and the interchange-patch grid says it is not computed at this size.
 */
import { expect, test, type Page } from '@playwright/test';
import { waitForStatus, watchErrors } from './helpers.ts';

const TWELVE = '((a|b)|(c|d)) | ((e|f)|(g|h)) | ((i|j)|(k|l))';

/** Milliseconds the page takes to run a trivial script: how long a click would wait. */
async function answerMs(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.evaluate(() => 1);
  return Date.now() - t0;
}

test('a 12-input circuit opens, trains and answers; views say what they sample or do not compute', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = watchErrors(page);
  await page.goto(`/#v=1&circuit=${encodeURIComponent(TWELVE)}`);
  await waitForStatus(page, 'training');

  // The page answers: pausing takes effect and the status says so.
  await page.getByTestId('pause').click();
  await waitForStatus(page, 'paused', 15_000);
  await page.getByTestId('play').click();
  await waitForStatus(page, 'training', 15_000);

  const activations = page.getByTestId('view-activations');
  await activations.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('activations-sampled')).toContainText('256 of the 4,096 inputs', { timeout: 30_000 });
  // The heatmap draws one column per shown input, not one per input of the model.
  const toggle = page.getByTestId('activations-alive-only');
  const before = await toggle.isChecked();
  await toggle.click();
  await expect(toggle).toBeChecked({ checked: !before, timeout: 5_000 });

  await page.getByTestId('view-interventions').scrollIntoViewIfNeeded();
  await page.getByTestId('patch-open').click();
  await expect(page.getByTestId('patch-not-computed')).toContainText('not computed');
  await expect(page.getByTestId('patch-grid')).toHaveCount(0);
  await expect(page.getByTestId('iv-table-sampled')).toContainText('256 of the 4,096 inputs');

  // Still answering while it trains, and training moves on.
  const step = Number(await page.getByTestId('step').getAttribute('data-value'));
  for (let k = 0; k < 5; k++) {
    expect(await answerMs(page)).toBeLessThan(1_000);
    await page.waitForTimeout(300);
  }
  await expect.poll(async () => Number(await page.getByTestId('step').getAttribute('data-value')), { timeout: 20_000 }).toBeGreaterThan(step);
  expect(errors).toEqual([]);
});

test('a run too big to keep every history step in full: scrubbed back, the views say what was not kept there', async ({ page }) => {
  // Five inputs (32 rows) at 256 features a layer: activations and reconstructions of all 302
  // history steps would pass the history budget (core/snapshot.ts historyPlan), so history
  // entries drop them (a snapshot still builds in under a second).
  const FIVE = '(a XOR b) AND (c XOR (d OR e))';
  const errors = watchErrors(page);
  await page.goto(`/#v=1&features=256&circuit=${encodeURIComponent(FIVE)}`);
  // Two history entries at least (the scrubber shows then), and paused there.
  await expect(page.getByTestId('scrubber')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('pause').click();
  await waitForStatus(page, 'paused', 15_000);
  const activations = page.getByTestId('view-activations');
  await activations.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('activations-not-kept')).toHaveCount(0);
  await page.getByTestId('scrubber').focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('scrub-step')).toContainText('step 0 of');
  await expect(page.getByTestId('activations-not-kept')).toContainText('not kept for step 0');
  await page.getByTestId('view-recon').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('recon-not-kept')).toBeVisible();
  // The numbers every entry keeps still follow the scrubber: the metrics table reads step 0.
  await expect(page.getByTestId('view-metrics')).toBeVisible();
  await page.getByTestId('live').click();
  await expect(page.getByTestId('scrub-step')).toHaveText('live');
  await expect(page.getByTestId('recon-not-kept')).toHaveCount(0);
  await activations.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('activations-not-kept')).toHaveCount(0);
  expect(errors).toEqual([]);
});
