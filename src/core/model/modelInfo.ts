/** The sizes and names of a user's base-model file, as validated (CONTRACTS §4). */
/** What the page needs to know about a valid base model. */
export interface ModelInfo {
  name: string;
  layers: number;
  /** Residual width D. */
  dims: number;
  nInputs: number;
  dimNames: string[];
  outputDim: number;
  inputDims: number[];
  /** Per layer; empty where the file does not name its neurons. */
  neuronNames: string[][];
  /** Which of name, dimNames, outputDim, inputDims were not in the metadata and took defaults. */
  defaulted: ('name' | 'dimNames' | 'outputDim' | 'inputDims')[];
}
