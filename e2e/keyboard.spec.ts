/**
 * The keyboard alone: Tab reaches the main controls in reading order, each one visibly focused,
 * and Enter, Space, Esc and the arrows work the run bar, the settings, cuts, neurons, the graph
 * and its node card, the heatmaps, the scrubber and the tour. No mouse event is sent; elements
 * are reached by Tab or given focus, and only keys activate them.
 */
import { expect, test, type Page } from '@playwright/test';
import { metric, shoot, waitForStatus, watchErrors } from './helpers.ts';

interface Focused {
  id: string;
  width: number;
  height: number;
  inView: boolean;
  /** The element's outline, or for SVG marks the stroke width its focus style gives it. */
  ring: string;
}

/** What has the focus: its test id (or id, or tag), its box, whether it is on screen and its focus ring. */
async function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const mark = el.querySelector('.node-hit, rect');
    const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      ? `outline ${style.outlineWidth} ${style.outlineColor}`
      : mark ? `stroke ${getComputedStyle(mark).strokeWidth} ${getComputedStyle(mark).stroke}` : 'none';
    return {
      id: el.getAttribute('data-testid') ?? (el.id || el.tagName.toLowerCase()),
      width: box.width,
      height: box.height,
      inView: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
      ring,
    };
  });
}

/** Presses Tab (or Shift+Tab) until `testId` has the focus; returns the ids passed on the way. */
async function tabTo(page: Page, testId: string, back = false, max = 120): Promise<string[]> {
  const passed: string[] = [];
  for (let k = 0; k < max; k++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    passed.push(f?.id ?? 'body');
    if (f?.id === testId) return passed;
  }
  throw new Error(`${max} presses of ${back ? 'Shift+Tab' : 'Tab'} never reached ${testId}; passed ${passed.join(', ')}`);
}

async function expectFocus(page: Page, testId: string): Promise<void> {
  await expect.poll(async () => (await focused(page))?.id).toBe(testId);
}

test('Tab from the top reaches the main controls in reading order, each visible with a focus ring', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#steps=2000');
  await waitForStatus(page, 'done');
  const order: string[] = [];
  for (let k = 0; k < 90 && !order.includes('cut-efgh-1'); k++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    expect(f, `Tab ${k + 1} left the focus nowhere`).not.toBeNull();
    if (!f) break;
    expect(f.width * f.height, `${f.id} is focused but has no size`).toBeGreaterThan(0);
    expect(f.inView, `${f.id} is focused but off screen`).toBe(true);
    expect(f.ring, `${f.id} is focused but shows no focus ring`).not.toBe('none');
    order.push(f.id);
  }
  // Done, so play, pause and +100 are disabled and skipped.
  const main = ['reset', 'speed', 'share', 'tour-start', 'scrubber', 'circuit-preset', 'circuit', 'lambda-slider', 'lambda',
    'penalty', 'norm', 'seed', 'neuron-e', 'neuron-i', 'cut-e-1', 'cut-efgh-1'];
  for (const id of main) expect(order, `Tab never reached ${id}`).toContain(id);
  const at = main.map((id) => order.indexOf(id));
  expect(at, `out of reading order: ${order.join(' → ')}`).toEqual([...at].sort((a, b) => a - b));
  // Shift+Tab walks the same way back.
  expect((await tabTo(page, 'lambda', true)).reverse().slice(1)).toEqual(order.slice(order.indexOf('lambda') + 1, -1));
  expect(errors).toEqual([]);
});

test('a keyboard-only journey: pause and play, change λ, cut, ablate, open a node card, read a heatmap, scrub, tour', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  await page.goto('/#lambda=0.5');
  await expect(page.getByTestId('status')).toHaveAttribute('data-value', 'training');

  // Run bar: slow the run down, then pause and play it with Enter and Space.
  await tabTo(page, 'speed');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('speed')).toHaveValue('0.05');
  await tabTo(page, 'pause', true);
  await page.keyboard.press('Enter');
  await waitForStatus(page, 'paused');
  // The pause button is now disabled; the focus went on to play rather than to the page.
  await expectFocus(page, 'play');
  await page.locator('.runbar').screenshot({ path: 'e2e/screenshots/keyboard-runbar-focus.png' });
  await page.keyboard.press(' ');
  await waitForStatus(page, 'training');
  await expectFocus(page, 'pause');
  await tabTo(page, 'speed');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('speed')).toHaveValue('1');

  // Settings: type λ and press Enter; the run restarts from its seed and says so.
  await tabTo(page, 'lambda');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('0.3');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('notice')).toContainText('restarted');
  // 0.3 is the default, which the URL leaves out.
  await expect(page).not.toHaveURL(/lambda=/);
  await waitForStatus(page, 'done');
  expect(await metric(page, 'metric-clt-l0-1')).toBe(0);

  // Model diagram: Space cuts the hand-off into layer 1; the interventions view's agreement follows.
  const clt = await metric(page, 'agreement-clt');
  expect(await metric(page, 'base-accuracy')).toBe(1);
  const order = await tabTo(page, 'cut-efgh-1');
  expect(order).toContain('neuron-i');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('cut-efgh-1')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => metric(page, 'base-accuracy')).toBe(0.75);
  await expect.poll(() => metric(page, 'agreement-clt')).toBeLessThan(clt);
  await page.getByTestId('view-model').screenshot({ path: 'e2e/screenshots/keyboard-cut-focus.png' });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cut-efgh-1')).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => metric(page, 'base-accuracy')).toBe(1);

  // A neuron of the diagram is a toggle too: Enter ablates the AND neuron, as its button in the interventions view shows.
  await tabTo(page, 'neuron-i', true);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('neuron-i')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('ablate-neuron-i')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => metric(page, 'base-accuracy')).toBeLessThan(1);
  await page.getByTestId('view-model').screenshot({ path: 'e2e/screenshots/keyboard-neuron-focus.png' });
  await page.keyboard.press(' ');
  await expect(page.getByTestId('ablate-neuron-i')).toHaveAttribute('aria-pressed', 'false');

  // Graph: walk the inputs with the arrows (the graphs open on input 10 now: down to 15, back up to 10),
  // open a node's card with Enter, close it with Esc, and again with its button.
  await page.getByTestId('input').focus();
  for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('input')).toHaveValue('15');
  for (let k = 0; k < 5; k++) await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('input')).toHaveValue('10');
  const node = page.locator('[data-testid^="node-plt-L1-"]').first();
  const nodeId = (await node.getAttribute('data-testid')) ?? '';
  await node.focus();
  await expectFocus(page, nodeId);
  await page.getByTestId('graph-plt').screenshot({ path: 'e2e/screenshots/keyboard-graph-node-focus.png' });
  await page.keyboard.press('Enter');
  const card = page.getByTestId('graph-card-plt');
  await expect(card).toBeVisible();
  await expectFocus(page, 'graph-card-plt');
  await page.keyboard.press('Escape');
  await expect(card).toBeHidden();
  await expectFocus(page, nodeId);
  await page.keyboard.press(' ');
  await expect(card).toBeVisible();
  await tabTo(page, 'close-node-card');
  await shoot(page, 'graph-card-plt', 'keyboard-graph-card');
  await page.keyboard.press('Enter');
  await expect(card).toBeHidden();
  await expectFocus(page, nodeId);

  // Heatmap: the arrows walk the cells; the cell's input is highlighted in the other views.
  const heatmap = page.getByTestId('view-activations').locator('svg.heatmap').first();
  await heatmap.focus();
  await expect(page.getByTestId('tooltip')).toContainText('input 0');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tooltip')).toContainText('input 1');
  await expect(page.getByTestId('view-model').locator('.view-caption').first()).toContainText('Input 1');
  // The window, not the view: the read-out is a fixed tooltip beside the cell.
  await page.screenshot({ path: 'e2e/screenshots/keyboard-heatmap-focus.png' });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tooltip')).toBeHidden();

  // Scrubber: Home goes to the first kept step, End back to live; "back to live" hands the focus back to the slider.
  await page.getByTestId('scrubber').focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('scrub-step')).not.toHaveText('live');
  await page.keyboard.press('End');
  await expect(page.getByTestId('scrub-step')).toHaveText('live');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('scrub-step')).toContainText('step');
  await page.locator('section.scrubber').screenshot({ path: 'e2e/screenshots/keyboard-scrubber-focus.png' });
  await tabTo(page, 'live');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('scrub-step')).toHaveText('live');
  await expectFocus(page, 'scrubber');

  // Tour: Enter opens it with the focus inside, → steps, Esc closes it and gives the focus back.
  await tabTo(page, 'tour-start', true);
  await page.keyboard.press('Enter');
  await expectFocus(page, 'tour');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-value', '1');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tour')).toBeHidden();
  await expectFocus(page, 'tour-start');
  expect(errors).toEqual([]);
});
