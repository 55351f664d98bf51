/** The write-up's hand-built model: (a XOR b) AND (c XOR d) in a 9-dim residual stream (SPEC §1). */
import { enumerateSigns, type BaseModel, type MlpLayer } from './baseModel.ts';

export const XOR_AND_DIMS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] as const;

function layer(D: number, neurons: { name: string; reads: Record<number, number>; bias: number; writes: number }[]): MlpLayer {
  const H = neurons.length;
  const wIn = new Float64Array(D * H);
  const bIn = new Float64Array(H);
  const wOut = new Float64Array(H * D);
  neurons.forEach((nr, j) => {
    for (const [d, w] of Object.entries(nr.reads)) wIn[Number(d) * H + j] = w;
    bIn[j] = nr.bias;
    wOut[j * D + nr.writes] = 1;
  });
  return { hidden: H, wIn, bIn, wOut, neuronNames: neurons.map((nr) => nr.name) };
}

/** Builds the XOR-AND model with its 16 inputs in canonical order. */
export function xorAndModel(): BaseModel {
  const D = 9;
  const [a, b, c, d, e, f, g, h, i] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const mlp0 = layer(D, [
    { name: 'e', reads: { [a]: 1, [b]: -1 }, bias: -1, writes: e },
    { name: 'f', reads: { [a]: -1, [b]: 1 }, bias: -1, writes: f },
    { name: 'g', reads: { [c]: 1, [d]: -1 }, bias: -1, writes: g },
    { name: 'h', reads: { [c]: -1, [d]: 1 }, bias: -1, writes: h },
  ]);
  const mlp1 = layer(D, [{ name: 'i', reads: { [e]: 1, [f]: 1, [g]: 1, [h]: 1 }, bias: -1, writes: i }]);
  return {
    name: '(a XOR b) AND (c XOR d)',
    dims: D,
    dimNames: [...XOR_AND_DIMS],
    inputDims: [a, b, c, d],
    outputDim: i,
    layers: [mlp0, mlp1],
    inputs: enumerateSigns(4),
    n: 16,
  };
}
