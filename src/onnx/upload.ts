/**
 * Turns an uploaded ONNX file and the user's choices (how inputs are enumerated, which residual
 * dim is the answer) into the BaseModel the page trains on. Pure, so the main thread can refuse
 * a bad file at once and the worker can check the same file again before running it.
 */
import { enumerateSigns, type BaseModel } from '../core/model/baseModel.ts';
import { DEFAULT_LIMITS, MAX_ROWS, type OnnxLimits } from './limits.ts';
import { baseModelFromOnnx } from './reconstruct.ts';
import { validateOnnx } from './validate.ts';
import type { ModelInfo } from '../core/model/modelInfo.ts';
import type { Result } from '../core/result.ts';

/** How the page builds the model's data set: every ±1 combination, or the user's own rows. */
export type InputEnumeration = { kind: 'signs' } | { kind: 'csv'; rows: number[][] };

/** What the user chose next to the file. */
export interface UploadChoices {
  enumeration: InputEnumeration;
  /** Residual dim read as the answer. */
  outputDim: number;
}

/** A validated upload, ready to train on. */
export interface PreparedUpload {
  info: ModelInfo;
  model: BaseModel;
}

/**
 * Parses CSV text into rows of `nInputs` finite numbers. Blank lines and lines starting with #
 * are skipped; a first line that is not numbers is taken as a header.
 */
export function parseInputRows(text: string, nInputs: number, maxRows = MAX_ROWS): Result<number[][]> {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  let seenData = false;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\t ]+/).filter((c) => c !== '');
    const values = cells.map((c) => (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(c) ? Number(c) : NaN));
    if (values.some((v) => !Number.isFinite(v))) {
      if (!seenData && rows.length === 0) {
        seenData = true;
        continue;
      }
      return { ok: false, message: `CSV line ${k + 1} ('${line.slice(0, 40)}') is not ${nInputs} numbers; every row needs one number per model input.` };
    }
    seenData = true;
    if (values.length !== nInputs) {
      return { ok: false, message: `CSV line ${k + 1} has ${values.length} value${values.length === 1 ? '' : 's'}; the model has ${nInputs} inputs, so every row needs ${nInputs}.` };
    }
    rows.push(values);
    if (rows.length > maxRows) return { ok: false, message: `The CSV has more than ${maxRows} rows; every training step runs over all of them, so use at most ${maxRows}.` };
  }
  if (rows.length < 2) return { ok: false, message: `The CSV has ${rows.length} row${rows.length === 1 ? '' : 's'}; the transcoders need at least 2 input rows to learn from.` };
  return { ok: true, value: rows };
}

/** The N × n input rows an enumeration gives, row-major. */
export function enumerationInputs(e: InputEnumeration, nInputs: number): Result<{ inputs: Float64Array; n: number }> {
  if (e.kind === 'signs') return { ok: true, value: { inputs: enumerateSigns(nInputs), n: 1 << nInputs } };
  const rows = e.rows;
  if (rows.length < 2 || rows.length > MAX_ROWS) return { ok: false, message: `The input rows must number from 2 to ${MAX_ROWS}; there are ${rows.length}.` };
  const inputs = new Float64Array(rows.length * nInputs);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row) || row.length !== nInputs || row.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      return { ok: false, message: `Input row ${i + 1} is not ${nInputs} finite numbers.` };
    }
    inputs.set(row, i * nInputs);
  }
  return { ok: true, value: { inputs, n: rows.length } };
}

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
