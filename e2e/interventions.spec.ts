/** Cutting the hand-off by click: the real model breaks, the collapsed CLT does not notice, the PLT does. */
import { expect, test } from '@playwright/test';
import { metric, shoot, waitForStatus, watchErrors } from './helpers.ts';

test('cut e..h into layer 1 by click, over several seeds', async ({ page }) => {
  const errors = watchErrors(page);
  for (const seed of [0, 1, 2]) {
    await page.goto(`/#v=1&seed=${seed}`);
    await page.reload();
    await waitForStatus(page, 'done');
    const cut = page.getByTestId('cut-efgh-1');
    await expect(cut).toHaveAttribute('aria-pressed', 'false');
    await cut.click();
    await expect(cut).toHaveAttribute('aria-pressed', 'true');
    await expect(page).toHaveURL(/cut=efgh%3E1|cut=efgh>1/);
    expect(await metric(page, 'base-accuracy')).toBe(0.75);
    const clt = await metric(page, 'agreement-clt');
    const plt = await metric(page, 'agreement-plt');
    expect(plt).toBeGreaterThanOrEqual(0.9);
    expect(clt).toBeLessThan(plt);
    expect(clt).toBeLessThanOrEqual(0.9);
    // Shown first: the real model changes on 4 inputs; the CLT follows at most 2 of them, the PLT all 4.
    expect(await metric(page, 'changed-count')).toBe(4);
    expect(await metric(page, 'followed-clt')).toBeLessThanOrEqual(2);
    expect(await metric(page, 'followed-plt')).toBe(4);
    // The CLT's rows show red cells exactly where it keeps answering TRUE.
    expect(await page.getByTestId('iv-row-clt').locator('td.disagree').count()).toBe(Math.round((1 - clt) * 16));
    if (seed === 0) await shoot(page, 'view-interventions', 'view-interventions-cut');
    // Cutting again restores the model.
    await cut.click();
    expect(await metric(page, 'base-accuracy')).toBe(1);
  }
  expect(errors).toEqual([]);
});

test('the cut state is in the URL and survives reopening it', async ({ page }) => {
  await page.goto('/#v=1&seed=0&cut=e%3E1');
  await waitForStatus(page, 'done');
  await expect(page.getByTestId('cut-e-1')).toHaveAttribute('aria-pressed', 'true');
  expect(await metric(page, 'base-accuracy')).toBe(0.875);
  // A cut does not retrain: the run stays done.
  await page.getByTestId('cut-g-1').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-value', 'done');
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await waitForStatus(page, 'done');
  await expect(page.getByTestId('cut-e-1')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('cut-g-1')).toHaveAttribute('aria-pressed', 'true');
});

test('switching the CLT\'s L0 → L1 decoder block off breaks its layer-1 output', async ({ page }) => {
  await page.goto('/#v=1&seed=0');
  await waitForStatus(page, 'done');
  await page.getByTestId('pair-clt-0-1').click();
  await expect(page.getByTestId('pair-clt-0-1')).toHaveAttribute('aria-pressed', 'true');
  // The collapsed CLT wrote the answer only through that block: it now misses the TRUE inputs.
  expect(await metric(page, 'agreement-clt')).toBeLessThanOrEqual(0.8);
  expect(await metric(page, 'agreement-plt')).toBe(1);
  await page.getByTestId('ablate-neuron-i').click();
  expect(await metric(page, 'base-accuracy')).toBe(0.75);
});

test('the link carries the interventions: a fresh page opened on it shows the same blocks off and neurons ablated', async ({ page, browser }) => {
  await page.goto('/#v=1&seed=0');
  await waitForStatus(page, 'done');
  await page.getByTestId('pair-clt-0-1').click();
  await page.getByTestId('ablate-neuron-i').click();
  await expect(page).toHaveURL(/[#&]off=\d+/);
  await expect(page).toHaveURL(/[#&]na=\d+\.\d+/);
  const clt = await metric(page, 'agreement-clt');
  const link = page.url();

  const other = await browser.newContext();
  const fresh = await other.newPage();
  await fresh.goto(link);
  await waitForStatus(fresh, 'done');
  await expect(fresh.getByTestId('pair-clt-0-1')).toHaveAttribute('aria-pressed', 'true');
  expect(await metric(fresh, 'agreement-clt')).toBe(clt);
  expect(await metric(fresh, 'base-accuracy')).toBe(0.75);
  await expect(fresh.getByTestId('error')).toHaveCount(0);
  // Items the model lacks, or that cannot be read, are dropped and reported, not applied.
  await fresh.goto(`${link}&fa=c9.1*zz`);
  await expect(fresh.getByTestId('error')).toContainText("fa: item 'zz' could not be read");
  await expect(fresh.getByTestId('error')).toContainText('1 intervention in the link');
  await other.close();
});
