/**
 * Checks an ONNX file against the base-model convention (CONTRACTS §4) before anything runs
 * it, and reads sizes and names from it. Every failure is a sentence a person can act on.
 */
import onnxProto from 'onnx-proto';
import { DEFAULT_LIMITS, type OnnxLimits } from '../core/model/uploadLimits.ts';
import { META, inputName, maskName, mlpInName, mlpOutName, RESID_FINAL } from './names.ts';
import { brief, quote } from '../core/text.ts';
import type { ModelInfo } from '../core/model/modelInfo.ts';
import type { Result } from '../core/result.ts';
import { defaultDimNames, int, parseIndexList, type ModelProto, type ValueInfo } from './proto.ts';

const { onnx } = onnxProto;

/**
 * Operators accepted in an uploaded graph: what a linear-and-ReLU residual MLP exports to from
 * PyTorch, all run by onnxruntime-web's wasm backend. Control flow and custom domains are out.
 */
export const ALLOWED_OPS: ReadonlySet<string> = new Set([
  'MatMul', 'Gemm', 'Add', 'Sub', 'Mul', 'Div', 'Neg', 'Relu', 'Identity', 'Constant',
  'Transpose', 'Reshape', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Gather', 'Cast', 'Shape',
]);


const README = 'models/README.md';
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/** The first few names, each quoted briefly, so a file with thousands of them gets a short message. */
const quoteList = (names: string[]): string => {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, 6).map((n) => quote(n)).join(', ');
  return names.length > 6 ? `${shown} and ${names.length - 6} more` : shown;
};

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** True when the bytes look like text (a CSV, JSON or a pasted notebook), not a binary protobuf. */
function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b < 9 || (b > 13 && b < 32) || b === 127) return false;
  }
  return n > 0;
}

function parse(bytes: Uint8Array, limits: OnnxLimits): Result<ModelProto> {
  if (bytes.length === 0) return { ok: false, message: 'The file is empty; choose an .onnx model file.' };
  if (bytes.length > limits.maxBytes) {
    return { ok: false, message: `The file is ${mib(bytes.length)}, over the ${mib(limits.maxBytes)} limit; base models here are small MLPs, so export a smaller one.` };
  }
  if (looksLikeText(bytes)) {
    return { ok: false, message: `This is a text file, not an ONNX model; export the model with torch.onnx.export as ${README} shows.` };
  }
  try {
    return { ok: true, value: onnx.ModelProto.decode(bytes) };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `The file could not be read as ONNX (${brief(why, 80)}); it may be truncated or not an ONNX model, so export it again.` };
  }
}

/** The fixed size of one dim, or null when symbolic or unknown. */
function dimSize(v: ValueInfo, axis: number): number | null {
  const d = v.type?.tensorType?.shape?.dim?.[axis];
  return d ? int(d.dimValue) : null;
}

function checkFloatTensor(v: ValueInfo, rank: number, role: string): string | null {
  const t = v.type?.tensorType;
  if (!t) return `The ${role} ${quote(v.name)} is not a tensor; it must be a float32 tensor (see ${README}).`;
  if (t.elemType !== FLOAT) {
    const type = onnx.TensorProto.DataType[t.elemType ?? 0] ?? `type ${t.elemType}`;
    return `The ${role} ${quote(v.name)} is ${type.toLowerCase()}; it must be float32, so cast the model to float before exporting.`;
  }
  const r = t.shape?.dim?.length;
  if (r !== undefined && r !== rank) return `The ${role} ${quote(v.name)} has ${r} axes; it must have ${rank} (see ${README}).`;
  return null;
}

function checkGraph(proto: ModelProto, limits: OnnxLimits): Result<Omit<ModelInfo, 'name' | 'dimNames' | 'outputDim' | 'inputDims' | 'neuronNames' | 'defaulted'>> {
  const g = proto.graph;
  if (!g || !g.node || g.node.length === 0) return { ok: false, message: 'The file holds no model graph; it is not an ONNX model, so export it again.' };
  for (const opset of proto.opsetImport ?? []) {
    if (opset.domain && opset.domain !== 'ai.onnx') return { ok: false, message: `The model uses the custom operator domain ${quote(opset.domain)}; export with standard ONNX operators only.` };
  }
  for (const n of g.node) {
    if (n.domain && n.domain !== 'ai.onnx') return { ok: false, message: `The model uses ${quote(n.opType)} from domain ${quote(n.domain)}; export with standard ONNX operators only.` };
    if (!ALLOWED_OPS.has(n.opType ?? '')) {
      return { ok: false, message: `The model uses the operator ${quote(n.opType)}, which is not supported here; use only ${[...ALLOWED_OPS].join(', ')}.` };
    }
  }
  for (const t of g.initializer ?? []) {
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
      return { ok: false, message: `The weight ${quote(t.name)} is stored in a separate file; export with the weights inside the .onnx file.` };
    }
  }
  // Older IR versions also list initializers as graph inputs; those are weights, not inputs.
  const weights = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (g.input ?? []).filter((v) => !weights.has(v.name ?? ''));
  const outputs = g.output ?? [];
  const inNames = inputs.map((v) => v.name ?? '');
  const outNames = outputs.map((v) => v.name ?? '');

  const x = inputs.find((v) => v.name === inputName);
  if (!x) return { ok: false, message: `The model has no input named '${inputName}'; it has ${quoteList(inNames)}. Rename it following ${README}.` };
  let layers = 0;
  const outSet = new Set(outNames);
  const inSet = new Set(inNames);
  // Sets, and a stop one past the limit: a file may list hundreds of thousands of names.
  while (layers <= limits.maxLayers && (outSet.has(mlpInName(layers)) || outSet.has(mlpOutName(layers)) || inSet.has(maskName(layers)))) layers++;
  if (layers === 0) return { ok: false, message: `The model has no output named '${mlpInName(0)}'; it has ${quoteList(outNames)}. Name the outputs following ${README}.` };
  if (layers > limits.maxLayers) return { ok: false, message: `The model names more than ${limits.maxLayers} MLP layers; the limit is ${limits.maxLayers} layers.` };

  const xErr = checkFloatTensor(x, 2, 'input');
  if (xErr) return { ok: false, message: xErr };
  const nInputs = dimSize(x, 1);
  if (nInputs === null || nInputs < 1) return { ok: false, message: `The input '${inputName}' must have a fixed number of columns (one per model input); export it with a fixed second axis.` };
  const batch = dimSize(x, 0);
  if (batch !== null) return { ok: false, message: `The input '${inputName}' has a fixed batch of ${batch} rows; export with dynamic_axes={'${inputName}': {0: 'N'}} as ${README} shows.` };
  if (nInputs > limits.maxInputs) {
    return { ok: false, message: `The model has ${nInputs} inputs; enumerating all 2^${nInputs} sign combinations is too many (the limit is ${limits.maxInputs} inputs).` };
  }

  const mask0 = inputs.find((v) => v.name === maskName(0));
  const dims = mask0 ? dimSize(mask0, 0) : null;
  if (!mask0) return { ok: false, message: `The model has no input named '${maskName(0)}'; it has ${quoteList(inNames)}. Add one cut mask per layer following ${README}.` };
  if (dims === null || dims < 1) return { ok: false, message: `The input '${maskName(0)}' must have a fixed length D (the residual width); export it with a fixed shape.` };
  if (dims > limits.maxDims) return { ok: false, message: `The residual stream is ${dims} dims wide; the limit is ${limits.maxDims} dims, so export a narrower model.` };

  const expectedIn = new Set([inputName]);
  for (let l = 0; l < layers; l++) {
    const m = inputs.find((v) => v.name === maskName(l));
    if (!m) return { ok: false, message: `The model has ${layers} layers but no input named '${maskName(l)}'; it has ${quoteList(inNames)}. Add one cut mask per layer following ${README}.` };
    const err = checkFloatTensor(m, 1, 'input');
    if (err) return { ok: false, message: err };
    if (dimSize(m, 0) !== dims) return { ok: false, message: `The input '${maskName(l)}' has length ${dimSize(m, 0) ?? 'unknown'}, but '${maskName(0)}' has ${dims}; every mask must have the residual width D.` };
    expectedIn.add(maskName(l));
  }
  const extra = inNames.filter((n) => !expectedIn.has(n));
  if (extra.length) return { ok: false, message: `The model has inputs the convention does not name: ${quoteList(extra)}; keep only '${inputName}' and the masks (see ${README}).` };

  const required = [RESID_FINAL];
  for (let l = 0; l < layers; l++) required.push(mlpInName(l), mlpOutName(l));
  for (const name of required) {
    const o = outputs.find((v) => v.name === name);
    if (!o) return { ok: false, message: `The model has no output named '${name}'; it has ${quoteList(outNames)}. Name the outputs following ${README}.` };
    const err = checkFloatTensor(o, 2, 'output');
    if (err) return { ok: false, message: err };
    const width = dimSize(o, 1);
    if (width !== null && width !== dims) return { ok: false, message: `The output '${name}' has width ${width}, but the masks say the residual width is ${dims}; every output must be [N, D].` };
  }
  return { ok: true, value: { layers, dims, nInputs } };
}

function metadata(proto: ModelProto): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of proto.metadataProps ?? []) if (p.key) m.set(p.key, p.value ?? '');
  return m;
}

/** Checks an ONNX file against the convention and reads its sizes and names, before running it. */
export function validateOnnx(bytes: Uint8Array, limits: OnnxLimits = DEFAULT_LIMITS): Result<ModelInfo> {
  const parsed = parse(bytes, limits);
  if (!parsed.ok) return parsed;
  const graph = checkGraph(parsed.value, limits);
  if (!graph.ok) return graph;
  const { layers, dims, nInputs } = graph.value;
  const meta = metadata(parsed.value);
  const defaulted: ModelInfo['defaulted'] = [];
  const pick = <T>(key: string, field: ModelInfo['defaulted'][number], read: (s: string) => T, fallback: T): T => {
    if (meta.has(key)) return read(meta.get(key) ?? '');
    defaulted.push(field);
    return fallback;
  };

  const dimNames = pick(META.dimNames, 'dimNames', (s) => s.split(',').map((n) => n.trim()), defaultDimNames(dims));
  if (dimNames.length !== dims || dimNames.some((n) => n === '') || new Set(dimNames).size !== dims) {
    return { ok: false, message: `The metadata '${META.dimNames}' must list ${dims} distinct names separated by commas; it lists ${quote(meta.get(META.dimNames))}. Fix it or leave it out.` };
  }
  const outputDim = pick(META.outputDim, 'outputDim', (s) => (/^\d+$/.test(s.trim()) ? Number(s) : -1), dims - 1);
  if (outputDim < 0 || outputDim >= dims) {
    return { ok: false, message: `The metadata '${META.outputDim}' must be a residual dim index from 0 to ${dims - 1}; it is ${quote(meta.get(META.outputDim))}.` };
  }
  const inputDims = pick(META.inputDims, 'inputDims', (s) => parseIndexList(s, dims), Array.from({ length: nInputs }, (_, j) => j));
  if (inputDims === null || inputDims.length !== nInputs || new Set(inputDims).size !== nInputs) {
    return { ok: false, message: `The metadata '${META.inputDims}' must list ${nInputs} distinct residual dim indices below ${dims}; it is ${quote(meta.get(META.inputDims))}.` };
  }
  const neuronNames: string[][] = [];
  for (let l = 0; l < layers; l++) {
    const s = meta.get(META.neuronNames(l));
    neuronNames.push(s ? s.split(',').map((n) => n.trim()) : []);
  }
  const name = pick(META.name, 'name', (s) => s, parsed.value.graph?.name || 'uploaded model');
  return { ok: true, value: { name, layers, dims, nInputs, dimNames, outputDim, inputDims, neuronNames, defaulted } };
}
