/**
 * The cross-layer superposition control: a model no formula compiles to. Layers 0 and 1 both
 * read only the inputs and each add half of (a XOR b) AND (c XOR d) into the same output dim,
 * so there is no hand-off between them: cutting what layer 0 wrote out of layer 1's input
 * changes nothing, and one cross-layer feature (decoding half to each layer) is the faithful
 * description of it.
 */
import { enumerateSigns, type BaseModel, type MlpLayer } from './baseModel.ts';

/** The reserved `circuit` value that names this control instead of a formula. */
export const SUPERPOSITION_ID = 'preset:superposition';

/** The input sign patterns (a, b, c, d) on which (a XOR b) AND (c XOR d) is TRUE. */
const TRUE_PATTERNS: readonly (readonly number[])[] = [
  [1, -1, 1, -1],
  [1, -1, -1, 1],
  [-1, 1, 1, -1],
  [-1, 1, -1, 1],
];

/** One layer of four pattern detectors, each writing half of the answer into dim `out`. */
function halfLayer(D: number, out: number, layer: number): MlpLayer {
  const H = TRUE_PATTERNS.length;
  const wIn = new Float64Array(D * H);
  const bIn = new Float64Array(H);
  const wOut = new Float64Array(H * D);
  TRUE_PATTERNS.forEach((pattern, j) => {
    // ReLU(±a ±b ±c ±d − 3) is 1 on its own pattern and ≤ −1 on every other one.
    pattern.forEach((s, d) => (wIn[d * H + j] = s));
    bIn[j] = -(pattern.length - 1);
    wOut[j * D + out] = 0.5;
  });
  // Both layers detect the same patterns: the layer in the name keeps buttons and test ids apart.
  const neuronNames = TRUE_PATTERNS.map((p) => `L${layer}:${p.map((s) => (s > 0 ? '+' : '−')).join('')}`);
  return { hidden: H, wIn, bIn, wOut, neuronNames };
}

/** Builds the superposition control: dims a b c d e, output e = 0.5·(layer 0) + 0.5·(layer 1). */
export function superpositionControl(): BaseModel {
  const D = 5;
  const out = 4;
  return {
    name: '(a XOR b) AND (c XOR d), half in layer 0 and half in layer 1',
    dims: D,
    dimNames: ['a', 'b', 'c', 'd', 'e'],
    inputDims: [0, 1, 2, 3],
    outputDim: out,
    layers: [halfLayer(D, out, 0), halfLayer(D, out, 1)],
    inputs: enumerateSigns(4),
    n: 16,
  };
}
