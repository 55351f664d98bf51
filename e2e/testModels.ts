/** Base models and files the upload journeys hand to the page. */
import { enumerateSigns, type BaseModel, type MlpLayer } from '../src/core/model/baseModel.ts';

/** 3 inputs, 2 layers, D = 6, with names no write-up dim has; weights on a 1/8 grid. */
export function sixDimModel(): BaseModel {
  const D = 6;
  let s = 1;
  const q = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.round(((s / 2147483648) * 2 - 1) * 16) / 8;
  };
  const layer = (H: number, l: number): MlpLayer => ({
    hidden: H,
    wIn: Float64Array.from({ length: D * H }, q),
    bIn: Float64Array.from({ length: H }, q),
    wOut: Float64Array.from({ length: H * D }, q),
    neuronNames: Array.from({ length: H }, (_, j) => `u${l}${j}`),
  });
  return {
    name: 'six-dim test model',
    dims: D,
    dimNames: ['in1', 'in2', 'in3', 'mid1', 'mid2', 'ans'],
    inputDims: [0, 1, 2],
    outputDim: 5,
    layers: [layer(4, 0), layer(3, 1)],
    inputs: enumerateSigns(3),
    n: 8,
  };
}

/** A file for `setInputFiles`. */
export function file(name: string, bytes: Uint8Array) {
  return { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) };
}
