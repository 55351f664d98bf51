/**
 * Training data collected by running an ONNX base model through onnxruntime-web: the MLP
 * inputs and outputs the transcoders learn from. The float32 activations are widened to
 * float64 before standardization; the TypeScript forward pass of the same weights must agree
 * with them, or the views (which run that forward pass) would describe another model.
 */
import { cutMasks, forward, type BaseModel, type ForwardResult } from '../core/model/baseModel.ts';
import { trainingData, type TrainingData } from '../core/transcoder/data.ts';
import { openOnnxModel, type OrtOptions } from '../onnx/session.ts';
import type { Result } from '../core/result.ts';

/** Largest |ONNX − TypeScript| accepted per activation, relative to the activation scale. */
export const PARITY_TOLERANCE = 1e-4;

/** Where ONNX files and the runtime come from: the worker's own origin in the app, node_modules in tests. */
export interface ActivationSource {
  /** The bytes of models/xor-and.onnx, the write-up's model. */
  defaultModelBytes(): Promise<Uint8Array>;
  /** How to load onnxruntime-web. */
  ort: OrtOptions;
}

/** Runs the model's ONNX file on every input row, uncut. */
export async function collectActivations(source: ActivationSource, bytes: Uint8Array, model: BaseModel): Promise<Result<ForwardResult>> {
  let opened;
  try {
    opened = await openOnnxModel(bytes, source.ort);
  } catch (e) {
    return { ok: false, message: `onnxruntime-web could not start (${e instanceof Error ? e.message : String(e)}).` };
  }
  if (!opened.ok) return opened;
  try {
    const masks = cutMasks(model.layers.length, model.dims);
    return { ok: true, value: await opened.value.run(model.inputs, masks) };
  } catch (e) {
    return { ok: false, message: `onnxruntime-web could not run the model (${e instanceof Error ? e.message : String(e)}).` };
  } finally {
    await opened.value.release();
  }
}

/** The largest gap between the ONNX activations and the TypeScript forward pass, scaled by the largest activation. */
export function parityGap(onnx: ForwardResult, model: BaseModel): { gap: number; where: string } {
  const ts = forward(model);
  let gap = 0;
  let where = '';
  const compare = (a: Float64Array, b: Float64Array, name: string): void => {
    if (a.length !== b.length) {
      gap = Infinity;
      where = `${name} has ${a.length} values, not ${b.length}`;
      return;
    }
    let scale = 1;
    for (let k = 0; k < b.length; k++) scale = Math.max(scale, Math.abs(b[k]));
    for (let k = 0; k < a.length; k++) {
      const g = Math.abs(a[k] - b[k]) / scale;
      if (!(g <= gap)) {
        gap = Number.isNaN(g) ? Infinity : g;
        where = name;
      }
    }
  };
  for (let l = 0; l < model.layers.length; l++) {
    compare(onnx.mlpIn[l], ts.mlpIn[l], `mlp_in_${l}`);
    compare(onnx.mlpOut[l], ts.mlpOut[l], `mlp_out_${l}`);
  }
  compare(onnx.resid, ts.resid, 'resid_final');
  return { gap, where };
}

/**
 * The transcoders' training set from onnxruntime-web's activations of `bytes`, after checking
 * them against the TypeScript forward pass of `model` (the weights read back from the file).
 */
export async function onnxTrainingData(source: ActivationSource, bytes: Uint8Array, model: BaseModel): Promise<Result<TrainingData>> {
  const fwd = await collectActivations(source, bytes, model);
  if (!fwd.ok) return fwd;
  const { gap, where } = parityGap(fwd.value, model);
  if (!(gap <= PARITY_TOLERANCE)) {
    return { ok: false, message: `onnxruntime-web's ${where} differs from the weights read back from the file (relative gap ${gap.toPrecision(2)}); the graph computes something other than the residual MLP its weights describe.` };
  }
  return { ok: true, value: trainingData(fwd.value, model.dims) };
}
