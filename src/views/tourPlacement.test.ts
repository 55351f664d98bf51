import { describe, expect, it } from 'vitest';
import { bestCorner } from './tourPlacement.ts';

const rect = (left: number, top: number, right: number, bottom: number) => ({ left, top, right, bottom });

describe('tour placement', () => {
  it('moves off a target that fills the bottom right', () => {
    // A 380×300 dialog on a 1440×900 viewport; the graphs fill the right two thirds.
    expect(bestCorner([rect(690, 150, 1420, 820)], 380, 300, 1440, 900)).toBe('bl');
  });
  it('stays bottom right when nothing is under it, and takes the corner of least overlap', () => {
    expect(bestCorner([rect(200, 100, 600, 300)], 380, 300, 1440, 900)).toBe('br');
    // Covers the bottom half and the right edge: the top-left corner overlaps 0.
    expect(bestCorner([rect(0, 450, 1440, 900), rect(1000, 0, 1440, 900)], 380, 300, 1440, 900)).toBe('tl');
  });
});
