/**
 * Real-model graphs (issue 17): drop the Gemma-2-2B pair of one prompt, set which is the PLT
 * and which the CLT, read the values at layer 1 off the chart by hover and by keyboard, save
 * the chart, and drop a broken file; the run on the page is left alone throughout.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { runState, waitForStatus, watchErrors } from './helpers.ts';

const fixture = (kind: string): string => fileURLToPath(new URL(`../../shared/fixtures/graphs/bee-insect-${kind}.json`, import.meta.url));

/** The number before " %" or " links" in the tooltip's line that contains `marker`. */
async function tooltipNumber(page: Page, marker: string): Promise<number> {
  const tip = page.getByTestId('tooltip');
  await expect(tip).toBeVisible();
  await expect(tip).toContainText(marker);
  const line = (await tip.innerText()).split('\n').find((l) => l.includes(marker)) ?? '';
  const m = /(-?\d+(?:\.\d+)?) (%|links)/.exec(line);
  if (!m) throw new Error(`no number in ${line}`);
  return Number(m[1]);
}

/** Drops a file on the panel's drop zone the way a browser delivers a drag from the desktop. */
async function dropFile(page: Page, name: string, text: string): Promise<void> {
  const transfer = await page.evaluateHandle(([n, t]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([t], n, { type: 'application/json' }));
    return dt;
  }, [name, text] as const);
  await page.getByTestId('real-graphs-drop').dispatchEvent('drop', { dataTransfer: transfer });
}

test('the bee pair: CLT circuit front-loaded, PLT not; hover, keyboard, exports, and a broken file refused', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/#v=1&steps=2000');
  await waitForStatus(page, 'done');
  // Off-screen panels are not rendered (content-visibility), so the state is read with the model in view.
  const state = async () => {
    await page.getByTestId('view-model').scrollIntoViewIfNeeded();
    return runState(page);
  };
  const before = await state();
  // Nothing leaves the page: from here on, only the page's own scripts may be fetched.
  const origin = new URL(page.url()).origin;
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.method() !== 'GET' || !r.url().startsWith(origin)) sent.push(`${r.method()} ${r.url()}`);
  });

  const upload = page.getByTestId('real-graphs-upload');
  await upload.scrollIntoViewIfNeeded();
  await upload.setInputFiles([fixture('clt'), fixture('plt')]);
  await expect(page.getByTestId('real-size-0')).toContainText('266 nodes (209 features), 2,929 links, 26 layers');
  await expect(page.getByTestId('real-size-1')).toContainText('671 nodes (556 features), 27,853 links, 26 layers');
  await expect(page.getByTestId('real-graph-0')).toContainText('mntss/clt-gemma-2-2b-2.5M');
  await expect(page.getByTestId('real-graph-1')).toContainText('gemmascope-transcoder-16k');
  await expect(page.getByTestId('real-graph-0')).toContainText('node 0.8, edge 0.85');

  // The kinds come pre-set from the metadata; the user can change them, and the chart follows.
  await expect(page.getByTestId('real-kind-0')).toHaveValue('clt');
  await expect(page.getByTestId('real-kind-1')).toHaveValue('plt');
  const chart = page.getByTestId('real-depth');
  await page.getByTestId('real-kind-1').selectOption('');
  await expect(chart).toContainText('graph 2 · kind not set · bee-insect-plt.json');
  await page.getByTestId('real-kind-1').selectOption('plt');
  await expect(chart).toContainText('graph 2 · PLT · bee-insect-plt.json');
  await expect(chart).toContainText('graph 1 · CLT · bee-insect-clt.json');

  // Hover: circuit signature cumulative at layer 1, then the mean path lengths.
  await page.getByTestId('real-circuit-0-1').hover();
  expect(await tooltipNumber(page, 'circuit signature: layers ≤ 1 hold')).toBeCloseTo(61.3, 0);
  await expect(page.getByTestId('tooltip')).toContainText('layer 1 of 26 (4 % of depth)');
  await page.getByTestId('real-circuit-1-1').hover();
  expect(await tooltipNumber(page, 'circuit signature: layers ≤ 1 hold')).toBeCloseTo(12.4, 0);
  await page.getByTestId('real-direct-0-1').hover();
  expect(await tooltipNumber(page, 'direct signature: layers ≤ 1 hold')).toBeCloseTo(24.8, 0);
  await page.getByTestId('real-features-0-1').hover();
  await expect(page.getByTestId('tooltip')).toContainText('30 feature nodes');
  await page.getByTestId('real-mpl-0').hover();
  expect(await tooltipNumber(page, 'mean path length')).toBeCloseTo(2.38, 2);
  await page.getByTestId('real-mpl-1').hover();
  expect(await tooltipNumber(page, 'mean path length')).toBeCloseTo(2.63, 2);
  expect(Number(await page.getByTestId('real-circuit-0-1').getAttribute('data-value'))).toBeCloseTo(0.61, 2);

  // Keyboard: focus starts on graph 1's layer 0; → reads layer 1, ↓ moves to graph 2.
  await page.mouse.move(0, 0);
  await chart.focus();
  await expect(page.getByTestId('tooltip')).toContainText('layer 0 of 26');
  await page.keyboard.press('ArrowRight');
  expect(await tooltipNumber(page, 'circuit signature: layers ≤ 1 hold')).toBeCloseTo(61.3, 0);
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('tooltip')).toContainText('graph 2 · PLT');
  expect(await tooltipNumber(page, 'circuit signature: layers ≤ 1 hold')).toBeCloseTo(12.4, 0);
  await page.keyboard.press('Escape');

  // The toy's own run, on the same axes (its 2 layers at 0 % and 100 % of depth).
  await expect(page.getByTestId('real-toy-clt-1')).toBeAttached();
  await page.getByTestId('real-toy-plt-0').hover();
  await expect(page.getByTestId('tooltip')).toContainText('layer 0 of 2 (0 % of depth)');

  await page.getByTestId('real-graphs').screenshot({ path: 'e2e/screenshots/real-graphs-1440.png' });

  // Exports: CSV with every value, SVG and PNG of the chart.
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('real-export-csv').click()]);
  expect(csvDownload.suggestedFilename()).toBe('real-depth.csv');
  const csv = readFileSync(await csvDownload.path(), 'utf8').trimEnd().split('\n');
  expect(csv[0]).toBe('series,file,kind,measure,layer,share_of_depth,value');
  const value = (series: string, measure: string, layer: string) => {
    const row = csv.map((l) => l.split(',')).find((r) => r[0] === series && r[3] === measure && r[4] === layer);
    return Number(row?.[6]);
  };
  expect(value('graph 1', 'circuit_cumulative', '1')).toBeCloseTo(0.61, 2);
  expect(value('graph 2', 'circuit_cumulative', '1')).toBeCloseTo(0.12, 2);
  expect(value('graph 1', 'mean_path_length', '')).toBeCloseTo(2.38, 2);
  expect(csv).toContainEqual(expect.stringMatching(/^graph 2,bee-insect-plt\.json,plt,feature_nodes,25,1,19$/));
  expect(csv).toContainEqual(expect.stringMatching(/^toy CLT,,clt,toy_attribution_cumulative,1,1,/));
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('real-export-svg').click()]);
  expect(readFileSync(await svgDownload.path(), 'utf8')).toMatch(/<svg[^>]*data-testid="real-depth"/);
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('real-export-png').click()]);
  expect(readFileSync(await pngDownload.path()).subarray(1, 4).toString()).toBe('PNG');

  // A broken file, dropped: its message in the panel, the two graphs still shown.
  await dropFile(page, 'broken.json', '{"metadata": {"slug": "x"}, "nodes": [');
  await expect(page.getByTestId('real-refused-0')).toContainText('broken.json was not read: not JSON');
  const ghost = JSON.parse(readFileSync(fixture('clt'), 'utf8'));
  ghost.links[5].target = 'ghost_node';
  await upload.setInputFiles({ name: 'ghost.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(ghost)) });
  await expect(page.getByTestId('real-refused-0')).toContainText(`ghost.json was not read: links[5]`);
  await expect(page.getByTestId('real-refused-0')).toContainText(`its target 'ghost_node' is not in "nodes"`);
  await expect(page.getByTestId('real-graph-1')).toBeVisible();
  await page.getByTestId('real-graphs').screenshot({ path: 'e2e/screenshots/real-graphs-refused.png' });
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="real-graphs"]').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  // One more good file joins the newest graph; the run was never touched.
  await upload.setInputFiles(fixture('clt'));
  await expect(page.getByTestId('real-graphs-refused')).toHaveCount(0);
  await expect(page.getByTestId('real-size-0')).toContainText('671 nodes');
  await expect(page.getByTestId('real-size-1')).toContainText('266 nodes');
  expect(await state()).toEqual(before);
  expect(sent.filter((r) => !r.includes(' blob:') && !r.includes(' data:'))).toEqual([]);

  await page.setViewportSize({ width: 390, height: 844 });
  // A new width redraws the chart (a fresh SVG): scroll the panel, which stays, then wait for the chart.
  await page.getByTestId('real-graphs').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('real-depth')).toBeVisible();
  await page.getByTestId('real-graphs').screenshot({ path: 'e2e/screenshots/real-graphs-390.png' });
  expect(errors).toEqual([]);
});
