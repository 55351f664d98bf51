/**
 * The training worker's answer to a file check (CheckModelRequest): the ONNX file is parsed and
 * validated here, in the worker, never on the page (onnx/upload.ts does the checking).
 */
import { prepareUpload, validateModelFile } from '../onnx/upload.ts';
import type { CheckedMessage, CheckModelRequest } from './protocol.ts';

/** Checks the request's file (and, with choices, prepares its model); never throws. */
export function checkUpload(req: CheckModelRequest): CheckedMessage {
  const { id } = req;
  try {
    const bytes = new Uint8Array(req.bytes);
    if (!req.choices) {
      const checked = validateModelFile(bytes);
      return { type: 'checked', id, result: checked.ok ? { ok: true, value: { info: checked.value, model: null } } : checked };
    }
    const prepared = prepareUpload(bytes, req.choices);
    return { type: 'checked', id, result: prepared.ok ? { ok: true, value: { info: prepared.value.info, model: prepared.value.model } } : prepared };
  } catch (e) {
    return { type: 'checked', id, result: { ok: false, message: `The file could not be checked (${e instanceof Error ? e.message : String(e)}).` } };
  }
}
