/**
 * Turns an uploaded ONNX file and the user's choices (how inputs are enumerated, which residual
 * dim is the answer) into the BaseModel the page trains on. Pure; the training worker runs it,
 * to answer the page's first check of a file and again before running it. The CSV of input rows
 * is core/model/uploadInputs.ts.
 */
import type { BaseModel } from '../core/model/baseModel.ts';
import { enumerationInputs, type PreparedUpload, type UploadChoices } from '../core/model/uploadInputs.ts';
import { DEFAULT_LIMITS, type OnnxLimits } from '../core/model/uploadLimits.ts';
import { baseModelFromOnnx } from './reconstruct.ts';
import { validateOnnx } from './validate.ts';
import type { ModelInfo } from '../core/model/modelInfo.ts';
import type { Result } from '../core/result.ts';

/** A validated file's BaseModel, or why the page cannot read its weights back or train on them. */
function readBack(bytes: Uint8Array, info: ModelInfo, limits: OnnxLimits): Result<BaseModel> {
  const built = baseModelFromOnnx(bytes, info);
  if (!built.ok) {
    const why = built.message.replace(/; it has no TypeScript reference\.$/, '');
    return { ok: false, message: `${why}. The page needs Linear → ReLU → Linear (no bias) layers it can read back; export them as models/README.md shows.` };
  }
  for (let l = 0; l < built.value.layers.length; l++) {
    const { hidden, wIn, bIn, wOut } = built.value.layers[l];
    if (hidden > limits.maxHidden) return { ok: false, message: `Layer ${l} has ${hidden} hidden neurons; the limit is ${limits.maxHidden} a layer, so export a smaller model.` };
    if (![wIn, bIn, wOut].every((w) => w.every(Number.isFinite))) {
      return { ok: false, message: `Layer ${l}'s weights hold a NaN or an infinity; the page can only train on finite weights, so check the model before exporting it.` };
    }
  }
  return built;
}

/**
 * Everything the page can say about a file before the user chooses inputs and output: the
 * convention's checks, and whether its weights read back as a residual MLP.
 */
export function validateModelFile(bytes: Uint8Array, limits: OnnxLimits = DEFAULT_LIMITS): Result<ModelInfo> {
  const checked = validateOnnx(bytes, limits);
  if (!checked.ok) return checked;
  const built = readBack(bytes, checked.value, limits);
  return built.ok ? checked : built;
}

/**
 * Validates the file, reads its weights back and applies the user's choices. A graph whose
 * weights cannot be read back is refused: the page's views, cuts and graphs run the
 * TypeScript forward pass, which needs them.
 */
export function prepareUpload(bytes: Uint8Array, choices: UploadChoices, limits: OnnxLimits = DEFAULT_LIMITS): Result<PreparedUpload> {
  const checked = validateOnnx(bytes, limits);
  if (!checked.ok) return checked;
  const info = checked.value;
  const built = readBack(bytes, info, limits);
  if (!built.ok) return built;
  if (!Number.isInteger(choices.outputDim) || choices.outputDim < 0 || choices.outputDim >= info.dims) {
    return { ok: false, message: `The output dim must be a residual dim from 0 to ${info.dims - 1}; it is ${choices.outputDim}.` };
  }
  const rows = enumerationInputs(choices.enumeration, info.nInputs);
  if (!rows.ok) return rows;
  const model: BaseModel = { ...built.value, outputDim: choices.outputDim, inputs: rows.value.inputs, n: rows.value.n };
  return { ok: true, value: { info, model } };
}
