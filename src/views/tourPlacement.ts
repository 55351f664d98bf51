/** Where the tour's dialog sits: the viewport corner that covers least of what a step points at. */

export type Corner = 'br' | 'bl' | 'tr' | 'tl';
const CORNERS: readonly Corner[] = ['br', 'bl', 'tr', 'tl'];
const MARGIN = 16;

/** The corner where a dialog of this size covers least of the targets (area in px²), first corner on ties. */
export function bestCorner(targets: readonly Pick<DOMRect, 'left' | 'right' | 'top' | 'bottom'>[], w: number, h: number, vw: number, vh: number): Corner {
  let best: Corner = 'br';
  let least = Infinity;
  for (const c of CORNERS) {
    const left = c.endsWith('l') ? MARGIN : vw - MARGIN - w;
    const top = c.startsWith('t') ? MARGIN : vh - MARGIN - h;
    let area = 0;
    for (const r of targets) {
      const x = Math.max(0, Math.min(left + w, r.right) - Math.max(left, r.left));
      const y = Math.max(0, Math.min(top + h, r.bottom) - Math.max(top, r.top));
      area += x * y;
    }
    if (area < least) {
      least = area;
      best = c;
    }
  }
  return best;
}

