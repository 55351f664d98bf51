/**
 * Issue 14 item 5: a compiled circuit trains at its own default λ (0.05 under the spec preset),
 * the write-up's model keeps 0.3; the control, the URL and a pasted link agree, and a λ the
 * user set stays when the circuit changes.
 */
import { expect, test } from '@playwright/test';
import { watchErrors } from './helpers.ts';

const DEPTH3 = '((a XOR b) AND (c XOR d)) XOR e';

test('a compiled circuit opens at its own λ; the write-up model keeps 0.3; a set λ stays', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await page.goto('/#v=1&steps=300');
  await expect(page.getByTestId('lambda')).toHaveValue('0.3');

  // The depth-3 preset: λ moves to the compiled circuits' default, which the link leaves out.
  await page.getByTestId('circuit-preset').selectOption('depth-3');
  await expect(page).toHaveURL(/circuit=/);
  await expect(page.getByTestId('lambda')).toHaveValue('0.05');
  expect(page.url()).not.toContain('lambda=');
  for (const [w, h] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    const panel = page.getByRole('region', { name: 'Training settings' });
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: `e2e/screenshots/circuit-lambda-${w}.png` });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  // Only the test's short run departs from the preset: λ 0.05 is this circuit's own.
  await expect(page.getByTestId('preset-departures')).toHaveAttribute('data-value', 'steps');

  // Back to the write-up's model: λ 0.3 again.
  await page.getByTestId('circuit-preset').selectOption('xor-and');
  await expect(page.getByTestId('lambda')).toHaveValue('0.3');

  // A λ the user chose is kept across a circuit change, and written into the link.
  await page.getByTestId('lambda').fill('0.2');
  await page.getByTestId('lambda').press('Enter');
  await page.getByTestId('circuit-preset').selectOption('depth-3');
  await expect(page.getByTestId('circuit-summary')).toContainText('3 layers');
  await expect(page.getByTestId('lambda')).toHaveValue('0.2');
  await expect(page).toHaveURL(/lambda=0\.2/);
  await expect(page.getByTestId('preset-departures')).toHaveAttribute('data-value', 'lambda,steps');

  // A pasted link with only the circuit opens at that circuit's λ.
  await page.goto(`/#v=1&steps=300&circuit=${encodeURIComponent(DEPTH3)}`);
  await page.reload();
  await expect(page.getByTestId('circuit-summary')).toContainText('3 layers');
  await expect(page.getByTestId('lambda')).toHaveValue('0.05');
  expect(errors).toEqual([]);
});
