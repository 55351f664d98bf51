import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cut } from '../core/config.ts';
import { cutMasks, enumerateSigns, forward, type BaseModel, type MlpLayer } from '../core/model/baseModel.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { Random } from '../core/random.ts';
import { baseModelProto, encodeModel, exportBaseModel } from './export.ts';
import { MODEL_FILES } from './modelFiles.ts';
import { baseModelFromOnnx, openOnnxModel, runOnnxModel, type OnnxModel } from './session.ts';
import { DEFAULT_LIMITS } from '../core/model/uploadLimits.ts';
import { validateOnnx } from './validate.ts';

const { onnx } = onnxProto;

/** float32 weights and activations against the float64 TypeScript forward pass. */
const TOL = 1e-6;

function expectClose(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let k = 0; k < actual.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]));
  expect(worst, what).toBeLessThan(TOL);
}

/** A 3-input, 2-layer, D = 6 model with random weights on a 1/16 grid (exact in float32). */
function smallModel(): BaseModel {
  const rng = new Random(7);
  const D = 6;
  const q = (): number => Math.round((rng.uniform() * 2 - 1) * 32) / 16;
  const layer = (H: number, l: number): MlpLayer => ({
    hidden: H,
    wIn: Float64Array.from({ length: D * H }, q),
    bIn: Float64Array.from({ length: H }, q),
    wOut: Float64Array.from({ length: H * D }, q),
    neuronNames: Array.from({ length: H }, (_, j) => `m${l}${j}`),
  });
  return {
    name: 'small test model',
    dims: D,
    dimNames: ['p', 'q', 'r', 's', 't', 'u'],
    inputDims: [0, 2, 4],
    outputDim: 5,
    layers: [layer(3, 0), layer(2, 1)],
    inputs: enumerateSigns(3),
    n: 8,
  };
}

/** No cut, every single-dim cut into every layer, and (for the XOR-AND model) e..h into layer 1. */
function standardCuts(model: BaseModel): Cut[][] {
  const sets: Cut[][] = [[]];
  for (let l = 0; l < model.layers.length; l++) for (let d = 0; d < model.dims; d++) sets.push([{ dims: [d], layer: l }]);
  if (model.dims === 9) sets.push([{ dims: [4, 5, 6, 7], layer: 1 }]);
  return sets;
}

async function expectParity(session: OnnxModel, model: BaseModel): Promise<number> {
  let checked = 0;
  for (const cuts of standardCuts(model)) {
    const masks = cutMasks(model.layers.length, model.dims, cuts);
    const got = await session.run(model.inputs, masks);
    const want = forward(model, { cuts });
    const label = JSON.stringify(cuts);
    expect(got.n).toBe(model.n);
    for (let l = 0; l < model.layers.length; l++) {
      expectClose(got.mlpIn[l], want.mlpIn[l], `mlp_in_${l} ${label}`);
      expectClose(got.mlpOut[l], want.mlpOut[l], `mlp_out_${l} ${label}`);
    }
    expectClose(got.resid, want.resid, `resid_final ${label}`);
    checked++;
  }
  return checked;
}

/** Decodes, edits and re-encodes an exported model. */
function edited(model: BaseModel, edit: (p: ReturnType<typeof baseModelProto>) => void): Uint8Array {
  const proto = onnx.ModelProto.decode(exportBaseModel(model));
  edit(proto);
  return encodeModel(proto);
}

function renameTensor(p: ReturnType<typeof baseModelProto>, from: string, to: string): void {
  const g = p.graph!;
  for (const v of [...(g.input ?? []), ...(g.output ?? [])]) if (v.name === from) v.name = to;
  for (const n of g.node ?? []) {
    n.input = (n.input ?? []).map((s) => (s === from ? to : s));
    n.output = (n.output ?? []).map((s) => (s === from ? to : s));
  }
}

function rejects(bytes: Uint8Array, pattern: RegExp, limits = DEFAULT_LIMITS): void {
  const r = validateOnnx(bytes, limits);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.message).toMatch(pattern);
}

describe('ONNX export', () => {
  it('writes the same bytes every time, and the committed models/ files are those bytes', () => {
    expect(exportBaseModel(xorAndModel())).toEqual(exportBaseModel(xorAndModel()));
    for (const { file, build } of MODEL_FILES) {
      const committed = new Uint8Array(readFileSync(fileURLToPath(new URL(`../../models/${file}`, import.meta.url))));
      expect(committed, `models/${file} is stale: run npm run export-models`).toEqual(exportBaseModel(build()));
    }
  });

  it('uses only the few operators every onnxruntime-web backend runs', () => {
    const ops = new Set((baseModelProto(xorAndModel()).graph?.node ?? []).map((n) => n.opType));
    expect([...ops].sort()).toEqual(['Add', 'Identity', 'MatMul', 'Mul', 'Relu']);
  });
});

describe('ONNX validation', () => {
  const xorAnd = exportBaseModel(xorAndModel());

  it('reads sizes and names from the metadata', () => {
    const r = validateOnnx(xorAnd);
    expect(r.ok && r.value).toEqual({
      name: '(a XOR b) AND (c XOR d)', layers: 2, dims: 9, nInputs: 4,
      dimNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'], outputDim: 8, inputDims: [0, 1, 2, 3],
      neuronNames: [['e', 'f', 'g', 'h'], ['i']], defaulted: [],
    });
  });

  it('falls back to a, b, c… and the last dim when the metadata is absent', () => {
    const r = validateOnnx(edited(smallModel(), (p) => (p.metadataProps = [])));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.dimNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(r.value.outputDim).toBe(5);
    expect(r.value.inputDims).toEqual([0, 1, 2]);
    expect(r.value.neuronNames).toEqual([[], []]);
    expect(r.value.defaulted.sort()).toEqual(['dimNames', 'inputDims', 'name', 'outputDim']);
  });

  it('rejects a truncated file, a text file and an empty file', () => {
    rejects(xorAnd.slice(0, Math.floor(xorAnd.length / 2)), /truncated/);
    rejects(new TextEncoder().encode('a,b,c,d\n1,-1,1,-1\n'), /text file/);
    rejects(new Uint8Array(0), /empty/);
  });

  it('rejects a file over the size limit before parsing it', () => {
    rejects(new Uint8Array(5 * 1024 * 1024 + 1), /5\.0 MiB limit/);
    rejects(xorAnd, /over the 0\.0 MiB limit/, { ...DEFAULT_LIMITS, maxBytes: 1000 });
  });

  it('rejects misnamed inputs and outputs, naming what the file has', () => {
    rejects(edited(xorAndModel(), (p) => renameTensor(p, 'x', 'input_0')), /no input named 'x'; it has 'input_0', 'mask_in_0', 'mask_in_1'\. Rename/);
    rejects(edited(xorAndModel(), (p) => renameTensor(p, 'mask_in_1', 'mask_1')), /no input named 'mask_in_1'/);
    rejects(edited(xorAndModel(), (p) => renameTensor(p, 'resid_final', 'output')), /no output named 'resid_final'.*'output'/);
  });

  it('rejects wrong dtypes and shapes', () => {
    const setX = (edit: (t: NonNullable<NonNullable<onnxProto.onnx.ITypeProto['tensorType']>>) => void) =>
      edited(xorAndModel(), (p) => edit(p.graph!.input!.find((v) => v.name === 'x')!.type!.tensorType!));
    rejects(setX((t) => (t.elemType = onnx.TensorProto.DataType.DOUBLE)), /'x' is double; it must be float32/);
    rejects(setX((t) => (t.shape!.dim = [{ dimValue: 16 }, { dimValue: 4 }])), /fixed batch of 16 rows/);
    rejects(setX((t) => (t.shape!.dim = [{ dimParam: 'N' }])), /'x' has 1 axes; it must have 2/);
    rejects(edited(xorAndModel(), (p) => (p.graph!.output![0].type!.tensorType!.shape!.dim![1] = { dimValue: 8 })), /'mlp_in_0' has width 8.*residual width is 9/);
  });

  it('rejects unsupported operators and too many inputs to enumerate', () => {
    rejects(edited(xorAndModel(), (p) => (p.graph!.node!.find((n) => n.opType === 'Relu')!.opType = 'Sin')), /operator 'Sin', which is not supported/);
    const wide: BaseModel = { ...smallModel(), dims: 14, dimNames: [], inputDims: Array.from({ length: 13 }, (_, j) => j), outputDim: 13, inputs: new Float64Array(0), n: 0 };
    wide.dimNames = Array.from({ length: 14 }, (_, d) => `d${d}`);
    wide.layers = [{ hidden: 1, wIn: new Float64Array(14), bIn: new Float64Array(1), wOut: new Float64Array(14), neuronNames: ['z'] }];
    rejects(exportBaseModel(wide), /13 inputs; enumerating all 2\^13 .* limit is 12/);
  });

  it('rejects metadata that disagrees with the model', () => {
    rejects(edited(xorAndModel(), (p) => (p.metadataProps!.find((m) => m.key === 'dim_names')!.value = 'a,b,c')), /'dim_names' must list 9 distinct names/);
    rejects(edited(xorAndModel(), (p) => (p.metadataProps!.find((m) => m.key === 'output_dim')!.value = '9')), /'output_dim' must be a residual dim index from 0 to 8/);
  });
});

describe('ONNX parity with the TypeScript forward pass (onnxruntime-web, wasm)', () => {
  const sessions: OnnxModel[] = [];
  const open = async (bytes: Uint8Array): Promise<OnnxModel> => {
    const r = await openOnnxModel(bytes);
    if (!r.ok) throw new Error(r.message);
    sessions.push(r.value);
    return r.value;
  };
  let xorAndSession: OnnxModel;
  beforeAll(async () => {
    xorAndSession = await open(readFileSync(fileURLToPath(new URL('../../models/xor-and.onnx', import.meta.url))));
  });
  afterAll(async () => {
    for (const s of sessions) await s.release();
  });

  it('matches on all 16 XOR-AND inputs with no cut, e..h cut into layer 1 and every single-dim cut', async () => {
    expect(await expectParity(xorAndSession, xorAndModel())).toBe(1 + 2 * 9 + 1);
  });

  it('gives the XOR-AND truth table, and cutting e..h from layer 1 silences the output', async () => {
    const model = xorAndModel();
    const full = await xorAndSession.run(model.inputs, cutMasks(2, 9));
    const cut = await xorAndSession.run(model.inputs, cutMasks(2, 9, [{ dims: [4, 5, 6, 7], layer: 1 }]));
    for (let n = 0; n < 16; n++) {
      const [a, b, c, d] = [0, 1, 2, 3].map((j) => model.inputs[n * 4 + j] > 0);
      expect(full.resid[n * 9 + 8]).toBe((a !== b) && (c !== d) ? 1 : 0);
      expect(cut.resid[n * 9 + 8]).toBe(0);
    }
  });

  it('accepts a second, differently sized model, runs it to parity and reads its weights back', async () => {
    const model = smallModel();
    const bytes = exportBaseModel(model);
    const info = validateOnnx(bytes);
    expect(info.ok && [info.value.layers, info.value.dims, info.value.nInputs]).toEqual([2, 6, 3]);
    expect(await expectParity(await open(bytes), model)).toBe(1 + 2 * 6);
    if (!info.ok) return;
    const back = baseModelFromOnnx(bytes, info.value);
    expect(back.ok && back.value).toEqual(model);
  });

  it('reads back a PyTorch-style Gemm(transB = 1) layer and still matches', async () => {
    const model = smallModel();
    const bytes = edited(model, (p) => {
      const g = p.graph!;
      const H = model.layers[0].hidden;
      const t = new Float32Array(H * model.dims);
      for (let d = 0; d < model.dims; d++) for (let j = 0; j < H; j++) t[j * model.dims + d] = model.layers[0].wIn[d * H + j];
      g.initializer!.push({ name: 'w_in_0_t', dims: [H, model.dims], dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(t) });
      g.node = g.node!.filter((n) => n.output![0] !== 'pre_0');
      g.initializer = g.initializer!.filter((t) => t.name !== 'w_in_0');
      const add = g.node.find((n) => n.output![0] === 'pre_bias_0')!;
      Object.assign(add, { opType: 'Gemm', input: ['mlp_in_0', 'w_in_0_t', 'b_in_0'], attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] });
    });
    const info = validateOnnx(bytes);
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    expect(await expectParity(await open(bytes), model)).toBe(13);
    const back = baseModelFromOnnx(bytes, info.value);
    expect(back.ok && back.value).toEqual(model);
  });

  it('says why a graph of another shape has no TypeScript reference', () => {
    const bytes = edited(xorAndModel(), (p) => (p.graph!.node!.find((n) => n.opType === 'Relu')!.opType = 'Identity'));
    const info = validateOnnx(bytes);
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    const back = baseModelFromOnnx(bytes, info.value);
    expect(back.ok).toBe(false);
    if (!back.ok) expect(back.message).toMatch(/'hidden_0' is not computed by Relu/);
  });

  it('runOnnxModel validates first and returns the message instead of running', async () => {
    const r = await runOnnxModel(new TextEncoder().encode('hello'), new Float64Array(4), [new Float64Array(9)]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/text file/);
  });
});
