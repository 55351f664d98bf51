/** Saved experiments: name one, change things, reopen it, delete one; the last one comes back after a reload. */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { allMetrics, metric, shoot, waitForStatus, watchErrors } from './helpers.ts';

const STEPS = 2000;

/** Waits until the run shown has trained all its steps. */
async function trained(page: Page): Promise<void> {
  await expect(page.getByTestId('step')).toHaveAttribute('data-value', String(STEPS));
  await waitForStatus(page, 'done');
}

async function setLambda(page: Page, value: string): Promise<void> {
  await page.getByTestId('lambda').fill(value);
  await page.getByTestId('lambda').press('Enter');
  await expect(page).toHaveURL(new RegExp(`lambda=${value}(&|$)`));
}

async function saveAs(page: Page, name: string): Promise<void> {
  await page.getByTestId('saved-name').fill(name);
  await page.getByTestId('saved-save').click();
  await expect(page.getByTestId('saved-item').filter({ has: page.locator(`b:text-is("${name}")`) })).toHaveCount(1);
}

/** Writes entries straight into the page's IndexedDB store, bypassing the app. */
async function putRaw(page: Page, items: [string, unknown][]): Promise<void> {
  await page.evaluate(async (items) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('transcoder-lab');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tx = db.transaction('experiments', 'readwrite');
    for (const [key, value] of items) tx.objectStore('experiments').put(value, key);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, items);
}

/** Fails on any serious or critical axe violation inside the panel. */
async function auditPanel(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="saved-panel"]').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
}

const row = (page: Page, name: string) => page.locator(`[data-testid="saved-item"][data-name="${name}"]`);

test('save an experiment, change it, reopen it, delete another', async ({ page }) => {
  // Four short runs and three audits: longer than one test's default under a loaded machine.
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await page.goto(`/#v=1&steps=${STEPS}`);
  await trained(page);
  await expect(page.getByTestId('saved-empty')).toBeVisible();
  await expect(page.getByTestId('saved-name')).toHaveValue('λ 0.3 · l1 · seed 0');

  // The experiment to keep: λ 0.1, the hand-off into layer 1 cut, the CLT's L0 → L1 block off.
  await setLambda(page, '0.1');
  await trained(page);
  await page.getByTestId('cut-efgh-1').click();
  await page.getByTestId('pair-clt-0-1').click();
  await expect(page.getByTestId('saved-name')).toHaveValue('λ 0.1 · l1 · seed 0 · cut efgh>1');
  const kept = await allMetrics(page);
  const keptClt = await metric(page, 'agreement-clt');
  expect(Object.keys(kept).length).toBeGreaterThan(5);
  await saveAs(page, 'collapse, cut');
  await expect(row(page, 'collapse, cut').getByTestId('saved-summary')).toHaveText('λ 0.1 · l1 · norm concat · seed 0 · 2,000 steps · cut efgh>1');
  await expect(page.getByTestId('saved-empty')).toHaveCount(0);

  // Change everything again, and save that too.
  await setLambda(page, '3');
  await trained(page);
  await page.getByTestId('cut-efgh-1').click();
  await expect(page.getByTestId('cut-efgh-1')).toHaveAttribute('aria-pressed', 'false');
  await page.getByTestId('pair-clt-0-1').click();
  const changed = await allMetrics(page);
  expect(changed).not.toEqual(kept);
  await saveAs(page, 'high λ');
  await setLambda(page, '0.02');
  await trained(page);
  await saveAs(page, 'almost no sparsity');
  // Newest first.
  await expect(page.getByTestId('saved-item')).toHaveCount(3);
  expect(await page.getByTestId('saved-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-name'))))
    .toEqual(['almost no sparsity', 'high λ', 'collapse, cut']);
  await shoot(page, 'saved-panel', 'saved');
  await auditPanel(page);

  // Reopen the first: settings, cut, block and metrics come back.
  await row(page, 'collapse, cut').getByTestId('saved-open').click();
  await expect(page.getByTestId('notice')).toContainText('Opened “collapse, cut” (saved just now); the run restarted from seed 0.');
  await expect(page.getByTestId('lambda')).toHaveValue('0.1');
  // The link carries the CLT block switched off (off=1) as well.
  await expect(page).toHaveURL(/#v=1&seed=0&lambda=0.1&steps=2000&cut=efgh%3E1&off=1$/);
  await expect(page.getByTestId('cut-efgh-1')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('pair-clt-0-1')).toHaveAttribute('aria-pressed', 'true');
  await trained(page);
  await expect.poll(() => allMetrics(page)).toEqual(kept);
  expect(await metric(page, 'agreement-clt')).toBe(keptClt);

  // Delete one: asked once more, inline; gone, and still gone after a reload.
  await row(page, 'high λ').getByTestId('saved-delete').click();
  await expect(row(page, 'high λ').getByTestId('saved-delete-confirm')).toBeVisible();
  await auditPanel(page);
  await row(page, 'high λ').getByTestId('saved-delete-confirm').click();
  await expect(row(page, 'high λ')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('saved-item')).toHaveCount(2);
  await expect(row(page, 'high λ')).toHaveCount(0);
  await expect(row(page, 'collapse, cut')).toHaveCount(1);

  // Rename through the row.
  await row(page, 'almost no sparsity').getByTestId('saved-rename').click();
  await page.getByTestId('saved-rename-input').fill('λ 0.02');
  await page.getByTestId('saved-rename-input').press('Enter');
  await expect(row(page, 'λ 0.02')).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('the last experiment comes back when the page opens without a link', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`/#v=1&steps=${STEPS}`);
  await trained(page);
  await page.getByTestId('pair-clt-0-1').click();
  await setLambda(page, '0.5');
  await page.getByTestId('cut-e-1').click();
  await trained(page);
  // Travel back to the second kept step: the view comes back too.
  await page.getByTestId('scrubber').fill('1');
  await expect(page.getByTestId('scrub-step')).toContainText('of 2,000');
  const scrubbed = await page.getByTestId('scrub-step').getAttribute('data-value');
  await expect(page.getByTestId('saved-autosave')).toHaveAttribute('data-hash', 'v=1&seed=0&lambda=0.5&steps=2000&cut=e%3E1&off=1');
  await expect(page.getByTestId('saved-autosave')).toHaveAttribute('data-scrub', scrubbed!);

  await page.goto('/');
  await expect(page.getByTestId('notice')).toContainText('Restored your last experiment');
  await expect(page).toHaveURL(/#v=1&seed=0&lambda=0.5&steps=2000&cut=e%3E1&off=1$/);
  await expect(page.getByTestId('lambda')).toHaveValue('0.5');
  await expect(page.getByTestId('cut-e-1')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('pair-clt-0-1')).toHaveAttribute('aria-pressed', 'true');
  await trained(page);
  expect(await metric(page, 'base-accuracy')).toBe(0.875);
  await expect(page.getByTestId('scrub-step')).toHaveAttribute('data-value', scrubbed!);
  await expect(page.getByTestId('scrub-step')).toContainText('of 2,000');

  // A link always wins over the remembered experiment.
  await page.goto(`/#v=1&steps=${STEPS}&lambda=2`);
  await expect(page.getByTestId('lambda')).toHaveValue('2');
  await expect(page.getByTestId('cut-e-1')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('notice')).not.toContainText('Restored');
  expect(errors).toEqual([]);
});

test('garbage in IndexedDB is skipped and reported; the panel keeps working', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  await page.goto(`/#v=1&steps=${STEPS}`);
  await waitForStatus(page, 'done');
  await saveAs(page, 'good one');
  // Write garbage straight into the store, as a broken or hostile page version might.
  await putRaw(page, [['exp:bad', { id: 'bad', name: 42, hash: { evil: '<img src=x onerror=alert(1)>' } }], ['exp:junk', 'garbage']]);

  await page.reload();
  const alert = page.getByTestId('saved-error');
  await expect(alert).toContainText('2 saved entries could not be read');
  await expect(alert).toContainText("'bad': its name is not text");
  await expect(alert).toContainText("'junk': it is not a saved experiment");
  await expect(row(page, 'good one')).toHaveCount(1);
  await shoot(page, 'saved-panel', 'saved-error');
  await auditPanel(page);
  await saveAs(page, 'still works');
  await expect(page.getByTestId('saved-item')).toHaveCount(2);
  await page.getByTestId('saved-clear-bad').click();
  await expect(alert).toHaveCount(0);

  // A broken last experiment is reported on a page opened without a link, which starts afresh.
  // Each tab autosaves under its own id (kept in sessionStorage); break this tab's.
  const tab = await page.evaluate(() => sessionStorage.getItem('transcoder-lab-tab'));
  expect(tab).toBeTruthy();
  await putRaw(page, [[`last:${tab}`, { v: 1, hash: 17, savedAt: 'never' }]]);
  await page.goto('/');
  await expect(page.getByTestId('error')).toContainText('Your last experiment could not be restored: its hash is not text');
  await waitForStatus(page, 'training');
  await expect(page.getByTestId('saved-item')).toHaveCount(2);
  expect(errors).toEqual([]);
});

test('without IndexedDB the panel says so and the page works', async ({ page }) => {
  const errors = watchErrors(page);
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', {
      configurable: true,
      value: { open: () => { throw new DOMException('The user denied permission to access the database.', 'SecurityError'); } },
    });
  });
  await page.goto('/');
  await expect(page.getByTestId('saved-error')).toContainText('does not let the page use IndexedDB');
  await page.getByTestId('saved-save').click();
  await expect(page.getByTestId('saved-error')).toContainText('does not let the page use IndexedDB');
  await expect(page.getByTestId('saved-autosave')).toHaveCount(0);
  await page.getByTestId('lambda').fill('0.5');
  await page.getByTestId('lambda').press('Enter');
  await expect(page.getByTestId('saved-autosave')).toHaveAttribute('data-state', 'off');
  await expect(page).toHaveURL(/lambda=0.5/);
  await expect(page.getByTestId('step')).not.toHaveAttribute('data-value', '0');
  expect(errors).toEqual([]);
});

test('an IndexedDB that never answers does not hold the page up', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { configurable: true, value: { open: () => ({}) } });
  });
  await page.goto('/');
  // Training starts: the page waited for IndexedDB only as long as its restore timeout.
  await expect(page.getByTestId('step')).not.toHaveAttribute('data-value', '0');
  await expect(page.getByTestId('saved-error')).toContainText('IndexedDB did not answer within 4 s');
});
