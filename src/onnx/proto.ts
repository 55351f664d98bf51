/** Small helpers over onnx-proto's decoded messages, shared by validation and model reading. */
import type { onnx } from 'onnx-proto';

export type ModelProto = onnx.ModelProto;
export type ValueInfo = onnx.IValueInfoProto;
export type NodeInfo = onnx.INodeProto;
export type TensorInfo = onnx.ITensorProto;
export type GraphInfo = onnx.IGraphProto;

/** A protobuf int64 as a number: protobufjs gives a Long where the `long` package loads, else a number. */
export function int(v: number | { toNumber(): number } | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : v.toNumber();
}

/** a, b, …, z, aa, ab, …: default residual dim names when the file gives none. */
export function defaultDimNames(dims: number): string[] {
  const names: string[] = [];
  for (let d = 0; d < dims; d++) {
    let s = '';
    for (let k = d + 1; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
    names.push(s);
  }
  return names;
}

/** Parses "0,3,5" into indices below `limit`, or null if any entry is not one. */
export function parseIndexList(s: string, limit: number): number[] | null {
  const out: number[] = [];
  for (const part of s.split(',')) {
    const t = part.trim();
    if (!/^\d+$/.test(t) || Number(t) >= limit) return null;
    out.push(Number(t));
  }
  return out;
}

