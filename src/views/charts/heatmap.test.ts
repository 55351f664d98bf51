import { describe, expect, it } from 'vitest';
import { ROW_LABELS_MAX, rowLabelStep } from './heatmap.ts';

describe('rowLabelStep: which heatmap rows get a written label', () => {
  it('labels every row up to the maximum', () => {
    expect(ROW_LABELS_MAX).toBe(32);
    expect(rowLabelStep(1)).toBe(1);
    expect(rowLabelStep(32)).toBe(1);
  });

  it('past it, the smallest round step that keeps the count within 32', () => {
    expect(rowLabelStep(33)).toBe(2); // 17 labels
    expect(rowLabelStep(64)).toBe(2); // 32
    expect(rowLabelStep(65)).toBe(4); // 17
    expect(rowLabelStep(200)).toBe(8); // every 5th would be 40; every 8th is 25
    expect(rowLabelStep(256)).toBe(8); // 32: rows 0, 8, …, 248
    expect(rowLabelStep(257)).toBe(10); // 26
  });

  it('never writes more than the maximum', () => {
    for (let rows = 1; rows <= 5000; rows++) expect(Math.ceil(rows / rowLabelStep(rows))).toBeLessThanOrEqual(ROW_LABELS_MAX);
  });
});
