/**
 * Honest instruments (issue 13): the changed set and who follows it, neuron ablation applied to
 * every model, no woke notice without an intervention, the interchange-patch grid.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { waitForStatus, watchErrors } from './helpers.ts';

const value = async (page: Page, id: string) => page.getByTestId(id).getAttribute('data-value');

test('cut e into layer 1: the real model changes on 2 inputs; the CLT follows 0, the PLT 2', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&seed=0');
  await waitForStatus(page, 'done', 120_000);
  // No intervention: nothing changed, effect recall undefined ("—", empty data-value), never 100 %.
  await expect(page.getByTestId('changed-count')).toHaveAttribute('data-value', '0');
  await expect(page.getByTestId('effect-clt')).toHaveAttribute('data-value', '');
  await expect(page.getByTestId('effect-clt')).toHaveText('—');

  await page.getByTestId('cut-e-1').click();
  await expect(page.getByTestId('cut-e-1')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('changed-count')).toHaveAttribute('data-value', '2');
  await expect(page.getByTestId('followed-clt')).toHaveAttribute('data-value', '0');
  await expect(page.getByTestId('followed-plt')).toHaveAttribute('data-value', '2');
  await expect(page.getByTestId('effect-clt')).toHaveAttribute('data-value', '0');
  await expect(page.getByTestId('effect-plt')).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('effect-clt')).toHaveText('0%');
  // The view says the cut reaches all three models; agreement over all inputs is still there, second.
  await expect(page.getByTestId('applied-list')).toContainText('cut e out of what layer 1 reads — applied to real model, CLT, PLT');
  expect(Number(await value(page, 'agreement-clt'))).toBe(14 / 16);
  expect(Number(await value(page, 'base-accuracy'))).toBe(0.875);

  for (const [w, h, name] of [[1440, 900, 'effects-cut-e-1440'], [390, 844, 'effects-cut-e-390']] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.getByTestId('view-interventions').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `e2e/screenshots/${name}.png` });
  }
  expect(errors).toEqual([]);
});

test('ablate neuron e: both replacements are intervened, and the view says so', async ({ page }) => {
  await page.goto('/#v=1&seed=0');
  await waitForStatus(page, 'done', 120_000);
  await page.getByTestId('ablate-neuron-e').click();
  await expect(page.getByTestId('ablate-neuron-e')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('changed-count')).toHaveAttribute('data-value', '2');
  const line = page.getByTestId('applied-list');
  await expect(line).toContainText('neuron e of MLP 0 ablated — applied to real model, CLT, PLT');
  await expect(line).toContainText('CLT and PLT: the layer-0 reconstruction in e is 0');
  // Zeroing the PLT's reconstruction of e at layer 0 reaches its layer 1: it follows both changed inputs.
  await expect(page.getByTestId('followed-plt')).toHaveAttribute('data-value', '2');
  const clt = Number(await value(page, 'followed-clt'));
  expect(clt).toBeGreaterThanOrEqual(0);
  expect(clt).toBeLessThanOrEqual(2);
  // A decoder block off is the CLT's alone.
  await page.getByTestId('pair-clt-0-1').click();
  await expect(line).toContainText('CLT decoder L0 → L1 switched off — applied to CLT only');
});

test('scrubbing back without an intervention shows no woke notice', async ({ page }) => {
  await page.goto('/#v=1&seed=0');
  await waitForStatus(page, 'done', 120_000);
  const scrubber = page.getByTestId('scrubber');
  // Kept step 9,050 (index 181 of every 50th), where the old baseline reported a woke feature, and a few others.
  for (const k of ['181', '40', '299']) {
    await scrubber.fill(k);
    await expect(page.getByTestId('changed-count')).toHaveAttribute('data-value', '0');
    await expect(page.getByTestId('woke-notice')).toHaveCount(0);
  }
  await expect(page.getByTestId('scrub-step')).toHaveAttribute('data-value', '14950');
});

test('the patch picker: the e..h patch into layer 1 changes the real model on 96 of 256 pairs; each grid shows who follows', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&seed=0');
  await waitForStatus(page, 'done', 120_000);
  await page.getByTestId('patch-open').click();
  await expect(page.getByTestId('patch-handoff')).toHaveValue('4');
  await expect(page.getByTestId('patch-changed')).toHaveAttribute('data-value', '96');
  const grid = page.getByTestId('patch-grid');
  await expect(grid).toBeVisible();
  for (const kind of ['clt', 'plt']) {
    const cells = page.getByTestId(`patch-grid-${kind}`).locator('rect[data-state]');
    await expect(cells).toHaveCount(256);
    const followed = Number(await value(page, `patch-followed-${kind}`));
    expect(await page.getByTestId(`patch-grid-${kind}`).locator('rect[data-state="followed"]').count()).toBe(followed);
    const missed = await page.getByTestId(`patch-grid-${kind}`).locator('rect[data-state="missed"]').count();
    expect(followed + missed).toBe(96);
    expect(Number(await value(page, `patch-effect-${kind}`))).toBeCloseTo(followed / 96, 12);
  }
  expect(Number(await value(page, 'patch-followed-clt'))).toBeLessThan(Number(await value(page, 'patch-followed-plt')));
  // Hover read-out names the pair and each answer.
  await page.getByTestId('patch-grid-plt').locator('rect[data-state]').nth(10 * 16 + 0).hover();
  await expect(page.getByTestId('tooltip')).toContainText('target 10 (+−+−) ← efgh>1 from source 0 (−−−−)');
  await expect(page.getByTestId('tooltip')).toContainText('real model: T → F');
  // Keyboard: focus the grid and move with the arrow keys.
  await page.getByTestId('patch-grid-clt').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tooltip')).toContainText('target 1 (−−−+) ← efgh>1 from source 1 (−−−+)');
  // One source: the counts are over its column (16 targets); source 0 is FALSE, so the 4 TRUE targets change.
  await page.getByTestId('patch-source').selectOption('0');
  await expect(page.getByTestId('patch-changed')).toHaveAttribute('data-value', '4');
  // A single dim: e alone, 48 of 256.
  await page.getByTestId('patch-source').selectOption('all');
  await page.getByTestId('patch-handoff').selectOption('0');
  await expect(page.getByTestId('patch-changed')).toHaveAttribute('data-value', '48');
  await page.getByTestId('patch-handoff').selectOption('4');
  // The opened panel, with a cut and a woke notice in force, has no serious or critical axe violation.
  await page.getByTestId('cut-e-1').click();
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="view-interventions"]').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  for (const [w, h, name] of [[1440, 900, 'effects-patch-1440'], [390, 844, 'effects-patch-390']] as const) {
    await page.setViewportSize({ width: w, height: h });
    await grid.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `e2e/screenshots/${name}.png` });
  }
  expect(errors).toEqual([]);
});
