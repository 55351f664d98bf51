/**
 * Accessibility: with every lazy view drawn, a cut, a graph node's card, a sweep's phase diagram
 * and the tour on the page, axe finds no serious or critical violation anywhere, and the SVG
 * text axe cannot judge meets WCAG contrast where it is drawn.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { shoot, waitForStatus, watchErrors } from './helpers.ts';

/** Every view, top to bottom, each with something inside it that shows it has drawn. */
const VIEWS: readonly [testId: string, drawn: string][] = [
  ['view-metrics', 'table'],
  ['view-model', 'svg'],
  ['view-interventions', 'table'],
  ['upload-panel', 'input[type="file"]'],
  ['view-graphs', 'svg.attribution-graph'],
  ['view-curves', 'svg.line-chart'],
  ['view-tradeoff', 'svg.scatter-trace'],
  ['view-weights', 'svg.heatmap'],
  ['view-activations', 'svg.heatmap'],
  ['view-recon', 'svg.recon-chart'],
  ['view-depth', 'svg.depth-chart'],
];

/** Runs axe on the whole page; fails on serious or critical violations, logs the rest. */
async function audit(page: Page, when: string): Promise<void> {
  const { violations, incomplete } = await new AxeBuilder({ page }).analyze();
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !grave.includes(v));
  const describe = (v: (typeof violations)[number]): string =>
    `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`;
  for (const v of minor) console.log(`axe, ${when}, not failing: ${describe(v)}`);
  // Axe cannot place SVG text over its background and leaves it for review: lowContrastSvgText measures it.
  for (const v of incomplete) {
    const html = v.nodes.filter((n) => !/^<(text|tspan)\b/.test(n.html));
    console.log(`axe, ${when}, needs review: ${v.id} (${v.impact}), ${v.nodes.length - html.length} SVG texts` +
      (html.length > 0 ? ` and ${html.map((n) => n.target.join(' ')).join(', ')}` : ''));
  }
  expect(grave.map(describe), `axe found serious or critical violations ${when}:\n${grave.map(describe).join('\n')}`).toEqual([]);
}

/**
 * Axe leaves SVG text to review (it cannot tell what lies under it), so this measures it: each
 * visible text's fill against the shapes painted before it at its centre, over the page behind
 * the SVG. Text with a white halo (paint-order: stroke) is measured against white. Returns the
 * texts under 4.5:1 (3:1 for large text), one line per distinct colour pair.
 */
async function lowContrastSvgText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type RGB = [number, number, number];
    const parse = (c: string): [RGB, number] | null => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return null;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [[p[0], p[1], p[2]], p[3] ?? 1];
    };
    const over = (top: RGB, alpha: number, under: RGB): RGB => top.map((v, i) => alpha * v + (1 - alpha) * under[i]) as RGB;
    const lum = (c: RGB): number => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a: RGB, b: RGB): number => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const hex = (c: RGB): string => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
    const opacities = new Map<Element, number>();
    const opacity = (el: Element | null): number => {
      if (!el || el instanceof HTMLElement) return 1;
      let o = opacities.get(el);
      if (o === undefined) opacities.set(el, (o = Number(getComputedStyle(el).opacity) * opacity(el.parentElement)));
      return o;
    };
    const pageBehind = (el: Element): RGB => {
      for (let e = el.parentElement; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg && bg[1] > 0.5) return bg[0];
      }
      return [255, 255, 255];
    };
    const found = new Map<string, string>();
    for (const svg of document.querySelectorAll('svg')) {
      // Shapes and texts in paint order: each text is measured against the shapes painted before it.
      const painted: { shape: SVGGeometryElement; box: DOMRect; fill: RGB; alpha: number; inverse: DOMMatrix }[] = [];
      for (const el of svg.querySelectorAll<SVGGraphicsElement>('rect, circle, ellipse, path, polygon, text')) {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        const fill = parse(style.fill);
        if (!fill || box.width === 0 || box.height === 0 || style.display === 'none' || style.visibility === 'hidden') continue;
        const alpha = fill[1] * Number(style.fillOpacity) * opacity(el);
        if (!(el instanceof SVGTextElement)) {
          const m = el.getScreenCTM();
          if (m && alpha >= 0.01 && el instanceof SVGGeometryElement) painted.push({ shape: el, box, fill: fill[0], alpha, inverse: m.inverse() });
          continue;
        }
        const words = el.textContent?.trim() ?? '';
        if (!words || alpha < 0.05) continue;
        const halo = style.paintOrder.startsWith('stroke') && parse(style.stroke)?.[0].every((v) => v > 245) && parseFloat(style.strokeWidth) >= 2;
        let under: RGB = halo ? [255, 255, 255] : pageBehind(svg);
        if (!halo) {
          const x = box.left + box.width / 2;
          const y = box.top + box.height / 2;
          for (const p of painted) {
            if (x < p.box.left || x > p.box.right || y < p.box.top || y > p.box.bottom) continue;
            if (p.shape.isPointInFill(new DOMPoint(x, y).matrixTransform(p.inverse))) under = over(p.fill, p.alpha, under);
          }
        }
        const ink = over(fill[0], alpha, under);
        const px = parseFloat(style.fontSize) * (el.getScreenCTM()?.a ?? 1);
        const large = px >= 24 || (px >= 18.66 && Number(style.fontWeight) >= 700);
        const r = ratio(ink, under);
        if (r >= (large ? 3 : 4.5)) continue;
        const chart = svg.getAttribute('aria-label') ?? svg.getAttribute('class') ?? 'svg';
        const key = `${hex(ink)} on ${hex(under)}`;
        if (!found.has(key)) found.set(key, `${key} = ${r.toFixed(2)}:1, e.g. "${words.slice(0, 30)}" (${el.getAttribute('class') ?? 'text'}) in ${chart}`);
      }
    }
    return [...found.values()];
  });
}

test('axe finds no serious or critical violation on any view', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await page.goto('/#steps=2000');
  await waitForStatus(page, 'done');
  // Scrolling each panel into view lets its lazy chunk load and its cadence draw it.
  for (const [testId, drawn] of VIEWS) {
    const view = page.getByTestId(testId);
    await view.scrollIntoViewIfNeeded();
    await expect(view.locator(drawn).first()).toBeVisible();
  }
  expect(await lowContrastSvgText(page), 'SVG text under 4.5:1 (3:1 when large)').toEqual([]);

  // A node card, opened on a PLT feature of an input whose answer is TRUE.
  await page.getByTestId('input').selectOption('10');
  const node = page.locator('[data-testid^="node-plt-L1-"]').first();
  await node.scrollIntoViewIfNeeded();
  await node.click();
  await expect(page.getByTestId('graph-card-plt')).toBeVisible();
  // A cut, so cut edges, pressed toggles and red disagreement cells are audited too.
  await page.getByTestId('cut-efgh-1').click();
  await expect(page.getByTestId('cut-efgh-1')).toHaveAttribute('aria-pressed', 'true');

  // A small sweep, so the phase diagram is on the page.
  const sweep = page.getByTestId('view-sweep');
  await sweep.locator('summary').click();
  await page.getByTestId('sweep-lambdas').fill('2');
  await page.getByTestId('sweep-seeds').fill('1');
  await page.getByTestId('sweep-steps').fill('300');
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-value', 'done', { timeout: 60_000 });
  await expect(page.locator('[data-testid="sweep-dot"]').first()).toBeVisible();

  // The tour, open on its cut step.
  await page.getByTestId('tour-start').click();
  await expect(page.getByTestId('tour')).toBeVisible();
  await page.getByTestId('tour-next').click();
  await page.getByTestId('tour-next').click();
  await expect(page.getByTestId('tour')).toHaveAttribute('data-value', '2');
  // Everything is on the page now, so one axe run covers every view in every state shown.
  await audit(page, 'with every view drawn, a node card, a cut, a sweep and the tour open');
  expect(await lowContrastSvgText(page), 'SVG text under 4.5:1 (3:1 when large)').toEqual([]);
  await shoot(page, 'graph-card-plt', 'a11y-graph-card');
  expect(errors).toEqual([]);
});
