/**
 * Malformed-file fuzzing: thousands of broken ONNX files through `prepareUpload`, the function
 * the worker accepts an upload with. Whatever the bytes, it must return (never throw, never
 * hang) either a model within DEFAULT_LIMITS or a refusal a person can read.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import type { BaseModel, MlpLayer } from '../core/model/baseModel.ts';
import { encodeModel, exportBaseModel } from './export.ts';
import { META, maskName, mlpInName, mlpOutName } from './names.ts';
import type { UploadChoices } from '../core/model/uploadInputs.ts';
import { DEFAULT_LIMITS, MAX_ROWS } from '../core/model/uploadLimits.ts';
import { prepareUpload } from './upload.ts';

const { onnx } = onnxProto;
type Proto = ReturnType<typeof onnx.ModelProto.decode>;
type Graph = NonNullable<Proto['graph']>;
type Edit = (p: Proto) => void;
type ByteEdit = (b: Uint8Array) => Uint8Array;

const VALID = new Uint8Array(readFileSync(fileURLToPath(new URL('../../models/xor-and.onnx', import.meta.url))));
const FLOAT = onnx.TensorProto.DataType.FLOAT;
/** A file of at most 5 MiB decodes in milliseconds; a second (room for a GC pause on a busy CI machine) means something ran away. */
const PER_FILE_MS = 1000;
/** Long enough for any refusal the page writes, short enough that no file's contents are echoed whole. */
const MAX_MESSAGE = 600;
const L = DEFAULT_LIMITS;

/** Fixed, so the counts in the log line are the same on every run and can be quoted. */
const SEED = 20260301;

const tally = { tried: 0, accepted: 0, refused: 0, failed: 0 };
let slowest = 0;

afterAll(() => {
  console.log(
    `ONNX upload fuzz: ${tally.tried} malformed files tried, ${tally.accepted} accepted within the limits, ` +
      `${tally.refused} refused with a message, ${tally.failed} threw, hung or broke a limit (slowest ${slowest.toFixed(1)} ms)`,
  );
});

/** Why an accepted model breaks the limits or its own shapes, or null when it is sound. */
function modelProblem(m: BaseModel): string | null {
  if (m.dims < 1 || m.dims > L.maxDims) return `dims ${m.dims}`;
  if (m.layers.length < 1 || m.layers.length > L.maxLayers) return `${m.layers.length} layers`;
  if (m.dimNames.length !== m.dims) return 'dim names';
  if (m.inputDims.length < 1 || m.inputDims.length > L.maxInputs || m.inputDims.some((d) => !(d >= 0 && d < m.dims))) return 'input dims';
  if (!(m.outputDim >= 0 && m.outputDim < m.dims)) return 'output dim';
  if (m.n < 2 || m.n > Math.max(2 ** L.maxInputs, MAX_ROWS) || m.inputs.length !== m.n * m.inputDims.length) return 'input rows';
  const finite = (xs: Float64Array) => xs.every(Number.isFinite);
  for (const layer of m.layers as MlpLayer[]) {
    const H = layer.hidden;
    if (H < 1 || H > L.maxHidden) return `hidden ${H}`;
    if (layer.wIn.length !== m.dims * H || layer.bIn.length !== H || layer.wOut.length !== H * m.dims) return 'weight shapes';
    if (!finite(layer.wIn) || !finite(layer.bIn) || !finite(layer.wOut)) return 'non-finite weights';
    if (layer.neuronNames.length !== H) return 'neuron names';
  }
  return null;
}

/** The property, with plain throws (this runs thousands of times); counts every file it sees. */
function check(bytes: Uint8Array, choices: UploadChoices): void {
  tally.tried++;
  try {
    verdict(bytes, choices);
  } catch (e) {
    tally.failed++;
    throw e;
  }
}

function verdict(bytes: Uint8Array, choices: UploadChoices): void {
  const t0 = performance.now();
  const r = prepareUpload(bytes, choices);
  const ms = performance.now() - t0;
  slowest = Math.max(slowest, ms);
  if (ms > PER_FILE_MS) throw new Error(`took ${ms.toFixed(0)} ms on a ${bytes.length}-byte file`);
  if (r.ok) {
    tally.accepted++;
    const problem = modelProblem(r.value.model);
    if (problem) throw new Error(`accepted a model outside the limits: ${problem}`);
    return;
  }
  tally.refused++;
  const m = r.message;
  if (typeof m !== 'string' || m.trim() === '') throw new Error('refused without a message');
  if (m.length > MAX_MESSAGE) throw new Error(`a ${m.length}-character message: ${m.slice(0, 120)}…`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(m)) throw new Error(`control characters in the message: ${JSON.stringify(m.slice(0, 120))}`);
}

const splice = (b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array => {
  const i = at % (b.length + 1);
  const out = new Uint8Array(b.length - Math.min(remove, b.length - i) + insert.length);
  out.set(b.subarray(0, i));
  out.set(insert, i);
  out.set(b.subarray(i + remove), i + insert.length);
  return out;
};

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  // Flipped bits anywhere: headers, lengths, names, weights.
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 16 }).map((flips) => (b: Uint8Array) => {
    const out = b.slice();
    for (const [at, x] of flips) if (out.length > 0) out[at % out.length] ^= x;
    return out;
  }),
  fc.nat().map((at) => (b: Uint8Array) => b.slice(0, at % (b.length + 1))),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, run]) => (b: Uint8Array) => splice(b, at, 0, run)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 256 })).map(([at, n]) => (b: Uint8Array) => splice(b, at, n, new Uint8Array(0))),
  // A section copied elsewhere, or the whole file twice (protobuf merges: every repeated field doubles).
  fc.tuple(fc.nat(), fc.nat({ max: 512 }), fc.nat()).map(([from, len, to]) => (b: Uint8Array) => {
    const i = from % (b.length + 1);
    return splice(b, to, 0, b.slice(i, i + len));
  }),
  fc.constant((b: Uint8Array) => splice(b, b.length, 0, b)),
);

/** Sizes a hostile file might declare. */
const size = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 13, L.maxDims + 1, L.maxHidden + 1, 4097, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 1e9, 2 ** 53 - 1, -(2 ** 53)),
  fc.integer(),
);

const pick = <T,>(xs: readonly T[], k: number): T | undefined => (xs.length > 0 ? xs[k % xs.length] : undefined);
const graphOf = (p: Proto): Graph => p.graph ?? (p.graph = onnx.GraphProto.create());
const NAMES = ['x', maskName(0), maskName(1), maskName(2), mlpInName(0), mlpOutName(1), 'resid_final', 'hidden_0', 'embed', 'w_in_0', '', 'nowhere'];
const OPS = ['Loop', 'If', 'Relu', 'MatMul', 'Gemm', 'Add', 'Mul', '', 'Custom', 'Constant', 'Identity', 'Reshape'];

/** Edits of the decoded model that a byte flip rarely finds: declared sizes, types, wiring, metadata. */
const protoEdit: fc.Arbitrary<Edit> = fc.oneof(
  // A declared dim of an input or output: huge, negative, zero, past a limit.
  fc.tuple(fc.nat(), fc.nat(), size).map(([v, axis, n]) => (p: Proto) => {
    const g = graphOf(p);
    const dims = pick([...(g.input ?? []), ...(g.output ?? [])], v)?.type?.tensorType?.shape?.dim;
    if (dims && dims.length > 0) dims[axis % dims.length] = { dimValue: n };
  }),
  // A weight that declares a shape its data does not fill.
  fc.tuple(fc.nat(), fc.array(size, { maxLength: 4 })).map(([k, dims]) => (p: Proto) => {
    const t = pick(graphOf(p).initializer ?? [], k);
    if (t) t.dims = dims;
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([k, keep]) => (p: Proto) => {
    const t = pick(graphOf(p).initializer ?? [], k);
    if (t?.rawData) t.rawData = t.rawData.slice(0, keep % (t.rawData.length + 1));
  }),
  // A NaN, an infinity or an extreme float inside a weight.
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45)).map(([k, at, v]) => (p: Proto) => {
    const t = pick(graphOf(p).initializer ?? [], k);
    if (!t?.rawData || t.rawData.length < 4) return;
    const raw = t.rawData.slice();
    new DataView(raw.buffer, raw.byteOffset, raw.byteLength).setFloat32(4 * (at % Math.floor(raw.length / 4)), v, true);
    t.rawData = raw;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: -1, max: 30 }), fc.boolean()).map(([k, type, weight]) => (p: Proto) => {
    const g = graphOf(p);
    if (weight) {
      const t = pick(g.initializer ?? [], k);
      if (t) t.dataType = type;
    } else {
      const tt = pick([...(g.input ?? []), ...(g.output ?? [])], k)?.type?.tensorType;
      if (tt) tt.elemType = type;
    }
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...OPS), fc.constantFrom('', 'ai.onnx', 'com.microsoft')).map(([k, op, domain]) => (p: Proto) => {
    const n = pick(graphOf(p).node ?? [], k);
    if (!n) return;
    n.opType = op;
    n.domain = domain;
  }),
  // Rewired: a node reads or writes another tensor.
  fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...NAMES)).map(([k, slot, name]) => (p: Proto) => {
    const n = pick(graphOf(p).node ?? [], k);
    if (!n) return;
    const io = slot % 2 === 0 ? [...(n.input ?? [])] : [...(n.output ?? [])];
    if (io.length === 0) return;
    io[(slot >> 1) % io.length] = name;
    if (slot % 2 === 0) n.input = io;
    else n.output = io;
  }),
  // Something removed or doubled.
  fc.tuple(fc.constantFrom('node', 'input', 'output', 'initializer') as fc.Arbitrary<'node' | 'input' | 'output' | 'initializer'>, fc.nat(), fc.boolean()).map(
    ([field, k, remove]) => (p: Proto) => {
      const g = graphOf(p);
      const xs: unknown[] = [...(g[field] ?? [])];
      if (xs.length === 0) return;
      const i = k % xs.length;
      if (remove) xs.splice(i, 1);
      else xs.splice(i, 0, xs[i]);
      (g as Record<typeof field, unknown[]>)[field] = xs;
    },
  ),
  // Metadata that lies, is garbage, or is very long.
  fc.tuple(
    fc.constantFrom(META.name, META.dimNames, META.outputDim, META.inputDims, META.neuronNames(0), META.neuronNames(1)),
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('', ',', '0,0,0,0', '99', '-1', '8', 'a,b', '1e9', ' 3 ', '0,1,2,3,4'),
      fc.nat({ max: 5000 }).map((n) => Array.from({ length: n }, (_, i) => `n${i}\u0007`).join(',')),
    ),
  ).map(([key, value]) => (p: Proto) => {
    p.metadataProps = [...(p.metadataProps ?? []).filter((m) => m.key !== key), { key, value }];
  }),
  // Many extra inputs with long names.
  fc.integer({ min: 1, max: 3000 }).map((n) => (p: Proto) => {
    const g = graphOf(p);
    const extra = Array.from({ length: n }, (_, i) => ({ name: `extra_${'z'.repeat(60)}_${i}\n`, type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 1 }] } } } }));
    g.input = [...(g.input ?? []), ...extra];
  }),
  // Many layers declared, by their outputs and masks.
  fc.tuple(fc.integer({ min: 3, max: 300 }), fc.boolean()).map(([layers, masks]) => (p: Proto) => {
    const g = graphOf(p);
    const D = 9;
    const value = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
    const outs = [];
    const ins = [];
    for (let l = 2; l < layers; l++) {
      outs.push(value(mlpInName(l), [1, D]), value(mlpOutName(l), [1, D]));
      if (masks) ins.push(value(maskName(l), [D]));
    }
    g.output = [...(g.output ?? []), ...outs];
    g.input = [...(g.input ?? []), ...ins];
  }),
  // A Constant node declaring a huge tensor with no data behind it.
  fc.tuple(size, size, fc.constantFrom(...NAMES)).map(([a, b, name]) => (p: Proto) => {
    const g = graphOf(p);
    const t = { name, dims: [a, b], dataType: FLOAT };
    g.node = [{ opType: 'Constant', output: [name], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t }] }, ...(g.node ?? [])];
  }),
  fc.constantFrom('com.microsoft', 'ai.onnx.ml', '').map((domain) => (p: Proto) => {
    p.opsetImport = [...(p.opsetImport ?? []), { domain, version: 13 }];
  }),
);

const choices: fc.Arbitrary<UploadChoices> = fc.record({
  enumeration: fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'signs' as const }) },
    { weight: 1, arbitrary: fc.array(fc.array(fc.double(), { minLength: 4, maxLength: 4 }), { minLength: 2, maxLength: 6 }).map((rows) => ({ kind: 'csv' as const, rows })) },
  ),
  outputDim: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: -2, max: 300 })),
});

function edited(edits: Edit[]): Uint8Array {
  const proto = onnx.ModelProto.decode(VALID);
  for (const edit of edits) edit(proto);
  return encodeModel(proto);
}

/** A model whose every tensor is well formed but which is past one limit. */
function zeroModel(dims: number, layers: number, hidden: number, inputs: number): BaseModel {
  const layer = (l: number): MlpLayer => ({
    hidden,
    wIn: new Float64Array(dims * hidden),
    bIn: new Float64Array(hidden),
    wOut: new Float64Array(hidden * dims),
    neuronNames: Array.from({ length: hidden }, (_, j) => `n${l}.${j}`),
  });
  return {
    name: 'too big',
    dims,
    dimNames: Array.from({ length: dims }, (_, d) => `d${d}`),
    inputDims: Array.from({ length: inputs }, (_, j) => j),
    outputDim: dims - 1,
    layers: Array.from({ length: layers }, (_, l) => layer(l)),
    inputs: new Float64Array(0),
    n: 0,
  };
}

describe('prepareUpload on malformed files', () => {
  it('the committed model itself is accepted (the mutations start from a valid file)', () => {
    const r = prepareUpload(VALID, { enumeration: { kind: 'signs' }, outputDim: 8 });
    expect(r.ok).toBe(true);
  });

  it('on 300 files of random garbage, and the empty file', () => {
    check(new Uint8Array(0), { enumeration: { kind: 'signs' }, outputDim: 0 });
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }),
      // Garbage behind a valid start, so the decoder gets past the first fields.
      fc.tuple(fc.nat({ max: VALID.length }), fc.uint8Array({ maxLength: 2048 })).map(([keep, tail]) => splice(VALID.slice(0, keep), keep, 0, tail)),
    );
    fc.assert(fc.property(garbage, choices, check), { numRuns: 300, seed: SEED });
  });

  it('on 1,200 byte-level mutations of the valid file (flips, truncations, inserted, deleted and duplicated runs)', () => {
    const mutated = fc.array(byteEdit, { minLength: 1, maxLength: 3 }).map((edits) => edits.reduce<Uint8Array>((b, e) => e(b), VALID));
    fc.assert(fc.property(mutated, choices, check), { numRuns: 1200, seed: SEED });
  });

  it('on 1,200 structural mutations (declared sizes, types, wiring, metadata), half of them byte-mutated after', () => {
    const mutated = fc.tuple(fc.array(protoEdit, { minLength: 1, maxLength: 3 }), fc.option(byteEdit)).map(([edits, after]) => {
      const bytes = edited(edits);
      return after ? after(bytes) : bytes;
    });
    fc.assert(fc.property(mutated, choices, check), { numRuns: 1200, seed: SEED });
  });

  it('on well-formed models past each size limit, and files past the byte limit', () => {
    const over = [
      zeroModel(L.maxDims + 1, 1, 1, 2),
      zeroModel(8, L.maxLayers + 1, 1, 2),
      zeroModel(8, 1, L.maxHidden + 1, 2),
      zeroModel(L.maxInputs + 2, 1, 1, L.maxInputs + 1),
    ];
    for (const m of over) {
      const bytes = exportBaseModel(m);
      check(bytes, { enumeration: { kind: 'signs' }, outputDim: 0 });
      const r = prepareUpload(bytes, { enumeration: { kind: 'signs' }, outputDim: 0 });
      expect(r.ok || r.message).toMatch(/limit/);
    }
    for (const extra of [1, 4096, 1 << 20]) {
      const big = splice(VALID, VALID.length, 0, new Uint8Array(L.maxBytes - VALID.length + extra));
      check(big, { enumeration: { kind: 'signs' }, outputDim: 8 });
      const r = prepareUpload(big, { enumeration: { kind: 'signs' }, outputDim: 8 });
      expect(r.ok || r.message).toMatch(/over the 5\.0 MiB limit/);
    }
  });
});
