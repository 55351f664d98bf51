/** The ONNX files committed in models/, each with the TypeScript model it is exported from. */
import type { BaseModel } from '../core/model/baseModel.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';

export interface ModelFile {
  /** File name inside models/. */
  file: string;
  build: () => BaseModel;
}

/** Every model `npm run export-models` writes; a test holds the committed bytes to these. */
export const MODEL_FILES: readonly ModelFile[] = [{ file: 'xor-and.onnx', build: xorAndModel }];
