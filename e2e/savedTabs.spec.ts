/**
 * Saved experiments across tabs: two pages of one browser context share IndexedDB and
 * BroadcastChannel, as two tabs of one browser do. Each case ends with a notice on the page and
 * the store holding every record once.
 */
import { expect, test, type Page } from '@playwright/test';
import { shoot, waitForStatus, watchErrors } from './helpers.ts';

const STEPS = 2000;
const row = (page: Page, name: string) => page.locator(`[data-testid="saved-item"][data-name="${name}"]`);

async function openTab(page: Page, hash = `v=1&steps=${STEPS}`): Promise<void> {
  await page.goto(`/#${hash}`);
  await waitForStatus(page, 'done', 120_000);
}

async function saveAs(page: Page, name: string): Promise<void> {
  await page.getByTestId('saved-name').fill(name);
  await page.getByTestId('saved-save').click();
  await expect(row(page, name)).toHaveCount(1);
}

/** Every saved experiment's name in the store, read straight from IndexedDB, sorted. */
async function storedNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('transcoder-lab');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const store = db.transaction('experiments').objectStore('experiments');
    const all = await new Promise<{ name: string }[]>((resolve, reject) => {
      const r = store.getAll(IDBKeyRange.bound('exp:', 'exp:\uffff'));
      r.onsuccess = () => resolve(r.result as { name: string }[]);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return all.map((r) => r.name).sort();
  });
}

/** Writes or deletes entries straight in the store, as a tab of an earlier page version (which tells no one) would. */
async function writeRaw(page: Page, puts: [string, unknown][], deletes: string[] = []): Promise<void> {
  await page.evaluate(async ({ puts, deletes }) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('transcoder-lab');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tx = db.transaction('experiments', 'readwrite');
    for (const [key, value] of puts) tx.objectStore('experiments').put(value, key);
    for (const key of deletes) tx.objectStore('experiments').delete(key);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, { puts, deletes });
}

const idOf = (page: Page, name: string) => page.evaluate(async (name) => {
  const db = await new Promise<IDBDatabase>((resolve) => {
    const open = indexedDB.open('transcoder-lab');
    open.onsuccess = () => resolve(open.result);
  });
  const r = db.transaction('experiments').objectStore('experiments').getAll(IDBKeyRange.bound('exp:', 'exp:\uffff'));
  const all = await new Promise<{ id: string; name: string }[]>((resolve) => { r.onsuccess = () => resolve(r.result as { id: string; name: string }[]); });
  db.close();
  return all.find((x) => x.name === name)!.id;
}, name);

test('a delete in one tab reaches the other; opening what another tab removed says so', async ({ context }) => {
  test.setTimeout(240_000);
  const a = await context.newPage();
  const b = await context.newPage();
  const errors = [...[a, b].map(watchErrors)];
  await openTab(a);
  await openTab(b);

  // A save in A shows up in B, with a notice.
  await saveAs(a, 'shared');
  await expect(row(b, 'shared')).toHaveCount(1);
  await expect(b.getByTestId('saved-notice')).toContainText('Another tab saved “shared”.');

  // B asks to delete it; A deletes it first: B's row goes, and B is told.
  await row(b, 'shared').getByTestId('saved-delete').click();
  await row(a, 'shared').getByTestId('saved-delete').click();
  await row(a, 'shared').getByTestId('saved-delete-confirm').click();
  await expect(row(a, 'shared')).toHaveCount(0);
  await expect(row(b, 'shared')).toHaveCount(0);
  await expect(b.getByTestId('saved-notice')).toContainText('Another tab deleted “shared”.');
  expect(await storedNames(a)).toEqual([]);

  // A tab that tells no one (an earlier version of the page) deletes a record B lists:
  // opening it in B re-reads it first, says it is gone, and drops it from the list.
  await saveAs(b, 'kept');
  await saveAs(b, 'doomed');
  await expect(row(a, 'doomed')).toHaveCount(1);
  const before = b.url();
  await writeRaw(a, [], [`exp:${await idOf(a, 'doomed')}`]);
  await row(b, 'doomed').getByTestId('saved-open').click();
  await expect(b.getByTestId('saved-notice')).toContainText('“doomed” was deleted in another tab. It was not opened.');
  await expect(row(b, 'doomed')).toHaveCount(0);
  expect(b.url()).toBe(before);
  // Deleting it from A's stale list says the same, and deletes nothing else.
  await row(a, 'doomed').getByTestId('saved-delete').click();
  await row(a, 'doomed').getByTestId('saved-delete-confirm').click();
  await expect(a.getByTestId('saved-notice')).toContainText('“doomed” was deleted in another tab, so it was not deleted.');
  await expect(row(a, 'doomed')).toHaveCount(0);
  expect(await storedNames(a)).toEqual(['kept']);
  await shoot(b, 'saved-panel', 'saved-tabs-deleted');
  expect(errors.flat()).toEqual([]);
});

test('a rename begun on a stale list does not overwrite the newer name', async ({ context }) => {
  test.setTimeout(240_000);
  const a = await context.newPage();
  const b = await context.newPage();
  const errors = [...[a, b].map(watchErrors)];
  await openTab(a);
  await openTab(b);
  await saveAs(a, 'first name');
  await expect(row(b, 'first name')).toHaveCount(1);

  // B starts renaming; meanwhile A renames it.
  await row(b, 'first name').getByTestId('saved-rename').click();
  await b.getByTestId('saved-rename-input').fill('name from B');
  await row(a, 'first name').getByTestId('saved-rename').click();
  await a.getByTestId('saved-rename-input').fill('name from A');
  await a.getByTestId('saved-rename-input').press('Enter');
  await expect(row(a, 'name from A')).toHaveCount(1);
  await expect(b.getByTestId('saved-notice')).toContainText('Another tab renamed “first name” to “name from A”.');

  // B's rename was begun on "first name": it is refused, with the reason, and the list shows A's name.
  await b.getByTestId('saved-rename-input').press('Enter');
  await expect(b.getByTestId('saved-notice')).toContainText('“first name” was renamed to “name from A” in another tab, so it was not renamed');
  await expect(row(b, 'name from A')).toHaveCount(1);
  await expect(b.getByTestId('saved-rename-input')).toHaveCount(0);
  expect(await storedNames(b)).toEqual(['name from A']);

  // Renaming it again, from the list as it is now, works, and A hears of it.
  await row(b, 'name from A').getByTestId('saved-rename').click();
  await b.getByTestId('saved-rename-input').fill('name from B');
  await b.getByTestId('saved-rename-input').press('Enter');
  await expect(row(b, 'name from B')).toHaveCount(1);
  await expect(row(a, 'name from B')).toHaveCount(1);
  await expect(a.getByTestId('saved-notice')).toContainText('Another tab renamed “name from A” to “name from B”.');
  expect(await storedNames(a)).toEqual(['name from B']);

  // Opening a record another tab renamed without telling opens it as it is now, and says so.
  const id = await idOf(a, 'name from B');
  await writeRaw(a, [[`exp:${id}`, { v: 1, id, name: 'quietly renamed', hash: `v=1&steps=${STEPS}&lambda=0.7`, savedAt: new Date().toISOString(), step: 0, model: '' }]]);
  await row(b, 'name from B').getByTestId('saved-open').click();
  await expect(b.getByTestId('saved-notice')).toContainText('“name from B” was renamed to “quietly renamed” and its settings changed in another tab; this opened it as it is now.');
  await expect(b.getByTestId('notice')).toContainText('Opened “quietly renamed”');
  await expect(b.getByTestId('lambda')).toHaveValue('0.7');
  await expect(row(b, 'quietly renamed')).toHaveCount(1);
  await shoot(b, 'saved-panel', 'saved-tabs-renamed');
  expect(errors.flat()).toEqual([]);
});

test('each tab autosaves its own experiment; a page opened without a link restores the newest and lists the rest', async ({ context }) => {
  test.setTimeout(240_000);
  const a = await context.newPage();
  const b = await context.newPage();
  const errors = [...[a, b].map(watchErrors)];
  await openTab(a, `v=1&steps=${STEPS}&lambda=0.5`);
  await expect(a.getByTestId('saved-autosave')).toHaveAttribute('data-hash', /lambda=0.5&/);
  await openTab(b, `v=1&steps=${STEPS}&lambda=2`);
  await expect(b.getByTestId('saved-autosave')).toHaveAttribute('data-hash', /lambda=2&/);
  // Each tab lists the other's autosave as recent.
  await expect(a.getByTestId('recent-item')).toHaveCount(1);
  await expect(a.getByTestId('recent-item')).toHaveAttribute('data-hash', /lambda=2&/);
  await expect(b.getByTestId('recent-item')).toHaveAttribute('data-hash', /lambda=0.5&/);

  // A third tab opened without a link restores B's (the newest), and lists both A's and B's.
  const c = await context.newPage();
  errors.push(watchErrors(c));
  await c.goto('/');
  await expect(c.getByTestId('notice')).toContainText('Restored your last experiment (autosaved just now in another tab)');
  await expect(c.getByTestId('lambda')).toHaveValue('2');
  await expect(c.getByTestId('recent-item')).toHaveCount(2);
  await shoot(c, 'saved-panel', 'saved-tabs-recent');
  for (const [width, height] of [[1440, 900], [390, 844]]) {
    await c.setViewportSize({ width, height });
    await shoot(c, 'saved-panel', `saved-tabs-recent-${width}`);
  }
  await c.setViewportSize({ width: 1400, height: 1000 });
  // Opening A's from the list brings A's experiment into C.
  await c.locator('[data-testid="recent-item"][data-hash*="lambda=0.5&"]').getByTestId('recent-open').click();
  await expect(c.getByTestId('notice')).toContainText('Opened the experiment autosaved in another tab');
  await expect(c.getByTestId('lambda')).toHaveValue('0.5');

  // A, reloaded without a link, gets its own experiment back, not the newer one of another tab.
  await expect(c.getByTestId('saved-autosave')).toHaveAttribute('data-hash', /lambda=0.5&/);
  await b.getByTestId('lambda').fill('3');
  await b.getByTestId('lambda').press('Enter');
  await expect(b.getByTestId('saved-autosave')).toHaveAttribute('data-hash', /lambda=3&/);
  await a.goto('/');
  await expect(a.getByTestId('notice')).toContainText('Restored your last experiment (autosaved');
  await expect(a.getByTestId('notice')).not.toContainText('another tab');
  await expect(a.getByTestId('lambda')).toHaveValue('0.5');
  // Nothing of B's was lost: B still shows λ 3, and A lists it.
  await expect(b.getByTestId('lambda')).toHaveValue('3');
  await expect(a.locator('[data-testid="recent-item"][data-hash*="lambda=3&"]')).toHaveCount(1);
  expect(errors.flat()).toEqual([]);
});

test('two tabs saving at 199 stop at the cap of 200: one is saved, the other is told why not', async ({ context }) => {
  test.setTimeout(240_000);
  const a = await context.newPage();
  const b = await context.newPage();
  const errors = [...[a, b].map(watchErrors)];
  await openTab(a);
  const when = Date.UTC(2025, 0, 1);
  await writeRaw(a, Array.from({ length: 199 }, (_, k) => [`exp:fill-${k}`, {
    v: 1, id: `fill-${k}`, name: `filler ${k}`, hash: `v=1&steps=${STEPS}&seed=${k}`, savedAt: new Date(when + k * 60_000).toISOString(), step: 0, model: '',
  }]));
  await a.reload();
  await openTab(b);
  for (const p of [a, b]) await expect(p.getByTestId('saved-item')).toHaveCount(199);
  await a.getByTestId('saved-name').fill('from A');
  await b.getByTestId('saved-name').fill('from B');

  // Both click save at once: the count and the write are one transaction, so only one gets in.
  // The clicks go straight to the buttons (no wait for actionability): a waited click would land
  // only after the other tab's message had refreshed this tab's list and disabled its button.
  await Promise.all([a.getByTestId('saved-save').dispatchEvent('click'), b.getByTestId('saved-save').dispatchEvent('click')]);
  const names = await expect.poll(async () => (await storedNames(a)).length).toBe(200).then(() => storedNames(a));
  const mine = names.filter((n) => n.startsWith('from '));
  expect(mine.length).toBe(1);
  const [winner, loser] = mine[0] === 'from A' ? [a, b] : [b, a];
  await expect(loser.getByTestId('saved-error')).toContainText('You have 200 saved experiments, the most this page keeps (200); delete one to save another.');
  for (const p of [winner, loser]) {
    await expect(p.getByTestId('saved-item')).toHaveCount(200);
    await expect(p.getByTestId('saved-full')).toBeVisible();
    await expect(row(p, mine[0])).toHaveCount(1);
  }
  // No filler lost, none doubled.
  expect(new Set(names).size).toBe(200);
  await shoot(loser, 'saved-panel', 'saved-tabs-cap');
  expect(errors.flat()).toEqual([]);
});
