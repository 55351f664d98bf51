/**
 * The largest circuits the bounds allow (issue 19): a 12-input compiled circuit (4,096 inputs)
 * opens from a link, the page keeps answering while it trains, the activations say they show a
 * sample of the inputs, and the interchange-patch grid says it is not computed at this size.
 */
import { expect, test, type Page } from '@playwright/test';
import { rowLabelStep } from '../src/views/charts/heatmap.ts';
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

test('at 256 features a weight map writes every 8th row label, and hovering an unlabelled row names it and outlines it in every map', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&seed=0&features=256&steps=300');
  await waitForStatus(page, 'done');
  const weights = page.getByTestId('view-weights');
  await weights.scrollIntoViewIfNeeded();
  const map = weights.locator('svg.heatmap').first();
  await expect(map).toBeVisible();
  // Rows: the label strip spans them all, 8 px each at this size.
  const strip = map.locator('rect.row-strip');
  const rows = Number(await strip.getAttribute('height')) / 8;
  expect(rows).toBeGreaterThan(128);
  const step = rowLabelStep(rows);
  expect(step).toBe(8);
  const labels = map.locator('g.row-labels > text');
  await expect(labels).toHaveCount(Math.ceil(rows / step));
  const first = await labels.allTextContents();
  expect(first[0]).toMatch(/^L0·f\d+$/);
  // Row 3 has no label of its own: hovering its place in the strip writes its name and outlines the row.
  await map.evaluate((m) => m.scrollIntoView({ block: 'start' }));
  const box = await strip.boundingBox();
  if (!box) throw new Error('no label strip');
  await page.mouse.move(box.x + box.width / 2, box.y + 3 * 8 + 4);
  const extra = map.locator('g.row-label-extra');
  await expect(extra).toBeVisible();
  const name = (await extra.locator('text').textContent()) ?? '';
  expect(name).toMatch(/^L0·f\d+$/);
  expect(first).not.toContain(name);
  // The same feature is outlined in the other maps of layer 0 (the shared highlight).
  const outlined = weights.locator('rect.hl-box:not([display="none"])');
  expect(await outlined.count()).toBeGreaterThanOrEqual(2);
  await page.mouse.move(0, 0);
  await expect(extra).toBeHidden();
  expect(errors).toEqual([]);
});
