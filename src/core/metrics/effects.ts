/**
 * What an intervention changes, and who follows (SPEC §4): the changed set of the real model,
 * effect recall, agreement; interchange patches over all N × N (target, source) pairs; the
 * standard hand-off set and the faithfulness score (mean effect IIA over it).
 */
import { embed, forward, outputClasses, type BaseModel } from '../model/baseModel.ts';
import { decodeTarget, encodeLayer, type TrainedTranscoder } from '../transcoder/apply.ts';
import { fires, thresholdOf } from '../transcoder/layout.ts';
import { replacementForward, type ReplacementResult, type Stats } from './replacement.ts';

/** How a replacement's answers under an intervention compare with the real model's. */
export interface Effect {
  /** Rows measured: N inputs, or N × N (target, source) pairs for a patch. */
  rows: number;
  /** Rows where the intervened real model and the intervened replacement give the same class. */
  agreed: number;
  /** agreed / rows. */
  agreement: number;
  /** Rows where the intervention changes the real model's class (the changed set). */
  changed: number;
  /** Rows of the changed set where the replacement's class changes to the real model's new class. */
  followed: number;
  /** followed / changed: effect recall; null when the changed set is empty (shown "—", never 1). */
  recall: number | null;
}

export interface EffectRows extends Effect {
  /** Per row: in the changed set. */
  changedRows: boolean[];
  /** Per row: the replacement followed (changed, and changed to the real model's new class). */
  followedRows: boolean[];
  /** Per row: same class as the intervened real model. */
  agreesRows: boolean[];
}

/**
 * The effect of an intervention from four class vectors: the real model clean and intervened,
 * the replacement clean (its own un-intervened chained run) and intervened.
 */
export function effectOf(
  baseClean: readonly boolean[],
  baseIv: readonly boolean[],
  replClean: readonly boolean[],
  replIv: readonly boolean[],
): EffectRows {
  const rows = baseIv.length;
  const changedRows: boolean[] = [];
  const followedRows: boolean[] = [];
  const agreesRows: boolean[] = [];
  let agreed = 0;
  let changed = 0;
  let followed = 0;
  for (let r = 0; r < rows; r++) {
    const agrees = replIv[r] === baseIv[r];
    const ch = baseIv[r] !== baseClean[r];
    // "Follows": the replacement's own answer moves, and lands on the real model's new class.
    const fo = ch && agrees && replIv[r] !== replClean[r];
    agreesRows.push(agrees);
    changedRows.push(ch);
    followedRows.push(fo);
    if (agrees) agreed++;
    if (ch) changed++;
    if (fo) followed++;
  }
  return {
    rows,
    agreed,
    agreement: rows > 0 ? agreed / rows : 0,
    changed,
    followed,
    recall: changed > 0 ? followed / changed : null,
    changedRows,
    followedRows,
    agreesRows,
  };
}

/** A hand-off: residual dims an earlier MLP writes, into a later layer that reads them. */
export interface HandOff {
  /** As the URL writes a cut: `e>1`, `efgh>1` (dims joined by `+` when a name is longer than one character). */
  name: string;
  dims: number[];
  layer: number;
}

/** A hand-off's name, as a cut is written in the URL (CONTRACTS §2). */
export function handOffName(model: BaseModel, dims: readonly number[], layer: number): string {
  const names = dims.map((d) => model.dimNames[d] ?? `[${d}]`);
  const single = model.dimNames.every((n) => n.length === 1);
  return `${names.join(single ? '' : '+')}>${layer}`;
}

/**
 * The standard hand-off set (SPEC §4): for each layer l ≥ 1, each dim an earlier MLP writes
 * and MLP l reads, alone, and all of them together. XOR-AND: e, f, g, h and efgh into layer 1.
 */
export function standardHandOffs(model: BaseModel): HandOff[] {
  const D = model.dims;
  const out: HandOff[] = [];
  for (let l = 1; l < model.layers.length; l++) {
    const reader = model.layers[l];
    const dims: number[] = [];
    for (let d = 0; d < D; d++) {
      let reads = false;
      for (let j = 0; j < reader.hidden && !reads; j++) reads = reader.wIn[d * reader.hidden + j] !== 0;
      if (!reads) continue;
      const written = model.layers.slice(0, l).some((layer) => {
        for (let j = 0; j < layer.hidden; j++) if (layer.wOut[j * D + d] !== 0) return true;
        return false;
      });
      if (written) dims.push(d);
    }
    for (const d of dims) out.push({ name: handOffName(model, [d], l), dims: [d], layer: l });
    if (dims.length > 1) out.push({ name: handOffName(model, dims, l), dims, layer: l });
  }
  return out;
}

/** The N × N pair inputs: row n·N + m is target input n (its inputs a..d). */
export function pairInputs(model: BaseModel): Float64Array {
  const k = model.inputDims.length;
  const N = model.n;
  const out = new Float64Array(N * N * k);
  for (let n = 0; n < N; n++) for (let m = 0; m < N; m++) out.set(model.inputs.subarray(n * k, (n + 1) * k), (n * N + m) * k);
  return out;
}

/** Row n·N + m gets what layer read on source input m (N × D in, N² × D out). */
export function sourceValues(read: Float64Array, N: number, D: number): Float64Array {
  const out = new Float64Array(N * N * D);
  for (let n = 0; n < N; n++) out.set(read, n * N * D);
  return out;
}

/** Per pair, the class of target n (a clean class vector repeated over sources). */
function perPair(classes: readonly boolean[]): boolean[] {
  const N = classes.length;
  const out: boolean[] = [];
  for (let n = 0; n < N; n++) for (let m = 0; m < N; m++) out.push(classes[n]);
  return out;
}

export interface BasePatch {
  /** Per pair (n·N + m): the clean class of target n. */
  clean: boolean[];
  /** Per pair: the real model's class with the hand-off's dims taken from source m. */
  classes: boolean[];
  /** Per pair: the real model's output value under the patch. */
  output: Float64Array;
}

const basePatchCache = new WeakMap<BaseModel, Map<string, BasePatch>>();
/** The real model under a patch of `h` over all pairs, patched from its own clean run (cached per model). */
export function basePatch(model: BaseModel, h: HandOff): BasePatch {
  let perModel = basePatchCache.get(model);
  if (!perModel) basePatchCache.set(model, (perModel = new Map()));
  const key = `${h.dims.join(',')}>${h.layer}`;
  let r = perModel.get(key);
  if (!r) {
    const D = model.dims;
    const clean = forward(model);
    const values = sourceValues(clean.mlpIn[h.layer], model.n, D);
    const resid = forward(model, { patch: { layer: h.layer, dims: h.dims, values } }, pairInputs(model)).resid;
    const output = new Float64Array(model.n * model.n);
    for (let p = 0; p < output.length; p++) output[p] = resid[p * D + model.outputDim];
    r = { clean: perPair(outputClasses(model, clean.resid)), classes: outputClasses(model, resid), output };
    perModel.set(key, r);
  }
  return r;
}

export interface MemberPatch extends EffectRows {
  /** Per pair: the replacement's class under the patch. */
  classes: boolean[];
  output: Float64Array;
}

/**
 * The chained replacement under a patch of `h` over all N × N pairs, from its clean run `clean`.
 * Layers before h.layer are the target's clean run. At h.layer a pre-activation splits into a
 * target part (dims outside S, N rows) plus a source part (dims in S, N rows), and the decoders
 * from earlier sources give a per-target constant, so only the sum and the layer's own decoder
 * run on N² rows; later layers, if any, run in full. Agrees with
 * `replacementForward(…, { patch }, pairInputs(model))` to rounding (tested).
 */
export function patchedResid(tc: TrainedTranscoder, stats: Stats, model: BaseModel, clean: ReplacementResult, h: HandOff): Float64Array {
  const { layout, params: p } = tc;
  const L = layout.layers;
  const D = model.dims;
  const F = layout.features;
  const N = model.n;
  const P = N * N;
  const l0 = h.layer;
  const read = clean.read[l0];
  const { mean, std } = stats.inStats[l0];
  const inS = new Uint8Array(D);
  for (const d of h.dims) inS[d] = 1;
  // Target part A (bias + dims outside S) and source part B (dims in S) of each pre-activation.
  const A = new Float64Array(N * F);
  const B = new Float64Array(N * F);
  const oE = layout.wEnc[l0];
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      let a = p[layout.bEnc[l0] + f];
      let b = 0;
      for (let d = 0; d < D; d++) {
        const v = ((read[n * D + d] - mean[d]) / std[d]) * p[oE + d * F + f];
        if (inS[d]) b += v;
        else a += v;
      }
      A[n * F + f] = a;
      B[n * F + f] = b;
    }
  }
  const theta = new Float64Array(F);
  for (let f = 0; f < F; f++) theta[f] = thresholdOf(layout, p[layout.logTheta[l0] + f]);
  const act = new Float64Array(P * F);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < N; m++) {
      for (let f = 0; f < F; f++) {
        const z = A[n * F + f] + B[m * F + f];
        act[(n * N + m) * F + f] = fires(z, theta[f]) ? z : 0;
      }
    }
  }
  // Decoders into layer l0 from earlier sources: a constant per target input (standardized).
  const earlier = decodeTarget(tc, l0, clean.acts.slice(0, l0));
  const own = layout.pairs.findIndex((pr) => pr.source === l0 && pr.target === l0);
  const o = stats.outStats[l0];
  // As trained, layer l0 > 0 read the stream less r0 (replacement.ts): the stream itself is read + r0.
  const r0 = stats.layout === 'as-trained' && l0 > 0 ? embed(model) : new Float64Array(N * D);
  const resid = new Float64Array(P * D);
  const y = new Float64Array(D);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < N; m++) {
      const row = n * N + m;
      for (let d = 0; d < D; d++) y[d] = earlier[n * D + d];
      if (own >= 0) {
        for (let f = 0; f < F; f++) {
          const av = act[row * F + f];
          if (av === 0) continue;
          for (let d = 0; d < D; d++) y[d] += av * p[layout.wDec[own] + f * D + d];
        }
      }
      for (let d = 0; d < D; d++) resid[row * D + d] = read[n * D + d] + r0[n * D + d] + y[d] * o.std[d] + o.mean[d];
    }
  }
  if (l0 === L - 1) return resid;
  // Later layers read the patched stream in full.
  const acts: Float64Array[] = [];
  for (let l = 0; l < l0; l++) {
    const a = new Float64Array(P * F);
    for (let n = 0; n < N; n++) for (let m = 0; m < N; m++) a.set(clean.acts[l].subarray(n * F, (n + 1) * F), (n * N + m) * F);
    acts.push(a);
  }
  acts.push(act);
  const xHat = new Float64Array(P * D);
  for (let l = l0 + 1; l < L; l++) {
    const st = stats.inStats[l];
    for (let k = 0; k < P * D; k++) xHat[k] = (resid[k] - st.mean[k % D]) / st.std[k % D];
    acts.push(encodeLayer(tc, l, xHat).a);
    const yHat = decodeTarget(tc, l, acts);
    const ol = stats.outStats[l];
    for (let k = 0; k < P * D; k++) resid[k] += yHat[k] * ol.std[k % D] + ol.mean[k % D];
  }
  return resid;
}

/** A replacement under a patch of `h` over all pairs, patched from its own clean chained run. */
export function memberPatch(
  tc: TrainedTranscoder,
  stats: Stats,
  model: BaseModel,
  h: HandOff,
  base = basePatch(model, h),
  clean: ReplacementResult = replacementForward(tc, stats, model),
): MemberPatch {
  const D = model.dims;
  const resid = patchedResid(tc, stats, model, clean, h);
  const classes = outputClasses(model, resid);
  const output = new Float64Array(model.n * model.n);
  for (let p = 0; p < output.length; p++) output[p] = resid[p * D + model.outputDim];
  return { ...effectOf(base.clean, base.classes, perPair(outputClasses(model, clean.resid)), classes), classes, output };
}

/** One entry of the standard set as the CLI reports it (CONTRACTS §1). */
export interface StandardEffect {
  name: string;
  kind: 'cut' | 'patch';
  agreement: number;
  changed: number;
  followed: number;
}

const baseCutCache = new WeakMap<BaseModel, Map<string, boolean[]>>();
function baseCutClasses(model: BaseModel, h: HandOff): boolean[] {
  let perModel = baseCutCache.get(model);
  if (!perModel) baseCutCache.set(model, (perModel = new Map()));
  const key = `${h.dims.join(',')}>${h.layer}`;
  let c = perModel.get(key);
  if (!c) perModel.set(key, (c = outputClasses(model, forward(model, { cuts: [{ dims: [...h.dims], layer: h.layer }] }).resid)));
  return c;
}

/** Every hand-off of the standard set, cut (N inputs) and patched (N × N pairs), for one replacement. */
export function standardEffects(tc: TrainedTranscoder, stats: Stats, model: BaseModel): StandardEffect[] {
  const set = standardHandOffs(model);
  const baseClean = outputClasses(model, forward(model).resid);
  const clean = replacementForward(tc, stats, model);
  const replClean = outputClasses(model, clean.resid);
  const out: StandardEffect[] = [];
  for (const h of set) {
    const replCut = outputClasses(model, replacementForward(tc, stats, model, { cuts: [{ dims: [...h.dims], layer: h.layer }] }).resid);
    const e = effectOf(baseClean, baseCutClasses(model, h), replClean, replCut);
    out.push({ name: h.name, kind: 'cut', agreement: e.agreement, changed: e.changed, followed: e.followed });
  }
  for (const h of set) {
    const e = memberPatch(tc, stats, model, h, basePatch(model, h), clean);
    out.push({ name: h.name, kind: 'patch', agreement: e.agreement, changed: e.changed, followed: e.followed });
  }
  return out;
}

/**
 * The faithfulness score (SPEC §4): mean effect IIA (followed / changed over the N × N pairs)
 * over the standard hand-offs' patches whose changed set is not empty; NaN when none is.
 */
export function faithfulnessOf(effects: readonly StandardEffect[]): number {
  const recalls = effects.filter((e) => e.kind === 'patch' && e.changed > 0).map((e) => e.followed / e.changed);
  return recalls.length > 0 ? recalls.reduce((s, r) => s + r, 0) / recalls.length : NaN;
}

/** Effect recall pooled over the standard set's cuts: Σ followed / Σ changed; NaN when no cut changes the real model. */
export function cutEffectRecall(effects: readonly StandardEffect[]): number {
  let changed = 0;
  let followed = 0;
  for (const e of effects) {
    if (e.kind !== 'cut') continue;
    changed += e.changed;
    followed += e.followed;
  }
  return changed > 0 ? followed / changed : NaN;
}
