import { describe, expect, it } from 'vitest';
import { PRESETS } from '../src/core/model/presets.ts';
import { superpositionControl } from '../src/core/model/superposition.ts';
import { xorAndModel } from '../src/core/model/xorAnd.ts';
import { resolveCircuit } from './circuitOption.ts';

function model(text: string) {
  const r = resolveCircuit(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('--circuit', () => {
  it('is the write-up\'s model when empty, and by its formula or preset id', () => {
    expect(model('')).toEqual(xorAndModel());
    expect(model('(a XOR b) AND (c XOR d)')).toEqual(xorAndModel());
    expect(model('xor-and')).toEqual(xorAndModel());
  });

  it('takes every preset by id, bare or as preset:ID', () => {
    for (const p of PRESETS) {
      expect(model(p.id).name, p.id).toBe(model(p.formula).name);
      expect(model(`preset:${p.id}`).name, p.id).toBe(model(p.formula).name);
    }
    expect(model('depth-3').layers).toHaveLength(3);
    expect(model('depth-4').layers).toHaveLength(4);
    expect(model('superposition')).toEqual(superpositionControl());
    // A parenthesized name is a formula: one input, one layer.
    expect(model('(superposition)').dims).toBe(2);
  });

  it('names --circuit and the position of a formula\'s mistake in one line', () => {
    const fail = (text: string): string => {
      const r = resolveCircuit(text);
      if (r.ok) throw new Error(`expected a failure for ${text}`);
      expect(r.message).not.toMatch(/\n/);
      return r.message;
    };
    expect(fail('(a XOR b')).toMatch(/^--circuit: .*\(at position 8\)$/);
    expect(fail('a XOR XOR b')).toMatch(/^--circuit: .*position 6/);
    expect(fail('depth-9')).toMatch(/^--circuit: .*position 5/);
    expect(fail('preset:deep')).toBe("--circuit: unknown preset 'deep' (presets: xor-and, depth-3, depth-4, superposition)");
  });
});
