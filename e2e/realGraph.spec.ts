/**
 * The real model's own graph (SPEC §5) beside the CLT's and the PLT's, the comparison of
 * where each one's output attribution comes through, the pooled depth signature with its
 * per-input read-out, and the "writes e, g" feature labels.
 */
import { expect, test, type Page } from '@playwright/test';
import { shoot, waitForStatus, watchErrors } from './helpers.ts';

async function openDone(page: Page, hash: string): Promise<void> {
  await page.goto(`/${hash}`);
  await waitForStatus(page, 'done', 240_000);
}

test('input 10: the real model shows a,b → e, c,d → g, e,g → i (not f, h); the output comes all through layer 1', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchErrors(page);
  await openDone(page, '#input=10');
  const view = page.getByTestId('view-graphs');
  await view.scrollIntoViewIfNeeded();
  const real = page.getByTestId('graph-real');
  await expect(real).toBeVisible();
  for (const id of ['node-real-e', 'node-real-g', 'node-real-i', 'node-real-out', 'node-real-in-a']) await expect(real.getByTestId(id)).toBeVisible();
  for (const id of ['node-real-f', 'node-real-h']) await expect(real.getByTestId(id)).toHaveCount(0);
  await expect(real.getByTestId('node-real-i')).toHaveAttribute('data-value', '1');
  // Drawn beside the two replacements, in the same view.
  await expect(page.getByTestId('graph-clt')).toBeVisible();
  await expect(page.getByTestId('graph-plt')).toBeVisible();
  await expect(page.getByTestId('graph-real-caption')).toContainText('Ground truth');
  // The edges e → i and g → i are drawn (weight 1 each), none from f or h.
  const edges = await real.locator('path.edge').evaluateAll((els) => els.map((e) => (e as SVGPathElement).getAttribute('data-weight')));
  expect(edges.length).toBe(7);
  // Hovering an edge's middle reads it out (the nearest edge within 4.5 units; no hit path per edge).
  const mid = await real.locator('path.edge').first().evaluate((el) => {
    const path = el as SVGPathElement;
    const p = path.getPointAtLength(path.getTotalLength() / 2).matrixTransform(path.getScreenCTM() ?? undefined);
    return { x: p.x, y: p.y };
  });
  await page.mouse.move(mid.x, mid.y);
  const tip = page.getByTestId('tooltip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText(/→ .*\nedge weight 1\b/);
  await page.mouse.move(mid.x, mid.y - 400);
  await expect(tip).toBeHidden();

  // The layer comparison: the real model's output attribution comes all through layer 1.
  const routes = page.getByTestId('layer-routes');
  await routes.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('route-real-1')).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('route-real-1')).toHaveText(/100 %/);
  await expect(page.getByTestId('route-real-0')).toHaveAttribute('data-value', '0');
  // The CLT's story: no layer-1 feature on this input, so none of its output comes through layer 1.
  await expect(page.getByTestId('route-clt-1')).toHaveAttribute('data-value', '0');
  const plt1 = Number(await page.getByTestId('route-plt-1').getAttribute('data-value'));
  expect(plt1).toBeGreaterThan(0.5);
  const title = await page.getByTestId('route-real-1').getAttribute('title');
  expect(title).toContain('Σ |weight| of the edges into the output');

  // Feature labels say which dims a feature's decoder writes.
  await expect(page.getByTestId('graph-plt').locator('.node-writes').first()).toContainText(/^writes /);

  for (const [w, h] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await shoot(page, 'view-graphs', `real-graph-${w}`);
  }
  // Hovering a real neuron reads its values.
  await real.getByTestId('node-real-i').hover();
  await expect(page.getByTestId('tooltip')).toContainText('neuron i of layer 1, writes i');
  expect(errors).toEqual([]);
});

test('the depth signature is pooled over inputs and each point reads out every input\'s own value', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchErrors(page);
  await openDone(page, '#input=10');
  const depth = page.getByTestId('view-depth');
  await depth.scrollIntoViewIfNeeded();
  const point = page.getByTestId('depth-cum-plt-0');
  await expect(point).toBeAttached();
  // The real model's own line: on TRUE inputs e, g (layer 0) and i (layer 1) each carry 1 → 2/3 at layers ≤ 0.
  expect(Number(await page.getByTestId('depth-cum-real-0').getAttribute('data-value'))).toBeCloseTo(2 / 3, 9);
  expect(Number(await page.getByTestId('depth-cum-real-1').getAttribute('data-value'))).toBeCloseTo(1, 9);
  await point.hover();
  const tip = page.getByTestId('tooltip');
  await expect(tip).toContainText('pooled over 16 inputs:');
  await expect(tip).toContainText('per input, layers ≤ 0:');
  // Input 10 is TRUE, so something reaches the output: a percentage, not "—".
  await expect(tip).toContainText(/10: +\d+ %/);
  await page.getByTestId('depth-cum-real-0').hover();
  // The real model on the FALSE input 15: nothing reaches the output → "—"; on input 10, 67 % at layer 0.
  await expect(tip).toContainText(/15: +—/);
  await expect(tip).toContainText(/10: +67 %/);
  await page.screenshot({ path: 'e2e/screenshots/real-depth-tooltip.png' });
  for (const [w, h] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await shoot(page, 'view-depth', `real-depth-${w}`);
  }
  expect(errors).toEqual([]);
});

test('a compiled circuit gets its own real graph: the superposition control writes half through each layer', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchErrors(page);
  await openDone(page, `#circuit=${encodeURIComponent('preset:superposition')}&input=10`);
  await page.getByTestId('view-graphs').scrollIntoViewIfNeeded();
  const real = page.getByTestId('graph-real');
  // Input 10 is + − + −: one pattern detector per layer fires, each writing half of e.
  await expect(real.getByTestId('node-real-e.1')).toHaveCount(1);
  await expect(real.getByTestId('node-real-e.5')).toHaveCount(1);
  expect(await real.locator('[data-testid^="node-real-e."]').count()).toBe(2);
  await expect(page.getByTestId('route-real-0')).toHaveAttribute('data-value', '0.5');
  await expect(page.getByTestId('route-real-1')).toHaveAttribute('data-value', '0.5');
  expect(errors).toEqual([]);
});
