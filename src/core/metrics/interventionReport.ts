/**
 * What an intervention does to the real model and to each replacement, per input: the data
 * behind the interventions view (SPEC §4).
 */
import type { Cut } from '../config.ts';
import { forward, outputClasses, type Ablation, type BaseModel } from '../model/baseModel.ts';
import type { TrainedTranscoder } from '../transcoder/apply.ts';
import type { TrainingData } from '../transcoder/data.ts';
import { trainingOutputs } from './metrics.ts';
import { replacementForward, type ReplacementInterventions } from './replacement.ts';

export interface MemberReport {
  /** Output value i per input under the intervention. */
  output: number[];
  classes: boolean[];
  /** Per input: same class as the intervened real model. */
  agrees: boolean[];
  agreement: number;
  /** Features dead on the clean data that fire under the intervention ("woke up"). */
  woke: { layer: number; feature: number; inputs: number }[];
}

export interface InterventionReport {
  truth: boolean[];
  base: { output: number[]; classes: boolean[]; accuracy: number };
  members: MemberReport[];
}

export function interventionReport(
  model: BaseModel,
  data: TrainingData,
  members: readonly { tc: TrainedTranscoder; extra?: Omit<ReplacementInterventions, 'cuts'> }[],
  cuts: readonly Cut[],
  ablations: readonly Ablation[] = [],
): InterventionReport {
  const D = model.dims;
  const o = model.outputDim;
  const truth = outputClasses(model, forward(model).resid);
  const cutBase = forward(model, { cuts, ablations });
  const baseClasses = outputClasses(model, cutBase.resid);
  const baseOut = truth.map((_, n) => cutBase.resid[n * D + o]);
  return {
    truth,
    base: {
      output: baseOut,
      classes: baseClasses,
      accuracy: baseClasses.filter((c, n) => c === truth[n]).length / truth.length,
    },
    members: members.map(({ tc, extra }) => {
      const r = replacementForward(tc, data, model, { ...extra, cuts });
      const classes = outputClasses(model, r.resid);
      const agrees = classes.map((c, n) => c === baseClasses[n]);
      const clean = trainingOutputs(tc, data).acts;
      const F = tc.layout.features;
      const woke: MemberReport['woke'] = [];
      r.acts.forEach((a, l) => {
        for (let f = 0; f < F; f++) {
          let cleanFires = false;
          let cutFires = 0;
          for (let n = 0; n < data.n; n++) {
            if (clean[l][n * F + f] > 0) cleanFires = true;
            if (a[n * F + f] > 0) cutFires++;
          }
          if (!cleanFires && cutFires > 0) woke.push({ layer: l, feature: f, inputs: cutFires });
        }
      });
      return {
        output: truth.map((_, n) => r.resid[n * D + o]),
        classes,
        agrees,
        agreement: agrees.filter(Boolean).length / agrees.length,
        woke,
      };
    }),
  };
}
