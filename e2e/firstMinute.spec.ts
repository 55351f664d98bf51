/**
 * The first minute, as a newcomer meets it: without scrolling or touching anything, the L0 chart
 * shows the CLT's layer 1 dying and both graphs tell their stories on a TRUE input; the tour acts;
 * a shared link of a scrubbed run reopens at that step; a phone gets one column it can tap.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { metric, waitForStatus, watchErrors } from './helpers.ts';

// A first visit: no stored pace, so the page opens at the watch pace (playwright.config.ts stores "max").
test.use({ storageState: { cookies: [], origins: [] } });

/** Whether the element lies wholly inside the viewport as it is now. */
async function inViewport(page: Page, loc: Locator): Promise<boolean> {
  const box = await loc.boundingBox();
  const vp = page.viewportSize();
  if (!box || !vp) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height;
}

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

test('a fresh visit at 1440×900 shows layer 1 dying and both graphs above the fold, with no input', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await expect(page.getByTestId('speed')).toHaveValue('watch');
  await waitForStatus(page, 'training');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: 'e2e/screenshots/first-minute-1440-1s.png' });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: 'e2e/screenshots/first-minute-1440-3s.png' });
  await waitForStatus(page, 'done');
  await page.screenshot({ path: 'e2e/screenshots/first-minute-1440-done.png' });

  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const live = page.getByTestId('l0-live');
  expect(await inViewport(page, live)).toBe(true);
  await expect(live).toHaveAttribute('data-value', '0');
  const died = Number(await live.getAttribute('data-died'));
  expect(died).toBeGreaterThan(0);
  await expect(live).toContainText(`layer 1 died at step ${died.toLocaleString('en-US')}`);
  expect(await metric(page, 'metric-clt-l0-1')).toBe(0);
  expect(await inViewport(page, page.getByTestId('view-metrics'))).toBe(true);

  // The graphs open on input 10, a TRUE input: the CLT's story has a feature, the PLT's a layer-1 feature.
  await expect(page.getByTestId('input')).toHaveValue('10');
  const cltNodes = page.getByTestId('graph-clt').locator('[data-testid^="node-clt-L"]');
  const pltLayer1 = page.getByTestId('graph-plt').locator('[data-testid^="node-plt-L1-"]');
  expect(await cltNodes.count()).toBeGreaterThan(0);
  expect(await pltLayer1.count()).toBeGreaterThan(0);
  expect(await inViewport(page, cltNodes.first())).toBe(true);
  expect(await inViewport(page, pltLayer1.first())).toBe(true);
  expect(await inViewport(page, page.getByTestId('node-clt-out'))).toBe(true);
  expect(errors).toEqual([]);
});

test('the tour acts: it replays the collapse, cuts e..h, shows a TRUE input and switches the norm', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/#speed=max');
  await waitForStatus(page, 'done');
  const tour = page.getByTestId('tour');
  await page.getByTestId('tour-start').click();
  await expect(tour).toHaveAttribute('data-value', '0');

  // Step 2: the live chart, with the dialog off it; "show me" travels back to where layer 1 died.
  await page.getByTestId('tour-next').click();
  const live = page.getByTestId('l0-live');
  await expect(live).toHaveClass(/tour-target/);
  await expect.poll(async () => overlaps((await tour.boundingBox())!, (await live.boundingBox())!)).toBe(false);
  const died = await live.getAttribute('data-died');
  await page.getByTestId('tour-do').click();
  await expect(page.getByTestId('scrub')).toHaveAttribute('data-value', died!, { timeout: 10_000 });
  await page.getByTestId('live').click();

  // Step 3: cut e..h; the tour reads what the cut did off the page.
  await page.getByTestId('tour-next').click();
  const cut = page.getByTestId('cut-efgh-1');
  await expect(cut).toHaveClass(/tour-target/);
  await expect.poll(async () => (await cut.boundingBox())!.y).toBeGreaterThan(0);
  await expect.poll(async () => overlaps((await tour.boundingBox())!, (await cut.boundingBox())!)).toBe(false);
  await page.getByTestId('tour-do').click();
  await expect(cut).toHaveAttribute('aria-pressed', 'true');
  // Cutting e..h flips 4 of the 16 answers (base accuracy 75 %); the PLT follows all of them, the CLT fewer.
  await expect(page.getByTestId('tour-effect')).toContainText(/the real model changes on 4 inputs; the CLT follows [0-3] of them; the PLT follows 4 of them/);
  await page.screenshot({ path: 'e2e/screenshots/first-minute-tour-cut.png' });

  // Step 4: the graphs, and a TRUE input picked for the reader.
  await page.getByTestId('tour-next').click();
  await expect(page.getByTestId('view-graphs')).toHaveClass(/tour-target/);
  const before = await page.getByTestId('input').inputValue();
  await page.getByTestId('tour-do').click();
  await expect(page.getByTestId('input')).not.toHaveValue(before);
  await expect(page.getByTestId('input').locator('option:checked')).toContainText('TRUE');
  await expect(tour).toContainText('answer TRUE');

  // Step 5: sum norm; the run restarts and layer 1 stays alive.
  await page.getByTestId('tour-next').click();
  await page.getByTestId('tour-do').click();
  await expect(page.getByTestId('norm')).toHaveValue('sum');
  await waitForStatus(page, 'done');
  expect(await metric(page, 'metric-clt-l0-1')).toBeGreaterThan(0);
  await expect(live).toHaveAttribute('data-died', '');
  await page.screenshot({ path: 'e2e/screenshots/first-minute-tour-sum.png' });
  expect(errors).toEqual([]);
});

test('a shared link of a scrubbed run reopens at that step', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await page.goto('/#v=1&seed=0&steps=6000&speed=max');
  await waitForStatus(page, 'done');
  const scrubber = page.getByTestId('scrubber');
  await scrubber.focus();
  for (let k = 0; k < 40; k++) await page.keyboard.press('ArrowLeft');
  const shown = await page.getByTestId('scrub').getAttribute('data-value');
  expect(Number(shown)).toBeLessThan(6000);
  const l0 = await page.getByTestId('metric-clt-l0-0').getAttribute('data-value');
  await page.getByTestId('share').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toContain(`at=${shown}`);

  const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const fresh = await other.newPage();
  await fresh.goto(url);
  await waitForStatus(fresh, 'done', 90_000);
  await expect(fresh.getByTestId('scrub')).toHaveAttribute('data-value', shown!);
  await expect(fresh.getByTestId('scrub-step')).toContainText(`step ${Number(shown).toLocaleString('en-US')}`);
  await expect(fresh.getByTestId('metric-clt-l0-0')).toHaveAttribute('data-value', l0!);
  await other.close();
});

test('a phone at 390×844: one column, no sideways scroll, "all four" can be tapped', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto('/#speed=max');
  await waitForStatus(page, 'done');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: 'e2e/screenshots/first-minute-390-top.png' });
  const all = page.getByTestId('cut-efgh-1');
  await all.scrollIntoViewIfNeeded();
  const box = (await all.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(32);
  await all.tap();
  await expect(all).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('view-model').screenshot({ path: 'e2e/screenshots/first-minute-390-cut.png' });
  // Wide tables scroll inside their panel, not the page.
  await page.getByTestId('view-interventions').scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: 'e2e/screenshots/first-minute-390-interventions.png' });
  await context.close();
  expect(errors).toEqual([]);
});
