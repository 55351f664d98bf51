/**
 * Keyboard read-outs for the d3 charts: the chart's SVG takes focus, the arrow keys move a
 * cursor over its items (cells, inputs, steps, points) and each item shows the read-out a
 * pointer would, so what hovering reveals is reachable without a mouse.
 */
import { hideTooltip, showTooltipAt } from './tooltip.ts';

/** What one item shows: the element the read-out sits beside, and its lines. */
export interface CursorItem {
  anchor: Element;
  lines: string[];
}

export interface ChartCursor {
  /** The chart's name; the SVG's accessible name adds how to use it and, while focused, the item read. */
  label: string;
  /** Number of items; 0 leaves the chart out of the tab order. */
  count: number;
  /** Items per row, for ↑ ↓ on a grid (default: one row). */
  columns?: number;
  /** The item the cursor starts on when the chart takes focus (default 0). */
  start?: () => number;
  /** Moves the chart's own highlight to item i and returns its read-out. */
  show: (i: number) => CursorItem;
  /** Removes the highlight when focus leaves or Esc is pressed. */
  clear: () => void;
}

const HINT = 'arrow keys read the values';

/**
 * Makes `svg` focusable and keyboard-readable. The returned detach goes before the SVG is
 * removed: when it had focus, the next chart drawn in the same container takes the focus and
 * the cursor back, so a chart redrawn while training does not drop the reader's place.
 */
export function attachCursor(svg: SVGSVGElement, c: ChartCursor): () => void {
  let at: number | null = null;
  const columns = Math.max(1, c.columns ?? c.count);
  svg.setAttribute('aria-label', `${c.label} (${HINT})`);
  svg.classList.add('keyboard-chart');
  const container = svg.parentElement;
  // A place kept by the chart this one replaces, if it was just now.
  const [keptAt, keptTime] = (container?.dataset.cursor ?? '').split('@').map(Number);
  if (container) delete container.dataset.cursor;
  const detach = (): void => {
    if (container && at !== null && document.activeElement === svg) container.dataset.cursor = `${at}@${Date.now()}`;
    svg.onfocus = svg.onblur = svg.onkeydown = null;
    if (at !== null) hideTooltip();
  };
  if (c.count === 0) {
    svg.removeAttribute('tabindex');
    return detach;
  }
  svg.setAttribute('tabindex', '0');
  const move = (i: number): void => {
    at = Math.max(0, Math.min(c.count - 1, i));
    const item = c.show(at);
    showTooltipAt(item.anchor, item.lines);
    svg.setAttribute('aria-label', `${c.label}: ${item.lines.join('; ')}`);
  };
  const leave = (): void => {
    at = null;
    hideTooltip();
    c.clear();
    svg.setAttribute('aria-label', `${c.label} (${HINT})`);
  };
  svg.onfocus = () => move(c.start?.() ?? 0);
  svg.onblur = leave;
  svg.onkeydown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      if (at !== null) leave();
      return;
    }
    const i = at ?? 0;
    const row = Math.floor(i / columns) * columns;
    const next: Record<string, number> = {
      ArrowLeft: Math.max(row, i - 1),
      ArrowRight: Math.min(row + columns - 1, i + 1),
      ArrowUp: i - columns >= 0 ? i - columns : i,
      ArrowDown: i + columns < c.count ? i + columns : i,
      Home: row,
      End: Math.min(c.count - 1, row + columns - 1),
    };
    if (!(e.key in next)) return;
    e.preventDefault();
    move(next[e.key]);
  };
  if (Number.isFinite(keptAt) && Date.now() - keptTime < 1000) {
    const onfocus = svg.onfocus;
    svg.onfocus = null;
    svg.focus({ preventScroll: true });
    svg.onfocus = onfocus;
    move(keptAt);
  }
  return detach;
}
