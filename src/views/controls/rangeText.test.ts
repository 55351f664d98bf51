import { describe, expect, it } from 'vitest';
import { BOUNDS } from '../../core/config.ts';
import { compactNumber, rangeText } from './rangeText.ts';

describe('range hints', () => {
  it('writes each bound in its shorter exact form', () => {
    expect(compactNumber(256)).toBe('256');
    expect(compactNumber(200_000)).toBe('2e5');
    expect(compactNumber(1e-5)).toBe('1e-5');
    expect(compactNumber(0.01)).toBe('0.01');
    expect(compactNumber(0)).toBe('0');
    expect(compactNumber(2 ** 31 - 1)).toBe('2\u202f147\u202f483\u202f647');
    expect(compactNumber(12_345.5)).toBe('12\u202f345.5');
    expect(compactNumber(-1e-5)).toBe('−1e-5');
    expect(rangeText(BOUNDS.features.min, BOUNDS.features.max)).toBe('1–256');
    expect(rangeText(BOUNDS.lr.min, BOUNDS.lr.max)).toBe('1e-5–1e4');
  });

  it('never rounds: every bound reads back as itself', () => {
    for (const { min, max } of Object.values(BOUNDS)) {
      for (const v of [min, max]) expect(Number(compactNumber(v).replace(/\u202f/g, '').replace('−', '-'))).toBe(v);
    }
  });
});
