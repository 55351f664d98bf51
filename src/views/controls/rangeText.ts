/** Short, exact renderings of numeric bounds for the hints next to the controls. */

/** Groups thousands with a narrow no-break space, as in "200 000". */
function grouped(v: number): string {
  const [whole, fraction] = String(Math.abs(v)).split('.');
  const digits = whole.length > 4 ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f') : whole;
  return `${v < 0 ? '−' : ''}${digits}${fraction === undefined ? '' : `.${fraction}`}`;
}

/**
 * The shorter exact form of v: 256 → "256", 200000 → "2e5", 1e-5 → "1e-5", 0.01 → "0.01",
 * 2147483647 → "2 147 483 647". Never rounds: a bound must read as the bound.
 */
export function compactNumber(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const plain = Number.isInteger(v) || Math.abs(v) >= 1e-3 ? grouped(v) : null;
  const exp = v.toExponential().replace('e+', 'e').replace('-', v < 0 ? '−' : '-');
  return plain !== null && plain.length <= exp.length ? plain : exp;
}

/** "min–max" in compact form, e.g. "1–256" or "1e-5–1e4". */
export function rangeText(min: number, max: number): string {
  return `${compactNumber(min)}–${compactNumber(max)}`;
}
