import { expect, type Page } from '@playwright/test';

/** Collects console errors and page errors; the tests assert there are none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

export async function waitForStatus(page: Page, status: string, timeout = 60_000): Promise<void> {
  await expect(page.getByTestId('status')).toHaveAttribute('data-value', status, { timeout });
}

export async function metric(page: Page, id: string): Promise<number> {
  const v = await page.getByTestId(id).getAttribute('data-value');
  return Number(v);
}

/** Every metric cell's raw value, for comparing two runs. */
export async function allMetrics(page: Page): Promise<Record<string, string | null>> {
  return page.$$eval('[data-testid^="metric-"]', (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-testid'), e.getAttribute('data-value')])),
  );
}

export async function shoot(page: Page, testId: string, name: string): Promise<void> {
  const el = page.getByTestId(testId);
  await el.scrollIntoViewIfNeeded();
  await el.screenshot({ path: `e2e/screenshots/${name}.png` });
}

/** Everything that says which run the page shows, to check that something left it alone. */
export async function runState(page: Page) {
  return {
    status: await page.getByTestId('status').getAttribute('data-value'),
    step: await page.getByTestId('step').getAttribute('data-value'),
    metrics: await allMetrics(page),
    model: await page.getByTestId('view-model').innerText(),
    url: page.url(),
    // The load's own notice ("steps 15000 → 2000: the run restarted…") stays; a restart would replace it.
    notice: await page.getByTestId('notice').allInnerTexts(),
  };
}
