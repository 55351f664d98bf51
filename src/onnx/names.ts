/** The tensor and metadata names of the ONNX base-model convention (CONTRACTS §4, models/README.md). */

/** The input rows, float32 [N, n_inputs]. */
export const inputName = 'x';
/** The symbolic batch dim written by our exporter. */
export const BATCH_DIM = 'N';
/** The residual stream after the last layer, float32 [N, D]. */
export const RESID_FINAL = 'resid_final';

/** Layer l's cut mask, float32 [D]: 1 keeps a residual dim in what MLP l reads, 0 cuts it. */
export const maskName = (l: number): string => `mask_in_${l}`;
/** What MLP l reads after its mask, float32 [N, D]. */
export const mlpInName = (l: number): string => `mlp_in_${l}`;
/** What MLP l writes, float32 [N, D]. */
export const mlpOutName = (l: number): string => `mlp_out_${l}`;

/** ONNX metadata_props keys the page reads names and roles from; all optional. */
export const META = {
  name: 'name',
  /** Comma-separated, one per residual dim. */
  dimNames: 'dim_names',
  /** Index of the residual dim read as the answer. */
  outputDim: 'output_dim',
  /** Comma-separated residual dim indices holding the inputs, in input order. */
  inputDims: 'input_dims',
  /** Comma-separated neuron names of layer l. */
  neuronNames: (l: number): string => `neuron_names_${l}`,
} as const;
