/**
 * What an intervention does to the real model and to each replacement, per input: the data
 * behind the interventions view (SPEC §4). Cuts and neuron ablations are applied to all three
 * models; feature ablations and decoder blocks off exist only in a replacement (its `extra`).
 */
import type { Cut } from '../config.ts';
import { forward, outputClasses, type Ablation, type BaseModel } from '../model/baseModel.ts';
import type { TrainedTranscoder } from '../transcoder/apply.ts';
import type { TrainingData } from '../transcoder/data.ts';
import { basePatch, effectOf, memberPatch, type BasePatch, type EffectRows, type HandOff, type MemberPatch } from './effects.ts';
import { replacementForward, type ReplacementInterventions, type Stats } from './replacement.ts';

/** Features zero on every input of the replacement's own clean chained run that fire under the intervention. */
export interface WokeFeature {
  layer: number;
  feature: number;
  /** Inputs it fires on under the intervention. */
  inputs: number;
}

export interface MemberReport {
  /** Output value i per input under the intervention. */
  output: number[];
  classes: boolean[];
  /** Per input: same class as the intervened real model. */
  agrees: boolean[];
  agreement: number;
  /** Changed set, followed, effect recall (SPEC §4). */
  effect: EffectRows;
  woke: WokeFeature[];
}

export interface InterventionReport {
  truth: boolean[];
  base: { output: number[]; classes: boolean[]; accuracy: number; changed: boolean[]; changedCount: number };
  members: MemberReport[];
}

/** The replacement-only interventions a member may carry. */
export type MemberExtra = Pick<ReplacementInterventions, 'features' | 'pairsOff'>;

/** Features that never fire in `clean` (per layer N × F) and fire in `acts`. */
export function wokeFeatures(clean: readonly Float64Array[], acts: readonly Float64Array[], features: number, n: number): WokeFeature[] {
  const woke: WokeFeature[] = [];
  acts.forEach((a, l) => {
    for (let f = 0; f < features; f++) {
      let cleanFires = false;
      let fires = 0;
      for (let i = 0; i < n; i++) {
        if (clean[l][i * features + f] > 0) cleanFires = true;
        if (a[i * features + f] > 0) fires++;
      }
      if (!cleanFires && fires > 0) woke.push({ layer: l, feature: f, inputs: fires });
    }
  });
  return woke;
}

/** `inputs`: the inputs to report on (flat, the model's input dims each); all of the model's by default. */
export function interventionReport(
  model: BaseModel,
  data: Stats,
  members: readonly { tc: TrainedTranscoder; extra?: MemberExtra }[],
  cuts: readonly Cut[],
  ablations: readonly Ablation[] = [],
  inputs: Float64Array = model.inputs,
): InterventionReport {
  const D = model.dims;
  const o = model.outputDim;
  const truth = outputClasses(model, forward(model, {}, inputs).resid);
  const ivBase = forward(model, { cuts, ablations }, inputs);
  const baseClasses = outputClasses(model, ivBase.resid);
  const baseOut = truth.map((_, n) => ivBase.resid[n * D + o]);
  const changed = baseClasses.map((c, n) => c !== truth[n]);
  return {
    truth,
    base: {
      output: baseOut,
      classes: baseClasses,
      accuracy: baseClasses.filter((c, n) => c === truth[n]).length / truth.length,
      changed,
      changedCount: changed.filter(Boolean).length,
    },
    members: members.map(({ tc, extra }) => {
      // The baseline is the replacement's own un-intervened chained run (SPEC §4).
      const clean = replacementForward(tc, data, model, {}, inputs);
      // With nothing applied the intervened run is the clean one: skip running it twice.
      const none = cuts.length === 0 && ablations.length === 0 && (extra?.features?.length ?? 0) === 0 && (extra?.pairsOff?.length ?? 0) === 0;
      const r = none ? clean : replacementForward(tc, data, model, { ...extra, cuts, ablations }, inputs);
      const classes = outputClasses(model, r.resid);
      const effect = effectOf(truth, baseClasses, outputClasses(model, clean.resid), classes);
      return {
        output: truth.map((_, n) => r.resid[n * D + o]),
        classes,
        agrees: effect.agreesRows,
        agreement: effect.agreement,
        effect,
        woke: wokeFeatures(clean.acts, r.acts, tc.layout.features, truth.length),
      };
    }),
  };
}

export interface PatchReport {
  handOff: HandOff;
  base: BasePatch & { changedCount: number };
  members: MemberPatch[];
}

/** The real model and each replacement under an interchange patch of `h`, all N × N pairs. */
export function patchReport(model: BaseModel, data: TrainingData, members: readonly TrainedTranscoder[], h: HandOff): PatchReport {
  const base = basePatch(model, h);
  let changedCount = 0;
  for (let p = 0; p < base.classes.length; p++) if (base.classes[p] !== base.clean[p]) changedCount++;
  return { handOff: h, base: { ...base, changedCount }, members: members.map((tc) => memberPatch(tc, data, model, h, base)) };
}
