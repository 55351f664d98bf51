/** The depth view's per-input read-out and the real model's pooled line. */
import { describe, expect, it } from 'vitest';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { perInputLines, realCumulative } from './DepthView.tsx';

describe('realCumulative', () => {
  it('XOR-AND: the 4 TRUE inputs each put 1 on e or f, 1 on g or h (layer 0) and 1 on i (layer 1) → 2/3 at ≤ 0; FALSE inputs weigh nothing', () => {
    const r = realCumulative(xorAndModel(), Array.from({ length: 16 }, (_, i) => i));
    expect(r.counted).toBe(4);
    expect(r.cumulative[0]).toBeCloseTo(2 / 3, 12);
    expect(r.cumulative[1]).toBeCloseTo(1, 12);
    expect(perInputLines(r.perInput, 0)).toEqual([
      ' 0:     —   1:     —   2:     —   3:     —',
      ' 4:     —   5:  67 %   6:  67 %   7:     —',
      ' 8:     —   9:  67 %  10:  67 %  11:     —',
      '12:     —  13:     —  14:     —  15:     —',
    ]);
  });

  it('caps the read-out and says how many inputs it left out', () => {
    const many = Array.from({ length: 40 }, (_, input) => ({ input, share: [1], cumulative: [1], mass: 1 }));
    const lines = perInputLines(many, 0, 4, 8);
    expect(lines).toHaveLength(9);
    expect(lines[8]).toBe('… and 8 more inputs');
  });
});
