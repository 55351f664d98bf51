/** What a boundary returns (STYLE.md practice 18): a value, or a message a person can act on. */
export type Result<T> = { ok: true; value: T } | { ok: false; message: string };
