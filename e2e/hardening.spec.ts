/** Hostile links and the network: whatever the URL says, the page renders text and talks only to itself. */
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { waitForStatus, watchErrors } from './helpers.ts';

const KEYS = ['v', 'seed', 'lambda', 'penalty', 'c', 'norm', 'features', 'lr', 'steps', 'window', 'cut', 'engine', 'input', 'circuit', 'graph', 'eps', 'lp', 'fa', 'off', 'na', 'zzz'];
const NASTY = [
  '<img src=x onerror=window.__pwned=1>',
  '<script>window.__pwned=1</script>',
  '"><svg onload=window.__pwned=1>',
  'javascript:window.__pwned=1',
  '%E0%A4%A',
  '%',
  'NaN',
  '-1e309',
  '1e400',
  '0x10',
  'efgh>9,zz>1',
  '(a XOR',
  'x'.repeat(5000),
];

/** 30 hashes: generated key=value soups with hostile fragments, fixed by a seed. */
function hostileHashes(): string[] {
  const value = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 40 }), fc.double().map(String), fc.integer().map(String));
  const pair = fc.tuple(fc.constantFrom(...KEYS), value).map(([k, v]) => `${k}=${v.startsWith('%') ? v : encodeURIComponent(v)}`);
  return fc.sample(fc.array(pair, { minLength: 1, maxLength: 8 }).map((ps) => `#${ps.join('&')}`), { numRuns: 30, seed: 20261124 });
}

test('43 hostile URLs (13 hand-made, 30 generated): no console error, nothing injected, problems shown as text', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const hashes = [
    ...NASTY.map((v) => {
      const e = encodeURIComponent(v);
      return `#v=1&penalty=${e}&circuit=${e}&fa=${e}&off=${e}&na=${e}`;
    }),
    ...hostileHashes(),
  ];
  for (const hash of hashes) {
    await page.goto(`/${hash}`);
    await page.reload();
    await expect(page.getByTestId('status')).toHaveAttribute('data-value', /idle|training|done|paused|error/);
    await expect(page.getByTestId('metric-clt-l0-0')).toBeAttached({ timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src="x"], svg[onload], script:not([src])').count()).toBe(0);
  }
  expect(dialogs).toBe(0);
  expect(errors).toEqual([]);
  console.log(`hostile URLs opened: ${hashes.length}, lost or broke anything: 0`);
});

test('a whole journey contacts no host but our own', async ({ page, baseURL }) => {
  const own = new URL(baseURL!).host;
  const hosts = new Set<string>();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') hosts.add(u.host);
  });
  await page.goto('/#v=1&seed=0');
  await waitForStatus(page, 'done');
  await page.getByTestId('cut-efgh-1').click();
  await page.getByTestId('view-graphs').scrollIntoViewIfNeeded();
  await page.getByTestId('input').selectOption('10');
  await page.getByTestId('lambda').fill('1');
  await page.getByTestId('lambda').press('Enter');
  await waitForStatus(page, 'done');
  expect([...hosts]).toEqual([own]);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).not.toContain("'unsafe-eval'");
});
