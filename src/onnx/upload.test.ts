import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { encodeModel, exportBaseModel } from './export.ts';
import { parseInputRows } from '../core/model/uploadInputs.ts';
import { MAX_ROWS } from '../core/model/uploadLimits.ts';
import { prepareUpload, validateModelFile } from './upload.ts';

const { onnx } = onnxProto;

describe('CSV input rows', () => {
  it('reads rows of numbers, skipping a header, blank lines and comments', () => {
    const r = parseInputRows('a,b,c,d\n\n# two rows\n1,-1,1,-1\n 0.5 ; -2e-1 ;3;.25\n', 4);
    expect(r).toEqual({ ok: true, value: [[1, -1, 1, -1], [0.5, -0.2, 3, 0.25]] });
  });

  it('names the line that is wrong', () => {
    const short = parseInputRows('1,1,1,1\n1,1,1\n', 4);
    expect(short.ok || short.message).toMatch(/line 2 has 3 values; the model has 4 inputs/);
    const word = parseInputRows('1,1,1,1\n1,x,1,1\n', 4);
    expect(word.ok || word.message).toMatch(/line 2 \('1,x,1,1'\) is not 4 numbers/);
    expect(parseInputRows('1,1\n', 2).ok).toBe(false);
    const many = Array.from({ length: MAX_ROWS + 1 }, () => '1,1').join('\n');
    expect(parseInputRows(many, 2).ok || 'refused').toBe('refused');
  });
});

describe('prepareUpload', () => {
  const bytes = exportBaseModel(xorAndModel());

  it('gives the file’s model with the chosen rows and output dim', () => {
    const signs = prepareUpload(bytes, { enumeration: { kind: 'signs' }, outputDim: 8 });
    expect(signs.ok && signs.value.model).toEqual(xorAndModel());
    const rows = prepareUpload(bytes, { enumeration: { kind: 'csv', rows: [[1, 1, 1, 1], [-1, 1, -1, 1]] }, outputDim: 4 });
    expect(rows.ok).toBe(true);
    if (!rows.ok) return;
    expect(rows.value.model.n).toBe(2);
    expect(Array.from(rows.value.model.inputs)).toEqual([1, 1, 1, 1, -1, 1, -1, 1]);
    expect(rows.value.model.outputDim).toBe(4);
  });

  it('refuses an output dim out of range and a graph whose weights cannot be read back', () => {
    const far = prepareUpload(bytes, { enumeration: { kind: 'signs' }, outputDim: 9 });
    expect(far.ok || far.message).toMatch(/from 0 to 8; it is 9/);
    const proto = onnx.ModelProto.decode(bytes);
    proto.graph!.node!.find((n) => n.opType === 'Relu')!.opType = 'Identity';
    const odd = validateModelFile(encodeModel(proto));
    expect(odd.ok || odd.message).toMatch(/weights cannot be read back.*Linear → ReLU → Linear/);
    expect(validateModelFile(bytes).ok).toBe(true);
  });
});
