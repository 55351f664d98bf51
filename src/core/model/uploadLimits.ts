/**
 * What an uploaded model may be. In core so that the upload panel can print the limits without
 * loading onnx-proto; onnx/validate.ts and onnx/upload.ts enforce them, in the training worker.
 */

export interface OnnxLimits {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Most inputs n whose 2^n sign combinations the page will enumerate. */
  maxInputs: number;
  /** Widest residual stream D: every view draws a row or column per dim. */
  maxDims: number;
  /** Most MLP layers; a CLT has a decoder for every pair of them. */
  maxLayers: number;
  /** Most hidden neurons in one MLP layer. */
  maxHidden: number;
}

/** The limits every upload is held to, in the page and again in the worker. */
export const DEFAULT_LIMITS: OnnxLimits = { maxBytes: 5 * 1024 * 1024, maxInputs: 12, maxDims: 256, maxLayers: 16, maxHidden: 1024 };

/** Most CSV rows a data set may have; every training step runs over all of them. */
export const MAX_ROWS = 4096;
