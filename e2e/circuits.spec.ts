/**
 * Issue 7's journey: type a deeper circuit, watch the page rebuild the model and retrain, see
 * every view adapt; a bad formula is explained and changes nothing; the depth view and the tour.
 */
import { expect, test, type Page } from '@playwright/test';
import { allMetrics, shoot, waitForStatus, watchErrors } from './helpers.ts';

const DEPTH3 = '((a XOR b) AND (c XOR d)) XOR e';
const STEPS = 3000;

/** Waits for a run of STEPS steps to finish (the step counter restarts at 0 on a retrain). */
async function waitForRun(page: Page): Promise<void> {
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', String(STEPS), { timeout: 60_000 });
  await waitForStatus(page, 'done');
}

/** Scrolls through every view so that off-screen panels (content-visibility) render too. */
async function visitViews(page: Page): Promise<void> {
  for (const id of ['view-metrics', 'view-model', 'view-interventions', 'view-graphs', 'view-curves', 'view-tradeoff', 'view-weights', 'view-activations', 'view-recon', 'view-depth']) {
    const view = page.getByTestId(id);
    await expect(view).toBeAttached();
    await view.scrollIntoViewIfNeeded();
  }
}

test('a typed depth-3 circuit rebuilds the model and retrains; a bad formula changes nothing', async ({ page }) => {
  test.setTimeout(200_000);
  const errors = watchErrors(page);
  await page.goto(`/#v=1&steps=${STEPS}`);
  await waitForRun(page);
  await expect(page.getByTestId('metric-clt-l0-2')).toHaveCount(0);
  await expect(page.getByTestId('circuit-preset')).toHaveValue('xor-and');

  // Type the depth-3 formula and apply it.
  await page.getByTestId('circuit').fill(DEPTH3);
  await page.getByTestId('circuit-apply').click();
  await expect(page).toHaveURL(/circuit=/);
  expect(decodeURIComponent(page.url()).replace(/\+/g, ' ')).toContain(DEPTH3);
  await expect(page.getByTestId('notice')).toContainText('circuit');
  await expect(page.getByTestId('circuit-preset')).toHaveValue('depth-3');
  await expect(page.getByTestId('circuit-summary')).toContainText('3 layers');
  await expect(page.getByTestId('circuit-summary')).toContainText('D = 11');

  // The diagram shows the new model: three MLPs, hand-offs into layers 1 and 2.
  const diagram = page.getByTestId('view-model');
  await expect(diagram).toContainText(DEPTH3);
  await expect(diagram).toContainText('MLP 2');
  await expect(page.getByTestId('cut-fghi-1')).toBeVisible();
  await expect(page.getByTestId('cut-j-2')).toBeVisible();
  await expect(page.getByTestId('metric-clt-l0-2')).toBeAttached();
  await expect(page.getByTestId('metric-plt-l0-2')).toBeAttached();
  await waitForRun(page);
  for (const kind of ['clt', 'plt']) {
    expect(Number(await page.getByTestId(`metric-${kind}-l0-2`).getAttribute('data-value'))).toBeGreaterThanOrEqual(0);
  }

  // Every view adapts: all render, the graphs have an output node, nothing logs an error.
  await visitViews(page);
  await expect(page.getByTestId('node-clt-out')).toBeAttached();
  await expect(page.getByTestId('input').locator('option')).toHaveCount(32);

  // The depth view: a bar per kind and layer, cumulative shares ending at 1.
  const depth = page.getByTestId('view-depth');
  await depth.scrollIntoViewIfNeeded();
  for (const kind of ['clt', 'plt']) {
    for (let l = 0; l < 3; l++) {
      const bar = page.getByTestId(`depth-l0-${kind}-${l}`);
      await expect(bar).toBeAttached();
      const l0 = Number(await bar.getAttribute('data-value'));
      expect(l0).toBeCloseTo(Number(await page.getByTestId(`metric-${kind}-l0-${l}`).getAttribute('data-value')), 6);
    }
    await expect(page.getByTestId(`depth-cum-${kind}-2`)).toBeAttached();
    const cum = [0, 1, 2].map((l) => page.getByTestId(`depth-cum-${kind}-${l}`).getAttribute('data-value'));
    const values = (await Promise.all(cum)).map(Number);
    expect(values[2]).toBeCloseTo(1, 6);
    expect(values[0]).toBeLessThanOrEqual(values[1] + 1e-12);
  }
  await expect(depth).toContainText('all 32 inputs');
  await expect(page.getByTestId('depth-l0-clt-3')).toHaveCount(0);
  await shoot(page, 'view-depth', 'view-depth-depth3');
  await shoot(page, 'view-model', 'view-model-depth3');

  // A bad formula: the error names the position, shows a caret, and the run is left alone.
  const before = await allMetrics(page);
  const url = page.url();
  await page.getByTestId('circuit').fill('(a XOR b');
  await page.getByTestId('circuit').press('Enter');
  const error = page.getByTestId('circuit-error');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(error).toHaveAttribute('data-value', '8');
  await expect(error).toContainText("Expected ')'");
  expect(await page.getByTestId('circuit-caret').textContent()).toBe(`(a XOR b\n${' '.repeat(8)}^`);
  await expect(page.getByTestId('circuit')).toHaveAttribute('aria-invalid', 'true');
  await page.getByTestId('circuit-error').scrollIntoViewIfNeeded();
  await shoot(page, 'circuit-error', 'circuit-error');
  // The refusal and any restart happen in the same handler, and the URL is written as the config
  // changes: with the error on screen, nothing is still to come.
  expect(page.url()).toBe(url);
  await expect(page.getByTestId('status')).toHaveAttribute('data-value', 'done');
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', String(STEPS));
  expect(await allMetrics(page)).toEqual(before);
  // Editing clears the error.
  await page.getByTestId('circuit').fill(DEPTH3);
  await expect(error).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the tour walks the finding and its norm step switches to sum', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  // Pick the depth-4 preset, then, mid-run, go back to the write-up's model through the preset list.
  await page.goto(`/#v=1&steps=${STEPS}`);
  await page.getByTestId('circuit-preset').selectOption('depth-4');
  await expect(page.getByTestId('metric-clt-l0-3')).toBeAttached();
  await expect(page.getByTestId('cut-lm-3')).toBeVisible();
  await expect(page.getByTestId('circuit')).toHaveValue('(((a XOR b) AND (c XOR d)) XOR e) AND NOT f');
  await expect(page).toHaveURL(/circuit=/);
  // Off-screen views wait while training; in sight, the depth view follows the new model's four layers.
  await page.getByTestId('view-depth').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('depth-l0-plt-3')).toBeAttached();
  await page.getByTestId('circuit-preset').selectOption('xor-and');
  await expect(page).not.toHaveURL(/circuit=/);
  await expect(page.getByTestId('metric-clt-l0-3')).toHaveCount(0);
  await expect(page.getByTestId('cut-efgh-1')).toBeVisible();
  await waitForRun(page);

  const start = page.getByTestId('tour-start');
  await start.click();
  await expect(page.getByRole('dialog', { name: 'Train two replacements' })).toBeVisible();
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('role', 'dialog');
  await expect(tour).toBeFocused();
  await expect(page.getByTestId('tour-back')).toBeDisabled();
  await expect(page.getByTestId('status')).toHaveClass(/tour-target/);
  await expect(tour).toContainText('done');

  // Keyboard: → to the collapse step, which outlines the CLT's layer-1 L0 cell and the curves.
  await page.keyboard.press('ArrowRight');
  await expect(tour).toHaveAttribute('data-value', '1');
  await expect(page.getByTestId('metric-clt-l0-1')).toHaveClass(/tour-target/);
  await expect(page.getByTestId('view-curves')).toHaveClass(/tour-target/);
  await expect(page.getByTestId('status')).not.toHaveClass(/tour-target/);

  // The hand-off: "cut it for me" presses the diagram's cut.
  await page.getByTestId('tour-next').click();
  await expect(page.getByTestId('cut-efgh-1')).toHaveClass(/tour-target/);
  await expect(page.getByTestId('cut-efgh-1')).toHaveAttribute('aria-pressed', 'false');
  await page.getByTestId('tour-do').click();
  await expect(page.getByTestId('cut-efgh-1')).toHaveAttribute('aria-pressed', 'true');
  await expect(page).toHaveURL(/cut=efgh/);
  await expect(page.getByTestId('tour-do')).toBeDisabled();
  await shoot(page, 'tour', 'tour-cut');

  await page.getByTestId('tour-next').click();
  await expect(page.getByTestId('view-graphs')).toHaveClass(/tour-target/);
  await page.getByTestId('tour-back').click();
  await expect(tour).toHaveAttribute('data-value', '2');
  await page.getByTestId('tour-next').click();
  await page.getByTestId('tour-next').click();

  // The norm step: its "do it" switches the decoder norm, which the select and the URL show.
  await expect(tour).toHaveAttribute('data-value', '4');
  await expect(page.getByTestId('norm')).toHaveClass(/tour-target/);
  await expect(page.getByTestId('norm')).toHaveValue('concat');
  await page.getByTestId('tour-do').click();
  await expect(page.getByTestId('norm')).toHaveValue('sum');
  await expect(page).toHaveURL(/norm=sum/);
  await expect(page.getByTestId('notice')).toContainText('norm');

  await page.getByTestId('tour-next').click();
  await expect(tour).toHaveAttribute('data-value', '5');
  await expect(page.getByTestId('tour-next')).toBeDisabled();
  await shoot(page, 'tour', 'tour-last');
  await page.screenshot({ path: 'e2e/screenshots/tour-page.png' });

  // Esc closes from anywhere; focus returns to the Tour button and the outlines go.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await expect(start).toBeFocused();
  await expect(page.locator('.tour-target')).toHaveCount(0);
  await waitForRun(page);
  expect(errors).toEqual([]);
});
