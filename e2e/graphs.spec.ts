/** Attribution graphs: the CLT's story skips layer 1, the PLT's does not; the graph is a tool. */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { validateGraphJson } from '../src/core/attribution/export.ts';
import { metric, shoot, waitForStatus, watchErrors } from './helpers.ts';

const TRUE_INPUT = '10'; // + − + −: a XOR b and c XOR d both hold

/** The test id of the PLT layer-1 node with the largest activation on the shown input. */
async function strongestPltL1(page: Page): Promise<string> {
  return page.$$eval('[data-testid^="node-plt-L1-"]', (els) => {
    let best = els[0];
    for (const e of els) if (Number(e.getAttribute('data-value')) > Number(best.getAttribute('data-value'))) best = e;
    return best.getAttribute('data-testid') ?? '';
  });
}

async function openTrained(page: Page, hash = '#v=1&seed=0'): Promise<void> {
  await page.goto(`/${hash}`);
  await waitForStatus(page, 'done');
  await page.getByTestId('view-graphs').scrollIntoViewIfNeeded();
}

test('for a TRUE input the CLT graph has no layer-1 node and the PLT graph has one', async ({ page }) => {
  const errors = watchErrors(page);
  await openTrained(page);
  // Input 10 is the default now: the graphs open on it and the URL leaves the default out.
  await expect(page.getByTestId('input')).toHaveValue(TRUE_INPUT);
  await expect(page).not.toHaveURL(/input=/);
  await page.getByTestId('input').selectOption('15');
  await expect(page).toHaveURL(/input=15/);
  await page.getByTestId('input').selectOption(TRUE_INPUT);
  await expect(page).not.toHaveURL(/input=/);
  const clt = page.getByTestId('graph-clt');
  const plt = page.getByTestId('graph-plt');
  await expect(plt.locator('[data-testid^="node-plt-L1-"]').first()).toBeVisible();
  expect(await clt.locator('[data-testid^="node-clt-L1-"]').count()).toBe(0);
  expect(await clt.locator('[data-testid^="node-clt-L0-"]').count()).toBeGreaterThan(0);
  await expect(clt.getByTestId('no-layer1-clt')).toBeVisible();
  await expect(page.getByTestId('node-clt-out')).toBeVisible();
  expect(Number(await page.getByTestId('layer-share-clt-1').getAttribute('data-value'))).toBe(0);
  expect(Number(await page.getByTestId('layer-share-plt-1').getAttribute('data-value'))).toBeGreaterThan(0.1);
  await shoot(page, 'view-graphs', 'view-graphs');
  expect(errors).toEqual([]);
});

test('clicking a PLT layer-1 node lists its edges and ablating it breaks the PLT\'s agreement', async ({ page }) => {
  await openTrained(page);
  await page.getByTestId('input').selectOption(TRUE_INPUT);
  expect(await metric(page, 'agreement-plt')).toBe(1);
  await page.getByTestId(await strongestPltL1(page)).click();
  const card = page.getByTestId('graph-card-plt');
  await expect(card).toBeVisible();
  await expect(card).toContainText(/in|out/i);
  await card.getByTestId('ablate-node').click();
  await expect(page.getByTestId('ablate-node')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => metric(page, 'agreement-plt')).toBeLessThan(1);
  await shoot(page, 'view-graphs', 'view-graphs-ablated');
});

test('hiding and labelling nodes is kept in the URL and survives reopening it', async ({ page }) => {
  await openTrained(page, `#v=1&seed=0&input=${TRUE_INPUT}`);
  const node = page.locator('[data-testid^="node-plt-L1-"]').first();
  const id = await node.getAttribute('data-testid');
  await node.click();
  await page.getByTestId('graph-card-plt').getByTestId('node-label').fill('AND of the XORs');
  await page.getByTestId('graph-card-plt').getByTestId('node-label').press('Enter');
  await expect(page.getByTestId('graph-plt')).toContainText('AND of the XORs');
  const clt0 = page.locator('[data-testid^="node-clt-L0-"]').first();
  const hiddenId = await clt0.getAttribute('data-testid');
  await clt0.click();
  await page.getByTestId('graph-card-clt').getByTestId('hide-node').click();
  await expect(page.getByTestId(hiddenId!)).toHaveCount(0);
  await expect(page).toHaveURL(/graph=/);
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForStatus(page, 'done');
  await expect(page.getByTestId('graph-plt')).toContainText('AND of the XORs');
  await expect(page.getByTestId(hiddenId!)).toHaveCount(0);
  await expect(page.getByTestId(id!)).toBeVisible();
});

test('the graph exports as JSON that validates against the circuit-tracer schema, and as an SVG file with its edges', async ({ page }) => {
  await openTrained(page, `#v=1&seed=0&input=${TRUE_INPUT}`);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-json-plt').click();
  const file = await (await download).path();
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const checked = validateGraphJson(json);
  expect(checked.ok, checked.ok ? '' : checked.message).toBe(true);
  expect(json.nodes.length).toBeGreaterThan(3);
  expect(json.links.length).toBeGreaterThan(2);
  // The SVG file: every edge drawn on the page as a path, and no canvas (it would not travel).
  const drawn = await page.getByTestId('graph-plt').locator('path.edge').count();
  expect(drawn).toBeGreaterThan(2);
  const svgDownload = page.waitForEvent('download');
  await page.getByTestId('export-svg-plt').click();
  const svg = readFileSync(await (await svgDownload).path(), 'utf8');
  expect(svg.match(/<path [^>]*class="edge"/g)?.length).toBe(drawn);
  expect(svg).not.toContain('foreignObject');
});

test('the pruning slider: at 0 the graph keeps more edges than at the default, at 1 fewer, and the label reads the value', async ({ page }) => {
  const errors = watchErrors(page);
  await openTrained(page);
  const plt = page.getByTestId('graph-plt');
  const edges = plt.locator('path.edge');
  await expect(edges.first()).toBeAttached();
  const slider = page.getByTestId('graph-threshold');
  const atDefault = await edges.count();
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(slider).toHaveAttribute('aria-valuetext', '0.00');
  await expect.poll(() => edges.count()).toBeGreaterThan(atDefault);
  const all = await edges.count();
  await page.keyboard.press('End');
  await expect(slider).toHaveAttribute('aria-valuetext', '1.00');
  await expect(page.getByText('prune edges below 1.00 × strongest into each node')).toBeVisible();
  // At 1 only the strongest edge into each node survives (and what reaches the output through them).
  await expect.poll(() => edges.count()).toBeLessThan(atDefault);
  expect(all).toBeGreaterThan(atDefault);
  expect(errors).toEqual([]);
});
