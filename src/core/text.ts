/**
 * Text from outside (a link, a file, a stored record) made fit to quote in a message: one line,
 * short, no control characters. React escapes what it shows; these keep it readable.
 */

/** C0 and C1 control characters and DEL. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` with control characters as spaces and anything past `max` characters an ellipsis. */
export function brief(text: string | null | undefined, max = 40): string {
  const clean = (text ?? '').replace(CONTROL_CHARS, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** `brief(text)` in single quotes, for naming what was not understood. */
export function quote(text: string | null | undefined, max = 40): string {
  return `'${brief(text, max)}'`;
}
