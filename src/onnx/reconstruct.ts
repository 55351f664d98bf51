/**
 * Reads a BaseModel's weights back out of an ONNX graph whose outputs are computed the way our
 * exporter (or a plain PyTorch residual MLP of Linear and ReLU) computes them, so that the
 * TypeScript forward pass can serve as a reference for that file. Graphs of another shape
 * still run through onnxruntime-web; they only lack this reference.
 */
import onnxProto from 'onnx-proto';
import { enumerateSigns, type BaseModel, type MlpLayer } from '../core/model/baseModel.ts';
import { inputName, maskName, mlpInName, mlpOutName, RESID_FINAL } from './names.ts';
import { brief, quote } from '../core/text.ts';
import { int, type GraphInfo, type NodeInfo, type TensorInfo } from './proto.ts';
import type { ModelInfo } from '../core/model/modelInfo.ts';
import type { Result } from '../core/result.ts';

const { onnx } = onnxProto;
/** A decoded node with its repeated fields filled in (protobufjs leaves absent ones empty). */
interface Node {
  opType: string;
  input: string[];
  output: string[];
  attribute: NonNullable<NodeInfo['attribute']>;
}

const asNode = (n: NodeInfo): Node => ({ opType: n.opType ?? '', input: n.input ?? [], output: n.output ?? [], attribute: n.attribute ?? [] });

interface Constant {
  dims: number[];
  values: Float64Array;
}

/** Thrown inside the matcher only; turned into a `{ ok: false }` at the boundary. */
class NoMatch extends Error {}

/**
 * The number of values a tensor holds, refusing a shape its data does not fill: a file may
 * declare any shape, and the page allocates only what the file's bytes back.
 */
function tensorSize(t: TensorInfo, dims: number[], bytesPerValue: number): number {
  const name = quote(t.name);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new NoMatch(`the weight ${name} has shape [${brief(dims.join(', '))}]`);
  const size = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData?.length ?? 0;
  const held = raw > 0 ? raw / bytesPerValue : bytesPerValue === 4 ? (t.floatData?.length ?? 0) : (t.doubleData?.length ?? 0);
  if (held !== size) throw new NoMatch(`the weight ${name} has shape [${brief(dims.join(', '))}] but holds ${held} values`);
  return size;
}

function tensorValues(t: TensorInfo): Constant {
  const dims = (t.dims ?? []).map((d) => int(d) ?? 0);
  const raw = t.rawData && t.rawData.length ? t.rawData : null;
  const isFloat = t.dataType === onnx.TensorProto.DataType.FLOAT;
  if (!isFloat && t.dataType !== onnx.TensorProto.DataType.DOUBLE) throw new NoMatch(`the weight ${quote(t.name)} is not floating point`);
  const size = tensorSize(t, dims, isFloat ? 4 : 8);
  const values = new Float64Array(size);
  if (isFloat) {
    if (raw) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let k = 0; k < size; k++) values[k] = view.getFloat32(k * 4, true);
    } else for (let k = 0; k < size; k++) values[k] = t.floatData?.[k] ?? 0;
  } else if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let k = 0; k < size; k++) values[k] = view.getFloat64(k * 8, true);
  } else for (let k = 0; k < size; k++) values[k] = t.doubleData?.[k] ?? 0;
  return { dims, values };
}

class Graph {
  readonly producer = new Map<string, Node>();
  readonly constants = new Map<string, Constant>();

  constructor(graph: GraphInfo) {
    for (const t of graph.initializer ?? []) this.constants.set(t.name ?? '', tensorValues(t));
    for (const info of graph.node ?? []) {
      const n = asNode(info);
      for (const o of n.output) this.producer.set(o, n);
      const value = n.opType === 'Constant' ? n.attribute.find((a) => a.name === 'value')?.t : null;
      if (value) this.constants.set(n.output[0], tensorValues(value));
    }
  }

  /** The node that writes `name`, required to be one of `ops`. */
  node(name: string, ops: string[]): Node {
    const n = this.producer.get(name);
    if (!n || !ops.includes(n.opType)) throw new NoMatch(`${quote(name)} is not computed by ${ops.join(' or ')}`);
    return n;
  }

  constant(name: string): Constant {
    const c = this.constants.get(name);
    if (!c) throw new NoMatch(`${quote(name)} is not a constant weight`);
    return c;
  }
}

function attrInt(n: Node, name: string, fallback: number): number {
  const a = n.attribute.find((x) => x.name === name);
  return a ? (int(a.i) ?? fallback) : fallback;
}

function attrFloat(n: Node, name: string, fallback: number): number {
  const a = n.attribute.find((x) => x.name === name);
  return a ? (a.f ?? fallback) : fallback;
}

/** The other input of a two-input node, given one of them. */
function other(n: Node, known: string): string {
  if (n.input[0] === known) return n.input[1];
  if (n.input[1] === known) return n.input[0];
  throw new NoMatch(`${quote(n.output[0])} does not read ${quote(known)}`);
}

/** A [rows, cols] row-major matrix from a constant, transposed from [cols, rows] when asked. */
function matrix(c: Constant, rows: number, cols: number, transposed: boolean, what: string): Float64Array {
  const [r, k] = transposed ? [cols, rows] : [rows, cols];
  if (c.dims.length !== 2 || c.dims[0] !== r || c.dims[1] !== k) throw new NoMatch(`${what} has shape [${brief(c.dims.join(', '))}], not [${r}, ${k}]`);
  if (!transposed) return c.values;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = c.values[j * rows + i];
  return out;
}

function vector(c: Constant, length: number, what: string): Float64Array {
  if (c.values.length !== length) throw new NoMatch(`${what} has ${c.values.length} entries, not ${length}`);
  return c.values;
}

/** y = t·W (+ b): MatMul, MatMul then Add, or Gemm with alpha = beta = 1; returns W as [in, out]. */
function linear(g: Graph, y: string, input: string, fanIn: number, what: string): { w: Float64Array; b: Float64Array | null; fanOut: number } {
  const n = g.node(y, ['MatMul', 'Add', 'Gemm']);
  if (n.opType === 'Gemm') {
    if (n.input[0] !== input || attrInt(n, 'transA', 0) !== 0 || attrFloat(n, 'alpha', 1) !== 1 || attrFloat(n, 'beta', 1) !== 1) {
      throw new NoMatch(`${what} is a Gemm with scaling or a transposed input`);
    }
    const c = g.constant(n.input[1]);
    const transB = attrInt(n, 'transB', 0) === 1;
    const fanOut = transB ? c.dims[0] : c.dims[1];
    const w = matrix(c, fanIn, fanOut, transB, `${what}'s weight`);
    const b = n.input[2] ? vector(g.constant(n.input[2]), fanOut, `${what}'s bias`) : null;
    return { w, b, fanOut };
  }
  let mm = n;
  let b: Float64Array | null = null;
  let biasName: string | null = null;
  if (n.opType === 'Add') {
    const mmName = g.producer.get(n.input[0])?.opType === 'MatMul' ? n.input[0] : n.input[1];
    biasName = other(n, mmName);
    mm = g.node(mmName, ['MatMul']);
  }
  if (mm.input[0] !== input) throw new NoMatch(`${what} does not read ${quote(input)}`);
  const c = g.constant(mm.input[1]);
  const fanOut = c.dims[1];
  const w = matrix(c, fanIn, fanOut, false, `${what}'s weight`);
  if (biasName !== null) b = vector(g.constant(biasName), fanOut, `${what}'s bias`);
  return { w, b, fanOut };
}

/** The tensor a linear map (MatMul, MatMul then Add, or Gemm) writing `y` reads. */
function linearInput(g: Graph, y: string): string {
  const n = g.node(y, ['MatMul', 'Add', 'Gemm']);
  if (n.opType !== 'Add') return n.input[0];
  const mmName = g.producer.get(n.input[0])?.opType === 'MatMul' ? n.input[0] : n.input[1];
  return g.node(mmName, ['MatMul']).input[0];
}

function mlpLayer(g: Graph, l: number, D: number, info: ModelInfo): MlpLayer {
  const hidden = linearInput(g, mlpOutName(l));
  const relu = g.node(hidden, ['Relu']);
  const up = linear(g, relu.input[0], mlpInName(l), D, `layer ${l}'s first linear map`);
  const H = up.fanOut;
  const down = linear(g, mlpOutName(l), hidden, H, `layer ${l}'s second linear map`);
  if (down.fanOut !== D) throw new NoMatch(`layer ${l} writes ${down.fanOut} dims, not ${D}`);
  if (down.b && down.b.some((v) => v !== 0)) throw new NoMatch(`layer ${l}'s second linear map has a bias, which the base model cannot hold`);
  const names = info.neuronNames[l]?.length === H ? [...info.neuronNames[l]] : Array.from({ length: H }, (_, j) => `n${l}.${j}`);
  return { hidden: H, wIn: Float64Array.from(up.w), bIn: up.b ? Float64Array.from(up.b) : new Float64Array(H), wOut: Float64Array.from(down.w), neuronNames: names };
}

/** The input dims of a [k, D] embedding that copies each input into one residual dim. */
function placement(c: Constant, k: number, D: number): number[] {
  const p = matrix(c, k, D, false, 'the embedding');
  const dims: number[] = [];
  for (let j = 0; j < k; j++) {
    let at = -1;
    for (let d = 0; d < D; d++) {
      const v = p[j * D + d];
      if (v === 1 && at < 0) at = d;
      else if (v !== 0) throw new NoMatch('the embedding is not a 0/1 placement of inputs into residual dims');
    }
    if (at < 0) throw new NoMatch(`input ${j} is placed in no residual dim`);
    dims.push(at);
  }
  return dims;
}

function match(g: Graph, info: ModelInfo): BaseModel {
  const D = info.dims;
  const layers: MlpLayer[] = [];
  // Walk the residual stream forward: r_0 = x·P, r_{l+1} = r_l + mlp_out_l.
  const firstMul = g.node(mlpInName(0), ['Mul']);
  let resid = other(firstMul, maskName(0));
  const embed = g.node(resid, ['MatMul']);
  if (embed.input[0] !== inputName) throw new NoMatch(`the residual stream does not start as '${inputName}' times an embedding`);
  const inputDims = placement(g.constant(embed.input[1]), info.nInputs, D);
  if (!info.defaulted.includes('inputDims') && inputDims.join(',') !== info.inputDims.join(',')) {
    throw new NoMatch(`the metadata input_dims (${info.inputDims.join(',')}) disagree with the embedding (${inputDims.join(',')})`);
  }
  for (let l = 0; l < info.layers; l++) {
    if (other(g.node(mlpInName(l), ['Mul']), maskName(l)) !== resid) throw new NoMatch(`layer ${l} does not read the residual stream through its mask`);
    layers.push(mlpLayer(g, l, D, info));
    const next = l + 1 < info.layers ? other(g.node(mlpInName(l + 1), ['Mul']), maskName(l + 1)) : RESID_FINAL;
    let add = g.node(next, ['Add', 'Identity']);
    if (add.opType === 'Identity' && l + 1 === info.layers) add = g.node(add.input[0], ['Add']);
    if (add.opType !== 'Add' || other(add, mlpOutName(l)) !== resid) throw new NoMatch(`the residual stream after layer ${l} is not the stream plus '${mlpOutName(l)}'`);
    resid = add.output[0];
  }
  const k = info.nInputs;
  return {
    name: info.name,
    dims: D,
    dimNames: [...info.dimNames],
    inputDims,
    outputDim: info.outputDim,
    layers,
    inputs: enumerateSigns(k),
    n: 1 << k,
  };
}

/**
 * Rebuilds the BaseModel of a validated ONNX file when its graph is a residual MLP of
 * linear maps and ReLUs (as our exporter writes); otherwise says which part did not match.
 */
export function baseModelFromOnnx(bytes: Uint8Array, info: ModelInfo): Result<BaseModel> {
  let proto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch {
    return { ok: false, message: 'The file could not be read as ONNX; validate it first.' };
  }
  try {
    if (!proto.graph) throw new NoMatch('the file has no graph');
    return { ok: true, value: match(new Graph(proto.graph), info) };
  } catch (e) {
    if (!(e instanceof NoMatch)) throw e;
    return { ok: false, message: `The model runs, but its weights cannot be read back as a residual MLP because ${e.message}; it has no TypeScript reference.` };
  }
}
