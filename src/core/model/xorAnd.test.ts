import { describe, expect, it } from 'vitest';
import { forward, inputLabel, outputClasses } from './baseModel.ts';
import { xorAndModel } from './xorAnd.ts';

const model = xorAndModel();
const sign = (v: number) => (v > 0 ? 1 : 0);

describe('XOR-AND base model (SPEC §1)', () => {
  it('orders inputs canonically: n = 8A + 4B + 2C + D', () => {
    expect(inputLabel(model, 0)).toBe('−−−−');
    expect(inputLabel(model, 15)).toBe('++++');
    expect(inputLabel(model, 9)).toBe('+−−+');
  });

  it('computes (a XOR b) AND (c XOR d) on all 16 inputs, i exactly 0 or 1', () => {
    const { resid } = forward(model);
    for (let n = 0; n < 16; n++) {
      const [a, b, c, d] = [(n >> 3) & 1, (n >> 2) & 1, (n >> 1) & 1, n & 1];
      const truth = (a ^ b) & (c ^ d);
      expect(resid[n * 9 + 8]).toBe(truth);
    }
    expect(outputClasses(model, resid).filter(Boolean)).toHaveLength(4);
  });

  it('writes e..h from layer 0 and i from layer 1 into their own dims', () => {
    const { mlpIn, mlpOut, hidden } = forward(model);
    for (let n = 0; n < 16; n++) {
      const x = [...mlpIn[0].subarray(n * 9, n * 9 + 9)];
      const [a, b, c, d] = x;
      expect(x.slice(4)).toEqual([0, 0, 0, 0, 0]);
      const e = Math.max(0, a - b - 1);
      const f = Math.max(0, b - a - 1);
      const g = Math.max(0, c - d - 1);
      const h = Math.max(0, d - c - 1);
      expect([...mlpOut[0].subarray(n * 9, n * 9 + 9)]).toEqual([0, 0, 0, 0, e, f, g, h, 0]);
      expect([...hidden[0].subarray(n * 4, n * 4 + 4)]).toEqual([e, f, g, h]);
      expect([...mlpIn[1].subarray(n * 9, n * 9 + 9)]).toEqual([a, b, c, d, e, f, g, h, 0]);
      expect(mlpOut[1][n * 9 + 8]).toBe(Math.max(0, e + f + g + h - 1));
      expect(sign(e + f)).toBe(a !== b ? 1 : 0);
    }
  });

  it('cutting e..h into layer 1 turns every output FALSE; the residual keeps e..h', () => {
    const cut = forward(model, { cuts: [{ dims: [4, 5, 6, 7], layer: 1 }] });
    expect(outputClasses(model, cut.resid).every((v) => !v)).toBe(true);
    const clean = forward(model);
    for (let n = 0; n < 16; n++) {
      for (let d = 4; d < 8; d++) expect(cut.resid[n * 9 + d]).toBe(clean.resid[n * 9 + d]);
    }
  });

  it('cutting only e into layer 1 breaks exactly the TRUE inputs that rely on e', () => {
    const cut = outputClasses(model, forward(model, { cuts: [{ dims: [4], layer: 1 }] }).resid);
    const clean = outputClasses(model, forward(model).resid);
    const changed = clean.map((v, n) => v !== cut[n]).filter(Boolean).length;
    expect(changed).toBe(2);
  });

  it('ablating neuron i removes every TRUE output', () => {
    const ab = forward(model, { ablations: [{ layer: 1, neuron: 0 }] });
    expect(outputClasses(model, ab.resid).some(Boolean)).toBe(false);
  });
});
