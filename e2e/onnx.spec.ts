/**
 * The base model as a real ONNX model: the default page trains on onnxruntime-web's
 * activations of models/xor-and.onnx, fetching the runtime from our own origin only; a user's
 * model of another size uploads and trains; bad files are refused without touching the run.
 */
import { expect, test } from '@playwright/test';
import onnxProto from 'onnx-proto';
import { encodeModel, exportBaseModel } from '../src/onnx/export.ts';
import { metric, runState, shoot, waitForStatus, watchErrors } from './helpers.ts';
import { file, sixDimModel } from './testModels.ts';

const { onnx } = onnxProto;

test('the default page trains on onnxruntime-web activations fetched from our own origin only', async ({ page }) => {
  const errors = watchErrors(page);
  const requests: string[] = [];
  page.context().on('request', (r) => requests.push(r.url()));
  const t0 = Date.now();
  await page.goto('/');
  await expect(page.getByTestId('data-source')).toHaveAttribute('data-value', 'onnx');
  const toData = Date.now() - t0;
  await waitForStatus(page, 'done');
  expect(await metric(page, 'metric-clt-l0-1')).toBe(0);
  expect(await metric(page, 'metric-plt-l0-1')).toBeGreaterThan(0.5);
  expect(await metric(page, 'metric-clt-accuracy')).toBe(1);
  expect(await metric(page, 'metric-clt-faithfulness')).toBeLessThan(await metric(page, 'metric-plt-faithfulness'));
  const source = await page.getByTestId('data-source').innerText();
  console.log(`data source: ${source} (page open to ONNX data: ${toData} ms)`);

  const fetched = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:'));
  expect(fetched.some((u) => /ort-wasm-simd-threaded[-.\w]*\.wasm$/.test(u))).toBe(true);
  expect(fetched.some((u) => /xor-and[-.\w]*\.onnx$/.test(u))).toBe(true);
  expect(fetched.filter((u) => new URL(u).hostname !== '127.0.0.1')).toEqual([]);
  expect(errors).toEqual([]);
});

test('an uploaded model of another size trains and every view takes its sizes and names', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&steps=4000');
  await waitForStatus(page, 'done');
  await page.getByTestId('onnx-upload').setInputFiles(file('six.onnx', exportBaseModel(sixDimModel())));
  await expect(page.getByTestId('upload-status')).toHaveAttribute('data-value', 'ready');
  await expect(page.getByTestId('upload-output')).toHaveValue('5');
  await page.getByTestId('upload-train').click();
  await expect(page.getByTestId('notice')).toContainText('Loaded six-dim test model');
  await expect(page.getByTestId('data-source')).toHaveAttribute('data-value', 'onnx');
  await expect(page.getByTestId('data-source')).toContainText('six-dim test model');
  await waitForStatus(page, 'done');
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', '4000');
  for (const id of ['metric-clt-l0-0', 'metric-clt-l0-1', 'metric-plt-l0-1', 'metric-clt-accuracy', 'metric-plt-faithfulness']) {
    expect(Number.isFinite(await metric(page, id))).toBe(true);
  }
  const diagram = await page.getByTestId('view-model').innerText();
  for (const name of ['in1', 'in3', 'mid1', 'ans']) expect(diagram).toContain(name);
  await expect(page.getByTestId('cut-mid1-1')).toBeVisible();
  await expect(page.getByTestId('cut-e-1')).toHaveCount(0);
  await expect(page.getByTestId('upload-note')).toContainText('not the weights');
  await expect(page.getByTestId('error')).toHaveCount(0);
  await page.screenshot({ path: 'e2e/screenshots/onnx-uploaded-page.png', fullPage: true });
  await shoot(page, 'upload-panel', 'onnx-upload-panel-loaded');
  expect(errors).toEqual([]);
});

test('a truncated file, a text file, a misnamed input and an oversized model are refused, the run untouched', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/#v=1&steps=3000');
  await waitForStatus(page, 'done');
  const before = await runState(page);
  const good = exportBaseModel(sixDimModel());
  const misnamed = onnx.ModelProto.decode(good);
  misnamed.graph!.input![0].name = 'features';
  misnamed.graph!.node![0].input![0] = 'features';
  const huge = onnx.ModelProto.decode(good);
  huge.docString = 'padding '.repeat(800_000);
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated.onnx', good.slice(0, Math.floor(good.length * 0.6)), /could not be read as ONNX.*truncated/],
    ['notes.onnx', new TextEncoder().encode('layer,weight\n0,0.5\n1,-0.25\n'), /This is a text file, not an ONNX model/],
    ['misnamed.onnx', encodeModel(misnamed), /no input named 'x'; it has 'features'/],
    ['huge.onnx', encodeModel(huge), /The file is 6\.\d MiB, over the 5\.0 MiB limit/],
  ];
  for (const [name, bytes, message] of cases) {
    await page.getByTestId('onnx-upload').setInputFiles(file(name, bytes));
    await expect(page.getByTestId('error')).toContainText(message);
    await expect(page.getByTestId('upload-status')).toHaveAttribute('data-value', 'refused');
    if (name === 'misnamed.onnx') {
      await shoot(page, 'upload-panel', 'onnx-upload-panel-error');
      await shoot(page, 'error', 'onnx-upload-error-banner');
    }
    expect(await runState(page)).toEqual(before);
  }
  // Only the latest refusal stays in the banner.
  await expect(page.getByTestId('error').locator('li')).toHaveCount(1);
  expect(errors).toEqual([]);
});
