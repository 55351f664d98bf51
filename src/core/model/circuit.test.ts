import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forward, outputClasses, type BaseModel } from './baseModel.ts';
import { compileCircuit, MAX_DIMS, MAX_LAYERS } from './circuit.ts';
import { evaluate, formatFormula, inputsOf, parseFormula, type Ast, type BinaryOp } from './formula.ts';
import { modelForCircuit, PRESETS, superpositionControl, SUPERPOSITION_ID, XOR_AND_FORMULA } from './presets.ts';
import { xorAndModel } from './xorAnd.ts';

/** Input n gives input j the value of bit (k−1−j), the enumerateSigns order (+1 = TRUE). */
function truthTable(ast: Ast, names: string[] = inputsOf(ast)): boolean[] {
  const k = names.length;
  const out: boolean[] = [];
  for (let n = 0; n < 1 << k; n++) {
    const assignment: Record<string, boolean> = {};
    names.forEach((name, j) => (assignment[name] = ((n >> (k - 1 - j)) & 1) === 1));
    out.push(evaluate(ast, assignment));
  }
  return out;
}

function compile(formula: string): BaseModel {
  const r = compileCircuit(formula);
  if (!r.ok) throw new Error(`${formula}: ${r.message}`);
  return r.value;
}

/** Checks the model against the formula on every input: output exactly 1/0, every neuron exactly 1/0. */
function expectComputes(model: BaseModel, ast: Ast): void {
  const truth = truthTable(ast);
  expect(model.n).toBe(truth.length);
  const fw = forward(model);
  expect(outputClasses(model, fw.resid)).toEqual(truth);
  const output = truth.map((_, n) => fw.resid[n * model.dims + model.outputDim]);
  expect(output).toEqual(truth.map((t) => (t ? 1 : 0)));
  const notBinary = fw.hidden.reduce((s, h) => s + h.filter((v) => v !== 0 && v !== 1).length, 0);
  expect(notBinary).toBe(0);
}

function parsed(formula: string): Ast {
  const r = parseFormula(formula);
  if (!r.ok) throw new Error(`${formula}: ${r.message}`);
  return r.value;
}

/** Drops source positions so trees from different spellings compare equal. */
function shape(ast: Ast): unknown {
  if (ast.kind === 'input') return ast.name;
  if (ast.kind === 'not') return ['not', shape(ast.operand)];
  return [ast.kind, shape(ast.left), shape(ast.right)];
}

function gateDepth(ast: Ast): number {
  if (ast.kind === 'input') return 0;
  if (ast.kind === 'not') return gateDepth(ast.operand);
  return 1 + Math.max(gateDepth(ast.left), gateDepth(ast.right));
}

describe('formula parser', () => {
  it('gives NOT > AND > XOR > OR precedence, left-associative', () => {
    expect(shape(parsed('a OR b AND c'))).toEqual(['or', 'a', ['and', 'b', 'c']]);
    expect(shape(parsed('a XOR b AND c'))).toEqual(['xor', 'a', ['and', 'b', 'c']]);
    expect(shape(parsed('a OR b XOR c'))).toEqual(['or', 'a', ['xor', 'b', 'c']]);
    expect(shape(parsed('a XOR b OR c'))).toEqual(['or', ['xor', 'a', 'b'], 'c']);
    expect(shape(parsed('NOT a AND b'))).toEqual(['and', ['not', 'a'], 'b']);
    expect(shape(parsed('a AND b AND c'))).toEqual(['and', ['and', 'a', 'b'], 'c']);
    expect(shape(parsed('a AND (b AND c)'))).toEqual(['and', 'a', ['and', 'b', 'c']]);
  });

  it('accepts any keyword case and the symbol spellings', () => {
    const want = shape(parsed('(NOT a AND b) OR (c XOR NOT d)'));
    for (const f of ['(not a and b) or (c xor not d)', '(!a & b) | (c ^ ~d)', '(!a && b) || (c Xor !d)', '  ( ~a&b )|( c^!d )  ']) {
      expect(shape(parsed(f))).toEqual(want);
    }
  });

  it('keeps names case-sensitive and lists inputs in first-appearance order', () => {
    expect(inputsOf(parsed('x_1 AND (A OR a) XOR x_1 OR in2'))).toEqual(['x_1', 'A', 'a', 'in2']);
  });

  it('records where each node starts', () => {
    const ast = parsed('a AND  NOT b');
    expect(ast.position).toBe(2);
    if (ast.kind !== 'and' || ast.right.kind !== 'not') throw new Error('unexpected shape');
    expect(ast.right.position).toBe(7);
    expect(ast.right.operand.position).toBe(11);
  });

  it.each([
    ['', 0, /empty/],
    ['   ', 0, /empty/],
    ['(a AND b', 8, /Expected '\)' to close the '\(' at position 0, found the end of the formula/],
    ['((a AND b) OR c', 15, /close the '\(' at position 0/],
    ['a AND b)', 7, /Unexpected '\)' at position 7/],
    ['(a XOR b)) AND c', 9, /Unexpected '\)' at position 9/],
    ['a AND', 5, /Expected an input name or '\(' at position 5, found the end of the formula/],
    ['a AND NOT', 9, /Expected an input name or '\(' at position 9/],
    ['(a XOR b) AND (c XOR )', 21, /Expected an input name or '\(' at position 21, found '\)'/],
    ['AND a', 0, /Expected an input name or '\(' at position 0, found 'AND'/],
    ['()', 1, /found '\)'/],
    ['a NAND b', 2, /Expected an operator \(AND, OR, XOR\) at position 2, found 'NAND'.*not an operator/],
    ['a + b', 2, /Unexpected character '\+' at position 2/],
    ['a => b', 2, /Unexpected character '=' at position 2/],
    ['a b', 2, /Expected an operator .* found 'b'/],
    ['(a b)', 3, /Expected an operator \(AND, OR, XOR\) or '\)' at position 3/],
    ['a NOT b', 2, /found 'NOT'.*a AND NOT b/],
    ['1a AND b', 0, /must start with a letter/],
    ['a AND _b', 6, /must start with a letter: found '_' at position 6/],
  ])('rejects %j at position %i', (formula, position, message) => {
    const r = parseFormula(formula);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.position).toBe(position);
    expect(r.message).toMatch(message);
  });

  it('allows 12 distinct inputs and names the 13th with its position', () => {
    const twelve = 'a^b^c^d^e^f^g^h^i^j^k^l';
    expect(parseFormula(twelve).ok).toBe(true);
    const r = parseFormula(`${twelve} ^ a ^ m`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.position).toBe(twelve.length + 7);
    expect(r.message).toMatch(/Too many inputs: 'm' at position 30 is input number 13; a circuit takes at most 12/);
  });

  it('rejects formulas over 300 characters', () => {
    const long = Array.from({ length: 80 }, () => 'a').join(' OR ');
    const r = parseFormula(long);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/limit is 300/);
  });

  it('evaluates gates as their truth tables', () => {
    const t = (f: string) => truthTable(parsed(f), ['a', 'b']).map(Number).join('');
    expect(t('a AND b')).toBe('0001');
    expect(t('a OR b')).toBe('0111');
    expect(t('a XOR b')).toBe('0110');
    expect(t('NOT a OR b')).toBe('1101');
    expect(t('NOT (a OR b)')).toBe('1000');
    expect(() => evaluate(parsed('a AND z'), { a: true })).toThrow(/no value for input 'z'/);
  });
});

describe('circuit compiler', () => {
  it('compiles the write-up formula to exactly xorAndModel()', () => {
    const want = xorAndModel();
    for (const f of [XOR_AND_FORMULA, '(a ^ b) & (c ^ d)', '(a xor b) and (c xor d)']) {
      const got = compile(f);
      expect(got.name).toBe(want.name);
      expect(got.dims).toBe(want.dims);
      expect(got.dimNames).toEqual(want.dimNames);
      expect(got.inputDims).toEqual(want.inputDims);
      expect(got.outputDim).toBe(want.outputDim);
      expect(got.n).toBe(want.n);
      expect(got.inputs).toEqual(want.inputs);
      expect(got.layers.length).toBe(want.layers.length);
      got.layers.forEach((layer, l) => {
        const w = want.layers[l];
        expect(layer.hidden).toBe(w.hidden);
        expect(layer.wIn).toEqual(w.wIn);
        expect(layer.bIn).toEqual(w.bIn);
        expect(layer.wOut).toEqual(w.wOut);
        expect(layer.neuronNames).toEqual(w.neuronNames);
      });
      expect(got).toEqual(want);
    }
  });

  it.each([
    'a', 'NOT a', 'NOT NOT a', 'a AND b', 'a OR b', 'a XOR b', 'NOT (a AND b)', 'NOT (a OR b)', 'NOT (a XOR b)',
    'a AND a', 'a XOR a', 'a OR NOT a', 'NOT a AND NOT b', '(a OR b) AND (c OR d)', '(a AND b) XOR (c AND d)',
    'NOT ((a XOR b) AND (c XOR d))', '(NOT (a XOR b)) AND (c OR NOT d)', 'a AND (b OR (c XOR (d AND e)))',
    '((a XOR b) AND (c XOR d)) XOR e', '(((a XOR b) AND (c XOR d)) XOR e) AND NOT f', 'x1 XOR y_2 OR Z',
    '(a XOR b) AND (a XOR c)', '((a ^ b) ^ (c ^ d)) ^ ((e ^ f) ^ (g ^ h)) ^ ((i ^ j) ^ (k ^ l))',
  ])('computes %s on every input', (formula) => {
    const ast = parsed(formula);
    const model = compile(formula);
    expectComputes(model, ast);
    expect(model.layers.length).toBe(Math.max(1, gateDepth(ast)));
    expect(model.name).toBe(formatFormula(ast));
  });

  it('gives each intermediate value its own dims and the output the last dim', () => {
    const m = compile('(a OR b) AND NOT (c XOR a)');
    // OR: 3 neurons (rows 11, 10, 01); XOR: 2; the root AND: 1, into the output dim.
    expect(m.dimNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    expect(m.layers.map((l) => l.neuronNames)).toEqual([['d', 'e', 'f', 'g', 'h'], ['i']]);
    expect(m.outputDim).toBe(8);
    // NOT folds into the AND, which reads XOR as 1 − (g + h): weights −1 and a +1 bias.
    const H = m.layers[1].hidden;
    expect([...m.dimNames.keys()].map((d) => m.layers[1].wIn[d * H])).toEqual([0, 0, 0, 1, 1, 1, -1, -1, 0]);
    expect(m.layers[1].bIn[0]).toBe(0);
  });

  it('names intermediates with fresh letters that skip input names, then n1, n2, …', () => {
    expect(compile('(e XOR a) AND b').dimNames).toEqual(['e', 'a', 'b', 'c', 'd', 'f']);
    expect(compile('x XOR y').dimNames).toEqual(['x', 'y', 'a']);
    expect(compile('x XOR y').layers[0].neuronNames).toEqual(['a1', 'a2']);
    const wide = compile('((a|b)|(c|d)) | ((e|f)|(g|h)) | ((i|j)|(k|l))');
    const names = wide.dimNames.slice(12);
    expect(names.slice(0, 14)).toEqual('mnopqrstuvwxyz'.split(''));
    expect(names.slice(14, 16)).toEqual(['n1', 'n2']);
    expect(new Set(wide.dimNames).size).toBe(wide.dims);
  });

  it('leaves skipped values in the residual stream instead of copying them', () => {
    const m = compile('((a XOR b) AND (c XOR d)) XOR e');
    expect(m.layers.map((l) => l.hidden)).toEqual([4, 1, 2]);
    // Layer 2 reads e straight from the embedding.
    const e = m.dimNames.indexOf('e');
    expect(m.layers[2].wIn[e * 2]).toBe(-1);
    expect(m.layers[2].wIn[e * 2 + 1]).toBe(1);
  });

  it('matches the formula on random formulas up to depth 4 over at most 6 inputs', () => {
    const names = ['a', 'b', 'c', 'x1', 'in_2', 'Q'];
    const ops: BinaryOp[] = ['and', 'or', 'xor'];
    const leaf = fc.constantFrom(...names).map((name): Ast => ({ kind: 'input', name, position: 0 }));
    const node = (depth: number): fc.Arbitrary<Ast> => {
      const core =
        depth === 0
          ? leaf
          : fc.oneof(
              { weight: 1, arbitrary: leaf },
              { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...ops), node(depth - 1), node(depth - 1)).map(([kind, left, right]): Ast => ({ kind, left, right, position: 0 })) },
            );
      return fc.tuple(fc.nat(2), core).map(([nots, c]) => {
        let a = c;
        for (let i = 0; i < nots; i++) a = { kind: 'not', operand: a, position: 0 };
        return a;
      });
    };
    const spellings: Record<BinaryOp | 'not', string[]> = {
      and: ['AND', 'and', '&', '&&'],
      or: ['OR', 'or', '|', '||'],
      xor: ['XOR', 'xor', '^', 'Xor'],
      not: ['NOT ', 'not ', '!', '~'],
    };
    const print = (a: Ast, style: number): string => {
      if (a.kind === 'input') return a.name;
      if (a.kind === 'not') return `${spellings.not[style]}${print(a.operand, style)}`;
      return `(${print(a.left, style)} ${spellings[a.kind][style]} ${print(a.right, style)})`;
    };
    fc.assert(
      fc.property(node(4), fc.nat(3), (ast, style) => {
        const text = print(ast, style);
        expect(shape(parsed(text))).toEqual(shape(ast));
        expect(shape(parsed(formatFormula(ast)))).toEqual(shape(ast));
        const model = compile(text);
        expect(model.layers.length).toBe(Math.max(1, gateDepth(ast)));
        expectComputes(model, ast);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it(`refuses circuits deeper than ${MAX_LAYERS} layers or wider than ${MAX_DIMS} dims`, () => {
    const deep = compileCircuit('a & b & c & d & e & f & g & h & i & j');
    expect(deep.ok).toBe(false);
    if (!deep.ok) expect(deep.message).toMatch(/needs 9 layers .* limit is 8/);
    const eight = compileCircuit('a & b & c & d & e & f & g & h & i');
    expect(eight.ok).toBe(true);
    // A balanced OR tree over 32 leaves: 30 intermediate ORs of 3 dims each.
    let level = 'abcdefghijklabcdefghijklabcdefgh'.split('');
    while (level.length > 1) {
      const next: string[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(`(${level[i]}|${level[i + 1]})`);
      level = next;
    }
    const wide = compileCircuit(level[0]);
    expect(wide.ok).toBe(false);
    if (!wide.ok) expect(wide.message).toMatch(/needs 103 residual dims \(12 inputs, 90 intermediate, 1 output\); the limit is 64/);
  });

  it('passes parse errors through with their position', () => {
    const r = compileCircuit('(a XOR b) AND (c XOR d');
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/close the '\(' at position 14/), position: 22 });
    const p = compileCircuit('preset:nope');
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.message).toMatch(/Unknown preset 'preset:nope'.*preset:superposition/);
  });
});

/** The dims layer 0 writes: the hand-off a cut into layer 1 removes. */
function handoffDims(model: BaseModel): number[] {
  const { hidden, wOut } = model.layers[0];
  const dims: number[] = [];
  for (let d = 0; d < model.dims; d++) {
    let written = false;
    for (let j = 0; j < hidden; j++) if (wOut[j * model.dims + d] !== 0) written = true;
    if (written) dims.push(d);
  }
  return dims;
}

describe('presets and the superposition control', () => {
  it('computes (a XOR b) AND (c XOR d) with half the answer from each layer', () => {
    const model = superpositionControl();
    expectComputes(model, parsed(XOR_AND_FORMULA));
    const fw = forward(model);
    for (let n = 0; n < 16; n++) {
      const total = fw.resid[n * model.dims + model.outputDim];
      expect(fw.mlpOut[0][n * model.dims + model.outputDim]).toBe(total / 2);
      expect(fw.mlpOut[1][n * model.dims + model.outputDim]).toBe(total / 2);
    }
  });

  it('is unchanged by cutting the hand-off into layer 1, while the XOR-AND model breaks', () => {
    const control = superpositionControl();
    const xorAnd = xorAndModel();
    for (const model of [control, xorAnd]) {
      const cut = { dims: handoffDims(model), layer: 1 };
      expect(cut.dims.length).toBeGreaterThan(0);
      const clean = forward(model).resid;
      const cutResid = forward(model, { cuts: [cut] }).resid;
      if (model === control) {
        expect(cutResid).toEqual(clean);
      } else {
        expect(outputClasses(model, cutResid)).not.toEqual(outputClasses(model, clean));
      }
    }
  });

  it('is what compileCircuit and modelForCircuit return for its reserved id', () => {
    expect(compileCircuit(SUPERPOSITION_ID)).toEqual({ ok: true, value: superpositionControl() });
    expect(modelForCircuit(` ${SUPERPOSITION_ID} `)).toEqual({ ok: true, value: superpositionControl() });
  });

  it('maps the empty circuit to the write-up model and passes errors through', () => {
    expect(modelForCircuit('')).toEqual({ ok: true, value: xorAndModel() });
    const bad = modelForCircuit('a AND');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/position 5/);
  });

  it('offers the write-up model, a depth-3 and a depth-4 circuit, and the control', () => {
    expect(PRESETS.map((p) => p.id)).toEqual(['xor-and', 'depth-3', 'depth-4', 'superposition']);
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    const layers = PRESETS.map((p) => {
      const r = modelForCircuit(p.formula);
      if (!r.ok) throw new Error(r.message);
      if (p.formula !== SUPERPOSITION_ID) expectComputes(r.value, parsed(p.formula));
      return r.value.layers.length;
    });
    expect(layers).toEqual([2, 3, 4, 2]);
    expect(compile(PRESETS[0].formula)).toEqual(xorAndModel());
  });
});
