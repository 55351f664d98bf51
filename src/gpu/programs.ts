/**
 * One typed descriptor per WGSL kernel of the WebGPU engine, and the one place where the
 * padded population layout (buffer sizes, parameter offsets) is computed.
 *
 * Layout choice: every member is stored in the FULL layout — the CLT layout of all L(L+1)/2
 * (source → target) pairs — and carries a pair mask. A PLT or windowed CLT keeps its
 * disallowed decoders at exactly 0 with exactly 0 gradient (Adam then moves them by 0), so
 * one set of dispatches serves every kind; readParams maps back to the member's own layout.
 */
import { ADAM } from '../core/transcoder/training.ts';
import { allowedPairs, makeLayout, type Layout } from '../core/transcoder/layout.ts';

/** The kernels, in the order one training step runs them (`loss` only on a read-back step). */
export const KERNELS = ['encode', 'decode', 'features', 'update', 'loss'] as const;
export type KernelName = (typeof KERNELS)[number];

/** WGSL source per kernel (the file `kernels/<name>.wgsl`). */
/** Every kernel's WGSL, plus `common`: the structs the host prepends to each kernel. */
export type ShaderSources = Record<KernelName | 'common', string>;

/** Storage buffers the engine owns; every kernel binds a subset of them in group 0. */
export type BufferName =
  | 'params'
  | 'moments'
  | 'x'
  | 'y'
  | 'h'
  | 'act'
  | 'gh'
  | 'gy'
  | 'rsq'
  | 'fstate'
  | 'members'
  | 'loss';

/** Sizes and offsets (in f32 elements) of one population on the GPU. */
export interface GpuLayout {
  /** Members. */
  P: number;
  layers: number;
  /** Samples (inputs) in the full batch. */
  N: number;
  dims: number;
  features: number;
  /** Pairs of the full layout, L(L+1)/2. */
  pairs: number;
  /** The full layout every member is padded to. */
  full: Layout;
  /** f32 elements per member in params (and in each half of moments: Adam's m, then v). */
  stride: number;
  /** f32 words per (member, layer, feature) in fstate: ∂L/∂logθ, S term, pre-activation term, L norm coefficients. */
  fstateWords: number;
  /** Distance between two layers' encoder blocks (W_enc, b_enc, logθ). */
  encStride: number;
  /** Offset of b_enc and of logθ inside an encoder block. */
  bEnc: number;
  logTheta: number;
  /** Offset of the first decoder, size of one decoder (F × D), offset of b_dec[0]. */
  wDec0: number;
  decSize: number;
  bDec0: number;
  /** Element count of every buffer. */
  sizes: Record<BufferName, number>;
}

/** u32/f32 words per member in the `members` buffer (struct Member in the shaders). */
export const MEMBER_WORDS = 12;
/** Bytes between two per-step uniform slots (a dynamic offset must be 256-aligned). */
export const STEP_SLOT_BYTES = 256;
/** Bytes of the per-step uniform struct Step { step: u32, c1: f32, c2: f32, pad: u32 }. */
export const STEP_BYTES = 16;
/** Steps encoded into one queue submission at most. */
export const MAX_STEPS_PER_SUBMIT = 200;
/** Loss parts per member in the `loss` buffer: loss, recon, sparsity, preact. */
export const LOSS_WORDS = 4;

/** The padded layout of P members of a model with `layers` layers, `dims` dims, N samples. */
export function gpuLayout(P: number, layers: number, dims: number, features: number, N: number): GpuLayout {
  const full = makeLayout(layers, dims, features, allowedPairs('clt', layers, 0));
  const Q = full.pairs.length;
  const stride = full.size;
  const encStride = layers > 1 ? full.wEnc[1] - full.wEnc[0] : full.wDec[0];
  const F = features;
  const D = dims;
  const L = layers;
  return {
    P,
    layers,
    N,
    dims,
    features,
    pairs: Q,
    full,
    stride,
    fstateWords: 3 + L,
    encStride,
    bEnc: full.bEnc[0] - full.wEnc[0],
    logTheta: full.logTheta[0] - full.wEnc[0],
    wDec0: full.wDec[0],
    decSize: F * D,
    bDec0: full.bDec[0],
    sizes: {
      params: P * stride,
      moments: 2 * P * stride,
      x: L * N * D,
      y: L * N * D,
      h: P * L * N * F,
      act: P * L * N * F,
      gh: P * L * N * F,
      gy: P * L * N * D,
      rsq: P * L * N * D,
      fstate: P * L * F * (3 + L),
      members: P * MEMBER_WORDS,
      loss: P * LOSS_WORDS,
    },
  };
}

/** Override constants a kernel may declare; values come from `constantValues`. */
export type ConstName =
  | 'P'
  | 'L'
  | 'N'
  | 'D'
  | 'F'
  | 'STRIDE'
  | 'ENC_STRIDE'
  | 'B_ENC'
  | 'LOG_THETA'
  | 'W_DEC0'
  | 'B_DEC0'
  | 'FSTATE'
  | 'B1'
  | 'B1C'
  | 'B2'
  | 'B2C'
  | 'ADAM_EPS';

/** Every override value of a population, computed once from its layout. */
export function constantValues(g: GpuLayout): Record<ConstName, number> {
  return {
    P: g.P,
    L: g.layers,
    N: g.N,
    D: g.dims,
    F: g.features,
    STRIDE: g.stride,
    ENC_STRIDE: g.encStride,
    B_ENC: g.bEnc,
    LOG_THETA: g.logTheta,
    W_DEC0: g.wDec0,
    B_DEC0: g.bDec0,
    FSTATE: g.fstateWords,
    B1: ADAM.beta1,
    // 1 − β is rounded once from float64, as the CPU engine computes it.
    B1C: 1 - ADAM.beta1,
    B2: ADAM.beta2,
    B2C: 1 - ADAM.beta2,
    ADAM_EPS: ADAM.eps,
  };
}

/** How a kernel binds one storage buffer. */
export interface Binding {
  buffer: BufferName;
  /** Read-only bindings let the compiler skip hazards; `read_write` where the kernel writes. */
  access: 'read' | 'read_write';
}

/** Everything the engine needs to build, bind and dispatch one kernel. */
export interface KernelProgram {
  name: KernelName;
  /** Invocations per workgroup (the shader's `override WG`). */
  workgroupSize: number;
  /** Dispatch shape: one invocation per element of this count. */
  threads: (g: GpuLayout) => number;
  /** Group 0, binding i = bindings[i]; must match the shader's declarations in order. */
  bindings: readonly Binding[];
  /** Whether group 1 binds the per-step uniform (dynamic offset = slot × STEP_SLOT_BYTES). */
  usesStep: boolean;
  /** Override constants the shader declares (all must be set; no others may be). */
  constants: readonly ConstName[];
}

const r = (buffer: BufferName): Binding => ({ buffer, access: 'read' });
const w = (buffer: BufferName): Binding => ({ buffer, access: 'read_write' });
const SHAPE: readonly ConstName[] = ['P', 'L', 'N', 'D', 'F'];
const WG = 64;

/** The kernels, keyed by name. A step is encode → decode → features → update (4 dispatches). */
export const PROGRAMS: Record<KernelName, KernelProgram> = {
  // h = x̂ W_enc + b_enc and JumpReLU, per (member, layer, sample, feature).
  encode: {
    name: 'encode',
    workgroupSize: WG,
    threads: (g) => g.P * g.layers * g.N * g.features,
    bindings: [r('params'), r('x'), w('h'), w('act')],
    usesStep: false,
    constants: [...SHAPE, 'STRIDE', 'ENC_STRIDE', 'B_ENC', 'LOG_THETA'],
  },
  // ŷ_t, ∂L/∂ŷ_t and the squared residual / N, per (member, target, sample, dim).
  decode: {
    name: 'decode',
    workgroupSize: WG,
    threads: (g) => g.P * g.layers * g.N * g.dims,
    bindings: [r('params'), r('act'), r('y'), r('members'), w('gy'), w('rsq')],
    usesStep: false,
    constants: [...SHAPE, 'STRIDE', 'W_DEC0', 'B_DEC0'],
  },
  // Decoder norms, penalties, JumpReLU straight-through: ∂L/∂h, ∂L/∂logθ, norm coefficients, loss terms.
  features: {
    name: 'features',
    workgroupSize: WG,
    threads: (g) => g.P * g.layers * g.features,
    bindings: [r('params'), r('gy'), r('h'), r('members'), w('gh'), w('fstate')],
    usesStep: true,
    constants: [...SHAPE, 'STRIDE', 'ENC_STRIDE', 'LOG_THETA', 'W_DEC0', 'FSTATE'],
  },
  // Each parameter's gradient, then Adam, per (member, parameter).
  update: {
    name: 'update',
    workgroupSize: WG,
    threads: (g) => g.P * g.stride,
    bindings: [w('params'), w('moments'), r('x'), r('gh'), r('act'), r('gy'), r('members'), r('fstate')],
    usesStep: true,
    constants: [...SHAPE, 'STRIDE', 'ENC_STRIDE', 'B_ENC', 'LOG_THETA', 'W_DEC0', 'B_DEC0', 'FSTATE', 'B1', 'B1C', 'B2', 'B2C', 'ADAM_EPS'],
  },
  // Loss parts per member, from the residuals and loss terms the step left behind.
  loss: {
    name: 'loss',
    workgroupSize: WG,
    threads: (g) => g.P,
    bindings: [r('rsq'), r('fstate'), r('members'), w('loss')],
    usesStep: true,
    constants: [...SHAPE, 'FSTATE'],
  },
};

/** Pipeline cache key: the kernel and every value it was specialized with. */
export function cacheKey(program: KernelProgram, values: Record<ConstName, number>): string {
  return `${program.name}:${program.workgroupSize}:${program.constants.map((c) => `${c}=${values[c]}`).join(',')}`;
}

/** The `constants` record of a kernel's pipeline descriptor. */
export function pipelineConstants(program: KernelProgram, values: Record<ConstName, number>): Record<string, number> {
  const out: Record<string, number> = { WG: program.workgroupSize };
  for (const c of program.constants) out[c] = values[c];
  return out;
}

/** Workgroup counts (x, y) for one dispatch: y > 1 only past the 65,535 per-dimension limit. */
export function dispatchShape(program: KernelProgram, g: GpuLayout, maxPerDim = 65_535): [number, number] {
  const groups = Math.ceil(program.threads(g) / program.workgroupSize);
  if (groups <= maxPerDim) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}

/** Penalty and norm codes as the shaders read them. */
export const PENALTY_CODE = { l1: 0, tanh: 1, l0: 2 } as const;
export const NORM_CODE = { concat: 0, sum: 1 } as const;

/** Index of pair (s, t) in the full layout (all t ≥ s, ordered by s then t), as the shaders compute it. */
export function fullPairIndex(layers: number, source: number, target: number): number {
  return (source * (2 * layers - source + 1)) / 2 + (target - source);
}

/** Contiguous runs [own offset, full offset, length] that map a member's layout into the full one. */
export function memberSegments(own: Layout, full: Layout): number[][] {
  const L = own.layers;
  const block = full.wEnc.length > 1 ? full.wEnc[1] - full.wEnc[0] : full.wDec[0];
  const segs: number[][] = [];
  // Per layer W_enc, b_enc and logθ sit together and identically in every layout.
  for (let l = 0; l < L; l++) segs.push([own.wEnc[l], full.wEnc[l], block]);
  own.pairs.forEach((pair, q) => {
    segs.push([own.wDec[q], full.wDec[fullPairIndex(L, pair.source, pair.target)], own.features * own.dims]);
  });
  segs.push([own.bDec[0], full.bDec[0], L * own.dims]);
  return segs;
}

/** Writes a member's own-layout values into the full layout at `at` (disallowed decoders untouched). */
export function scatterToFull(segs: number[][], own: ArrayLike<number>, dst: Float32Array, at: number): void {
  for (const [o, f, len] of segs) for (let k = 0; k < len; k++) dst[at + f + k] = own[o + k];
}

/** Reads a member's own-layout values out of the full layout at `at`. */
export function gatherFromFull(segs: number[][], src: Float32Array, at: number, size: number): Float64Array {
  const out = new Float64Array(size);
  for (const [o, f, len] of segs) for (let k = 0; k < len; k++) out[o + k] = src[at + f + k];
  return out;
}

/** What one member trains under, in the order of struct Member in the shaders. */
export interface MemberWords {
  lambda: number;
  /** Steps over which λ ramps (warmup × steps). */
  ramp: number;
  c: number;
  lr: number;
  epsilon: number;
  lambdaP: number;
  penalty: number;
  norm: number;
  /** Bit q set where full-layout pair q is allowed. */
  pairMask: number;
}

/** The `members` buffer's bytes. */
export function packMembers(members: readonly MemberWords[]): ArrayBuffer {
  const buf = new ArrayBuffer(members.length * MEMBER_WORDS * 4);
  const f32 = new Float32Array(buf);
  const u32 = new Uint32Array(buf);
  members.forEach((m, p) => {
    const o = p * MEMBER_WORDS;
    f32[o] = m.lambda;
    f32[o + 1] = m.ramp;
    f32[o + 2] = m.c;
    f32[o + 3] = m.lr;
    f32[o + 4] = m.epsilon;
    f32[o + 5] = m.lambdaP;
    u32[o + 6] = m.penalty;
    u32[o + 7] = m.norm;
    u32[o + 8] = m.pairMask;
  });
  return buf;
}
