/**
 * Writes a BaseModel as an ONNX file following CONTRACTS §4, through onnx-proto's generated
 * protobuf classes (no hand-written bytes). The graph uses only MatMul, Mul, Add, Relu and
 * Identity, which every onnxruntime-web backend runs.
 */
import onnxProto from 'onnx-proto';
import type { BaseModel } from '../core/model/baseModel.ts';
import { META, inputName, maskName, mlpInName, mlpOutName, RESID_FINAL, BATCH_DIM } from './names.ts';

const { onnx } = onnxProto;

/** Fixed so that the same model always gives the same bytes. */
export const PRODUCER_NAME = 'transcoder-lab';
export const PRODUCER_VERSION = '1';
export const OPSET_VERSION = 17;
export const IR_VERSION = 8;

type Tensor = InstanceType<typeof onnx.TensorProto>;

/** A float32 initializer from float64 values, stored little-endian in raw_data. */
function floatTensor(name: string, dims: number[], values: Float64Array): Tensor {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let k = 0; k < values.length; k++) view.setFloat32(k * 4, values[k], true);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

function floatValue(name: string, shape: (number | string)[]) {
  const dim = shape.map((s) => (typeof s === 'number' ? { dimValue: s } : { dimParam: s }));
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } },
  });
}

function node(opType: string, inputs: string[], output: string) {
  return onnx.NodeProto.create({ opType, input: inputs, output: [output], name: `${opType}:${output}` });
}

/** The [n_inputs, D] 0/1 matrix that places input j in residual dim inputDims[j]. */
export function placementMatrix(model: BaseModel): Float64Array {
  const k = model.inputDims.length;
  const p = new Float64Array(k * model.dims);
  for (let j = 0; j < k; j++) p[j * model.dims + model.inputDims[j]] = 1;
  return p;
}

/** Builds the ModelProto for a base model (exported for tests that edit it before encoding). */
export function baseModelProto(model: BaseModel): InstanceType<typeof onnx.ModelProto> {
  const D = model.dims;
  const k = model.inputDims.length;
  const nodes = [];
  const initializers: Tensor[] = [floatTensor('embed', [k, D], placementMatrix(model))];
  const inputs = [floatValue(inputName, [BATCH_DIM, k])];
  const outputs = [];
  nodes.push(node('MatMul', [inputName, 'embed'], 'resid_0'));
  let resid = 'resid_0';
  model.layers.forEach((layer, l) => {
    // A zero-width layer cannot be written as an ONNX tensor; it is a bug to export one.
    if (layer.hidden < 1) throw new Error(`layer ${l} has no neurons`);
    const H = layer.hidden;
    initializers.push(floatTensor(`w_in_${l}`, [D, H], layer.wIn));
    initializers.push(floatTensor(`b_in_${l}`, [H], layer.bIn));
    initializers.push(floatTensor(`w_out_${l}`, [H, D], layer.wOut));
    inputs.push(floatValue(maskName(l), [D]));
    nodes.push(node('Mul', [resid, maskName(l)], mlpInName(l)));
    nodes.push(node('MatMul', [mlpInName(l), `w_in_${l}`], `pre_${l}`));
    nodes.push(node('Add', [`pre_${l}`, `b_in_${l}`], `pre_bias_${l}`));
    nodes.push(node('Relu', [`pre_bias_${l}`], `hidden_${l}`));
    nodes.push(node('MatMul', [`hidden_${l}`, `w_out_${l}`], mlpOutName(l)));
    nodes.push(node('Add', [resid, mlpOutName(l)], `resid_${l + 1}`));
    outputs.push(floatValue(mlpInName(l), [BATCH_DIM, D]), floatValue(mlpOutName(l), [BATCH_DIM, D]));
    resid = `resid_${l + 1}`;
  });
  nodes.push(node('Identity', [resid], RESID_FINAL));
  outputs.push(floatValue(RESID_FINAL, [BATCH_DIM, D]));

  for (const name of [...model.dimNames, ...model.layers.flatMap((layer) => layer.neuronNames)]) {
    // Metadata lists are comma-separated, so a comma inside a name would split it.
    if (name.includes(',')) throw new Error(`name "${name}" contains a comma`);
  }
  const metadataProps = [
    { key: META.name, value: model.name },
    { key: META.dimNames, value: model.dimNames.join(',') },
    { key: META.outputDim, value: String(model.outputDim) },
    { key: META.inputDims, value: model.inputDims.join(',') },
    ...model.layers.map((layer, l) => ({ key: META.neuronNames(l), value: layer.neuronNames.join(',') })),
  ];
  return onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    docString: 'MLP-only residual base model; inputs and outputs follow models/README.md.',
    graph: { name: 'base_model', node: nodes, initializer: initializers, input: inputs, output: outputs },
    metadataProps,
  });
}

/** Encodes any ModelProto as a fresh Uint8Array (not a pooled Node Buffer). */
export function encodeModel(proto: InstanceType<typeof onnx.ModelProto>): Uint8Array {
  return new Uint8Array(onnx.ModelProto.encode(proto).finish());
}

/** The ONNX bytes of a base model; the same model always gives the same bytes. */
export function exportBaseModel(model: BaseModel): Uint8Array {
  return encodeModel(baseModelProto(model));
}
