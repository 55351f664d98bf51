/**
 * The chained replacement model (SPEC §3): every MLP replaced by its transcoder, layer l's
 * encoder reading r0 + Σ ŷ (un-standardized), not the true residual. Interventions (SPEC §4)
 * act on it as on the base model: cuts remove dims from what an encoder reads, a patch sets
 * them, and a neuron ablation zeroes the reconstruction in the dims that neuron writes,
 * whatever features wrote it, from any source layer.
 */
import type { Cut, DataLayout } from '../config.ts';
import { cutMasks, embed, outputMasks, type Ablation, type BaseModel, type PatchValues } from '../model/baseModel.ts';
import type { Standardizer } from '../transcoder/data.ts';
import { decodeTarget, encodeLayer, type TrainedTranscoder } from '../transcoder/apply.ts';

export interface ReplacementInterventions {
  cuts?: readonly Cut[];
  /** Features switched off, by layer. */
  features?: readonly { layer: number; feature: number }[];
  /** Decoder pairs (indices into layout.pairs) switched off. */
  pairsOff?: readonly number[];
  /** Neuron ablations of the base model: the reconstruction ŷ_l is 0 in the dims neuron j writes. */
  ablations?: readonly Ablation[];
  /** An interchange patch of what one encoder reads (SPEC §4). */
  patch?: PatchValues;
}

export interface ReplacementResult {
  /** Per layer N × F. */
  acts: Float64Array[];
  /** Per layer N × D, un-standardized reconstructed MLP outputs. */
  out: Float64Array[];
  /** Per layer N × D, what each encoder read (raw, after cuts). */
  read: Float64Array[];
  /** N × D residual after the last layer. */
  resid: Float64Array;
}

export interface Stats {
  inStats: Standardizer[];
  outStats: Standardizer[];
  /** `as-trained` (two layers): layer 0 predicts r1 itself and layer 1 reads r1 − r0, MLP0's output. */
  layout?: DataLayout;
}

export function replacementForward(
  tc: TrainedTranscoder,
  stats: Stats,
  model: BaseModel,
  iv: ReplacementInterventions = {},
  inputs: Float64Array = model.inputs,
): ReplacementResult {
  const L = tc.layout.layers;
  const D = model.dims;
  const resid = embed(model, inputs);
  const r0 = stats.layout === 'as-trained' ? Float64Array.from(resid) : null;
  const N = resid.length / D;
  const masks = cutMasks(L, D, iv.cuts);
  const pairsOff = new Set(iv.pairsOff ?? []);
  const outMasks = outputMasks(model, iv.ablations);
  const patch = iv.patch;
  const acts: Float64Array[] = [];
  const out: Float64Array[] = [];
  const read: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const { mean, std } = stats.inStats[l];
    const raw = new Float64Array(N * D);
    const xHat = new Float64Array(N * D);
    for (let k = 0; k < N * D; k++) {
      const d = k % D;
      raw[k] = (r0 && l > 0 ? resid[k] - r0[k] : resid[k]) * masks[l][d];
    }
    if (patch && patch.layer === l) for (let n = 0; n < N; n++) for (const d of patch.dims) raw[n * D + d] = patch.values[n * D + d];
    for (let k = 0; k < N * D; k++) {
      const d = k % D;
      xHat[k] = (raw[k] - mean[d]) / std[d];
    }
    const ablated = new Set((iv.features ?? []).filter((x) => x.layer === l).map((x) => x.feature));
    acts.push(encodeLayer(tc, l, xHat, ablated).a);
    const yHat = decodeTarget(tc, l, acts, pairsOff);
    const o = stats.outStats[l];
    const y = new Float64Array(N * D);
    for (let k = 0; k < N * D; k++) {
      const d = k % D;
      y[k] = (yHat[k] * o.std[d] + o.mean[d]) * outMasks[l][d];
      if (r0 && l === 0) resid[k] = y[k];
      else resid[k] += y[k];
    }
    read.push(raw);
    out.push(y);
  }
  return { acts, out, read, resid };
}
