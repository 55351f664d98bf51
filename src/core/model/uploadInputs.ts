/**
 * The input rows an uploaded model is run on: every ±1 combination of its inputs, or the
 * user's own rows from a CSV. Pure text and numbers, so the page reads the CSV at once; the ONNX
 * file itself is checked in the training worker (onnx/upload.ts).
 */
import type { Result } from '../result.ts';
import { enumerateSigns, type BaseModel } from './baseModel.ts';
import type { ModelInfo } from './modelInfo.ts';
import { MAX_ROWS } from './uploadLimits.ts';

/** How the page builds the model's data set: every ±1 combination, or the user's own rows. */
export type InputEnumeration = { kind: 'signs' } | { kind: 'csv'; rows: number[][] };

/** What the user chose next to the file. */
export interface UploadChoices {
  enumeration: InputEnumeration;
  /** Residual dim read as the answer. */
  outputDim: number;
}

/** A validated upload, ready to train on: what the file says of itself, and the model with the choices applied. */
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
