/** One shared tooltip element for every chart: exact values on hover, rendered as text. */
let el: HTMLDivElement | null = null;

function tooltipElement(): HTMLDivElement {
  if (el && document.body.contains(el)) return el;
  el = document.createElement('div');
  el.className = 'chart-tooltip';
  el.setAttribute('role', 'tooltip');
  el.dataset.testid = 'tooltip';
  el.style.cssText =
    'position:fixed;pointer-events:none;z-index:50;background:#111827;color:#f9fafb;font:12px/1.35 ui-monospace,monospace;padding:6px 8px;border-radius:4px;white-space:pre;display:none;max-width:420px';
  document.body.appendChild(el);
  return el;
}

/** Shows `lines` (plain text, never HTML) near the pointer at client coordinates (x, y). */
export function showTooltip(x: number, y: number, lines: string[]): void {
  const t = tooltipElement();
  t.textContent = lines.join('\n');
  t.style.display = 'block';
  const w = t.offsetWidth;
  const h = t.offsetHeight;
  t.style.left = `${Math.min(x + 14, window.innerWidth - w - 4)}px`;
  t.style.top = `${Math.min(y + 14, window.innerHeight - h - 4)}px`;
}

/** Shows `lines` under an element, for read-outs reached by keyboard rather than pointer. */
export function showTooltipAt(anchor: Element, lines: string[]): void {
  const box = anchor.getBoundingClientRect();
  showTooltip(box.left, box.bottom, lines);
  // At the foot of the window it would be pushed up over its anchor: put it above instead.
  const t = tooltipElement();
  if (t.offsetTop < box.bottom) t.style.top = `${Math.max(4, box.top - t.offsetHeight - 6)}px`;
}

export function hideTooltip(): void {
  if (el) el.style.display = 'none';
}

/** A number for read-outs: 4 significant digits, no exponent below 1e-4. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}
