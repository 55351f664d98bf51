/** What the pointer is on; every view highlights the same input or feature. */
import type { TranscoderKind } from '../core/config.ts';

export interface Highlight {
  input: number | null;
  feature: { kind: TranscoderKind; layer: number; index: number } | null;
}

export const NO_HIGHLIGHT: Highlight = { input: null, feature: null };
