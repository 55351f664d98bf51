/**
 * Which inputs a member snapshot's activations and reconstructions cover (core/snapshot.ts):
 * every input in order, a fixed sample of them (`inputs`) above SHOWN_INPUTS, or none when a
 * history entry did not keep them. Views index `acts` (L × S × F) and `recon` (L × S × D) by the
 * position in `rows`, never by the input index itself.
 */
import type { TranscoderSnapshot } from '../core/snapshot.ts';
import type { Layout } from '../core/transcoder/layout.ts';

export interface MemberInputs {
  /** The input index of each row of `acts` and `recon`, in order. */
  rows: Int32Array;
  /** Whether the rows are all N inputs, in order. */
  all: boolean;
  /** False when this snapshot (a light history entry) kept no activations or reconstructions. */
  kept: boolean;
}

const allCache = new Map<number, Int32Array>();

/** The inputs a member's `acts`/`recon` cover, out of the model's `n`. */
export function memberInputs(m: TranscoderSnapshot, n: number): MemberInputs {
  if (m.inputs !== undefined) {
    const kept = m.inputs.length > 0 && m.acts.length > 0;
    return { rows: m.inputs, all: kept && m.inputs.length === n, kept };
  }
  let rows = allCache.get(n);
  if (!rows) {
    rows = Int32Array.from({ length: n }, (_, i) => i);
    allCache.set(n, rows);
  }
  return { rows, all: true, kept: m.acts.length > 0 };
}

/** The row of input `input` in a member's `rows`, or null when it is not among them (`rows` is sorted). */
export function rowOf(rows: Int32Array, input: number | null): number | null {
  if (input === null) return null;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid] === input) return mid;
    if (rows[mid] < input) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

/**
 * Per layer, on how many of all n inputs each feature fires: the snapshot's `fires` where set
 * (counted over every input in the worker), else counted from `acts` (which then cover all inputs).
 */
export function memberFireCounts(m: TranscoderSnapshot, layout: Layout, n: number): Int32Array[] {
  const F = layout.features;
  const out: Int32Array[] = [];
  if (m.fires && m.fires.length === layout.layers * F) {
    for (let l = 0; l < layout.layers; l++) out.push(m.fires.slice(l * F, (l + 1) * F));
    return out;
  }
  const S = memberInputs(m, n).kept ? m.acts.length / (layout.layers * F) : 0;
  for (let l = 0; l < layout.layers; l++) {
    const c = new Int32Array(F);
    for (let i = 0; i < S; i++) for (let f = 0; f < F; f++) if (m.acts[l * S * F + i * F + f] > 0) c[f]++;
    out.push(c);
  }
  return out;
}

/** "256 of the 4,096 inputs": what a view says of a sample. */
export function sampleWords(shown: number, n: number): string {
  return `${shown.toLocaleString('en-US')} of the ${n.toLocaleString('en-US')} inputs`;
}
