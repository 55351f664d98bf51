/**
 * Resource limits a user can see and run into: the range beside every number field, a features
 * value past its bound, a sweep past its run limit and uploads past the size limits. Each is
 * refused with a message, and the run on the page carries on untouched.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { BaseModel } from '../src/core/model/baseModel.ts';
import { exportBaseModel } from '../src/onnx/export.ts';
import { DEFAULT_LIMITS, MAX_ROWS } from '../src/core/model/uploadLimits.ts';
import { SWEEP_BOUNDS } from '../src/core/sweep/sweep.ts';
import { runState, shoot, waitForStatus, watchErrors } from './helpers.ts';

/** A well-formed model one residual dim wider than the upload limit, all weights zero. */
function tooWideModel(): BaseModel {
  const D = DEFAULT_LIMITS.maxDims + 1;
  return {
    name: 'too wide',
    dims: D,
    dimNames: Array.from({ length: D }, (_, d) => `d${d}`),
    inputDims: [0, 1],
    outputDim: D - 1,
    layers: [{ hidden: 2, wIn: new Float64Array(D * 2), bIn: new Float64Array(2), wOut: new Float64Array(2 * D), neuronNames: ['u', 'v'] }],
    inputs: new Float64Array(0),
    n: 0,
  };
}

test('range hints show every bound; a features value, a sweep and two uploads past them are refused, the run untouched', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&steps=2000');
  await waitForStatus(page, 'done');
  const before = await runState(page);
  const controls = page.getByRole('region', { name: 'Training settings' });

  // The hints, the input's own min/max, and the hint as the input's accessible description.
  const features = page.getByTestId('features');
  await expect(page.getByTestId('features-range')).toHaveText('1–256');
  await expect(page.getByTestId('lr-range')).toHaveText('1e-5–1e4');
  await expect(page.getByTestId('steps-range')).toHaveText('1–2e5');
  await expect(page.getByTestId('lambda-range')).toHaveText('1e-4–100');
  await expect(features).toHaveAttribute('min', '1');
  await expect(features).toHaveAttribute('max', '256');
  await expect(features).toHaveAccessibleDescription('1–256');
  await expect(page.getByLabel('features / layer')).toHaveValue('32');

  // 300 features: refused at once with the reason, nothing restarts.
  await features.fill('300');
  await features.press('Enter');
  const alert = controls.getByRole('alert');
  await expect(alert).toHaveText('features must be between 1 and 256');
  await expect(features).toHaveAttribute('aria-invalid', 'true');
  await expect(features).toHaveAccessibleDescription('1–256 features must be between 1 and 256');
  // Once the field has no typed value waiting for its pause: still the same run, the same URL, no new restart notice.
  await expect(features).toHaveAttribute('data-pending', 'false');
  expect(await runState(page)).toEqual(before);
  expect(page.url()).not.toContain('features=300');
  await controls.screenshot({ path: 'e2e/screenshots/bounds-controls.png' });
  const axe = await new AxeBuilder({ page }).include('section.controls').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.length}`)).toEqual([]);
  // Typing the current value back clears the message and, being no change, restarts nothing.
  await features.fill('32');
  await features.press('Enter');
  await expect(alert).toHaveCount(0);

  // A sweep of 32 λ × 8 seeds × 3 variants = 768 runs, over the bound of 512.
  const sweep = page.getByTestId('view-sweep');
  await sweep.locator('summary').click();
  await expect(sweep).toContainText(`up to ${SWEEP_BOUNDS.members} runs`);
  const size = page.getByTestId('sweep-size');
  await expect(size).toHaveText(`84 runs (7 λ × 4 seeds × 3 variants) of up to ${SWEEP_BOUNDS.members}`);
  await page.getByTestId('sweep-lambdas').fill('32');
  await page.getByTestId('sweep-seeds').fill('8');
  await expect(size).toHaveText(`768 runs (32 λ × 8 seeds × 3 variants) of up to ${SWEEP_BOUNDS.members}`);
  await expect(size).toHaveAttribute('data-value', '768');
  await expect(sweep.getByRole('alert')).toHaveText(
    `768 transcoders (32 λ × 8 seeds × 3 variants) is more than the ${SWEEP_BOUNDS.members} a sweep may train; use fewer λ values, seeds or variants`,
  );
  await expect(page.getByTestId('sweep-run')).toBeDisabled();
  await shoot(page, 'view-sweep', 'bounds-sweep-refused');
  // One variant fewer: 512 runs, exactly the bound, may start.
  await page.getByTestId('sweep-variant-clt-sum').uncheck();
  await expect(size).toHaveText(`512 runs (32 λ × 8 seeds × 2 variants) of up to ${SWEEP_BOUNDS.members}`);
  await expect(sweep.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('sweep-run')).toBeEnabled();
  await expect(page.getByTestId('sweep-run')).toHaveText('Run 512 transcoders');
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'idle');

  // The upload panel states its limits, from the constants that enforce them.
  const upload = page.getByTestId('upload-panel');
  await upload.scrollIntoViewIfNeeded();
  await expect(page.getByTestId('upload-limits')).toHaveText(
    `ONNX file up to ${DEFAULT_LIMITS.maxBytes / 2 ** 20} MiB, at most ${DEFAULT_LIMITS.maxInputs} inputs, ${DEFAULT_LIMITS.maxLayers} layers, ` +
      `${DEFAULT_LIMITS.maxDims} residual dims and ${DEFAULT_LIMITS.maxHidden} hidden neurons a layer; a CSV of up to ${MAX_ROWS} input rows.`,
  );

  // A 6 MiB file: refused by size before anything reads it.
  const big = Buffer.alloc(6 * 1024 * 1024, 0x2a);
  await page.getByTestId('onnx-upload').setInputFiles({ name: 'big.onnx', mimeType: 'application/octet-stream', buffer: big });
  await expect(page.getByTestId('error')).toContainText('The file is 6.0 MiB, over the 5.0 MiB limit');
  await expect(page.getByTestId('upload-status')).toHaveAttribute('data-value', 'refused');
  await shoot(page, 'upload-panel', 'bounds-upload-refused');
  expect(await runState(page)).toEqual(before);

  // A small file of a model one dim too wide: refused by its sizes.
  const wide = exportBaseModel(tooWideModel());
  await page.getByTestId('onnx-upload').setInputFiles({ name: 'wide.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(wide) });
  await expect(page.getByTestId('error')).toContainText(`The residual stream is ${DEFAULT_LIMITS.maxDims + 1} dims wide; the limit is ${DEFAULT_LIMITS.maxDims} dims`);
  await expect(page.getByTestId('upload-status')).toHaveAttribute('data-value', 'refused');

  // After all of it: the same run, done, same numbers, same model, same URL.
  await waitForStatus(page, 'done');
  expect(await runState(page)).toEqual(before);
  expect(errors).toEqual([]);
});
