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
