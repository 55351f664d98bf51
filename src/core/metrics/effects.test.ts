/**
 * Interventions on the real model and on hand-built replacements whose answers are known
 * (SPEC §4): changed sets, effect recall, interchange patches, the faithfulness score.
 */
import { describe, expect, it } from 'vitest';
import { forward, outputClasses, type BaseModel } from '../model/baseModel.ts';
import { modelForCircuit } from '../model/presets.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { DEFAULT_TRAIN } from '../config.ts';
import { cpuTrainer, modelData } from '../run.ts';
import type { TrainedTranscoder } from '../transcoder/apply.ts';
import { allowedPairs, makeLayout, pairIndex } from '../transcoder/layout.ts';
import type { TrainingData } from '../transcoder/data.ts';
import {
  basePatch, effectOf, faithfulnessOf, pairInputs, patchedResid, sourceValues, standardEffects, standardHandOffs,
} from './effects.ts';
import { interventionReport, patchReport } from './interventionReport.ts';
import { replacementForward } from './replacement.ts';

const model = xorAndModel();
const data = modelData(model);
const [E, F_, G, H, I] = [4, 5, 6, 7, 8];
const FEATURES = 8;

/** Sets feature f of layer l to compute the raw pre-activation Σ w_d x_d + b on standardized input. */
function setEncoder(tc: TrainedTranscoder, data: TrainingData, l: number, f: number, w: Record<number, number>, b: number): void {
  const { layout, params } = tc;
  const { mean, std } = data.inStats[l];
  let bias = b;
  for (const [d, v] of Object.entries(w)) {
    params[layout.wEnc[l] + Number(d) * layout.features + f] = v * std[Number(d)];
    bias += v * mean[Number(d)];
  }
  params[layout.bEnc[l] + f] = bias;
}

/** Feature f of source s writes `w` (raw units) into target t's output. */
function setDecoder(tc: TrainedTranscoder, data: TrainingData, s: number, t: number, f: number, w: Record<number, number>): void {
  const q = pairIndex(tc.layout, s, t);
  for (const [d, v] of Object.entries(w)) tc.params[tc.layout.wDec[q] + f * tc.layout.dims + Number(d)] = v / data.outStats[t].std[Number(d)];
}

/** A transcoder of `kind` with every feature off (θ ≈ 0, bias −100) and decoder bias 0 in raw units. */
function blank(kind: 'clt' | 'plt', m: BaseModel, d: TrainingData): TrainedTranscoder {
  const layout = makeLayout(m.layers.length, m.dims, FEATURES, allowedPairs(kind, m.layers.length));
  const tc = { layout, params: new Float64Array(layout.size) };
  for (let l = 0; l < layout.layers; l++) {
    for (let f = 0; f < FEATURES; f++) {
      tc.params[layout.logTheta[l] + f] = -30;
      tc.params[layout.bEnc[l] + f] = -100;
    }
    for (let k = 0; k < m.dims; k++) tc.params[layout.bDec[l] + k] = -d.outStats[l].mean[k] / d.outStats[l].std[k];
  }
  return tc;
}

/** Layer-0 features that copy MLP0's four neurons exactly. */
function copyLayer0(tc: TrainedTranscoder): void {
  setEncoder(tc, data, 0, 0, { 0: 1, 1: -1 }, -1);
  setEncoder(tc, data, 0, 1, { 0: -1, 1: 1 }, -1);
  setEncoder(tc, data, 0, 2, { 2: 1, 3: -1 }, -1);
  setEncoder(tc, data, 0, 3, { 2: -1, 3: 1 }, -1);
  [E, F_, G, H].forEach((d, f) => setDecoder(tc, data, 0, 0, f, { [d]: 1 }));
}

/** A PLT that is the real model: each feature is one of its neurons. */
function exactPlt(): TrainedTranscoder {
  const tc = blank('plt', model, data);
  copyLayer0(tc);
  setEncoder(tc, data, 1, 0, { [E]: 1, [F_]: 1, [G]: 1, [H]: 1 }, -1);
  setDecoder(tc, data, 1, 1, 0, { [I]: 1 });
  return tc;
}

/**
 * A collapsed CLT: layer 0 copies e..h, and four layer-0 features, one per TRUE input
 * (a·sa + b·sb + c·sc + d·sd − 3 fires only there), write i straight into layer 1's output
 * through the 0 → 1 decoder. Layer 1 has no feature. It never reads e..h for its answer.
 */
function collapsedClt(): TrainedTranscoder {
  const tc = blank('clt', model, data);
  copyLayer0(tc);
  const trueInputs = [[1, -1, 1, -1], [1, -1, -1, 1], [-1, 1, 1, -1], [-1, 1, -1, 1]];
  trueInputs.forEach((s, k) => {
    setEncoder(tc, data, 0, 4 + k, { 0: s[0], 1: s[1], 2: s[2], 3: s[3] }, -3);
    setDecoder(tc, data, 0, 1, 4 + k, { [I]: 1 });
  });
  return tc;
}

const cut = (dims: number[]) => [{ dims, layer: 1 }];

describe('the real model under interventions (hand-computed)', () => {
  it('cut e into layer 1 changes exactly 2 inputs; e..h, 4; every change is TRUE → FALSE', () => {
    const e = interventionReport(model, data, [], cut([E]));
    expect(e.base.changedCount).toBe(2);
    // a = +, b = −, c ≠ d: inputs 9 (+−−+) and 10 (+−+−).
    expect(e.base.changed.flatMap((c, n) => (c ? [n] : []))).toEqual([9, 10]);
    expect(interventionReport(model, data, [], cut([E, F_, G, H])).base.changedCount).toBe(4);
  });

  it('the e..h patch into layer 1 changes 96 of 256 pairs, each to the source\'s truth; e alone, 48', () => {
    const [e, , , , all] = standardHandOffs(model);
    const p = basePatch(model, all);
    const truth = outputClasses(model, forward(model).resid);
    let changed = 0;
    for (let n = 0; n < 16; n++) {
      for (let m = 0; m < 16; m++) {
        expect(p.classes[n * 16 + m]).toBe(truth[m]);
        if (p.classes[n * 16 + m] !== truth[n]) changed++;
      }
    }
    expect(changed).toBe(96);
    // e from m: TRUE n with e = 1 (2) × 12 sources with e = 0; FALSE n gaining e = 1: (a = b, c ≠ d) 4 × 4 and (f = 1, c = d) 2 × 4.
    const pe = basePatch(model, e);
    expect(pe.classes.filter((c, k) => c !== pe.clean[k]).length).toBe(24 + 16 + 8);
  });

  it('neuron ablation zeroes the output dim the neuron writes', () => {
    const r = interventionReport(model, data, [], [], [{ layer: 0, neuron: 0 }]);
    expect(r.base.changedCount).toBe(2);
    expect(forward(model, { ablations: [{ layer: 0, neuron: 0 }] }).mlpOut[0][10 * 9 + E]).toBe(0);
  });

  it('the standard hand-off set is derived from the model: e, f, g, h and efgh into layer 1', () => {
    expect(standardHandOffs(model).map((h) => h.name)).toEqual(['e>1', 'f>1', 'g>1', 'h>1', 'efgh>1']);
  });
});

describe('effect recall (SPEC §4)', () => {
  it('counts a follow only where the replacement moves to the new class; an empty changed set gives null, not 1', () => {
    // Row 0 moves T → F with the real model: followed. Row 1 was already F: agrees, but did not follow.
    const e = effectOf([true, true, false, false], [false, false, false, false], [true, false, false, false], [false, false, false, true]);
    expect(e).toMatchObject({ rows: 4, changed: 2, followed: 1, recall: 0.5, agreed: 3, agreement: 0.75 });
    const none = effectOf([true, false], [true, false], [true, false], [false, false]);
    expect(none.changed).toBe(0);
    expect(none.recall).toBeNull();
  });
});

describe('a PLT that is the real model follows every intervention', () => {
  const plt = exactPlt();

  it('reconstructs the real model exactly', () => {
    const r = replacementForward(plt, data, model);
    const base = forward(model);
    for (let k = 0; k < r.resid.length; k++) expect(r.resid[k]).toBeCloseTo(base.resid[k], 9);
  });

  it('cuts, neuron ablations and patches: followed = changed', () => {
    const e = interventionReport(model, data, [{ tc: plt }], cut([E])).members[0].effect;
    expect([e.changed, e.followed, e.recall]).toEqual([2, 2, 1]);
    const all = interventionReport(model, data, [{ tc: plt }], cut([E, F_, G, H])).members[0].effect;
    expect([all.changed, all.followed]).toEqual([4, 4]);
    const ab = interventionReport(model, data, [{ tc: plt }], [], [{ layer: 0, neuron: 0 }]).members[0].effect;
    expect([ab.changed, ab.followed]).toEqual([2, 2]);
    const p = patchReport(model, data, [plt], standardHandOffs(model)[4]);
    expect(p.base.changedCount).toBe(96);
    expect([p.members[0].changed, p.members[0].followed]).toEqual([96, 96]);
  });

  it('scores faithfulness 1 and reports every hand-off cut and patched', () => {
    const fx = standardEffects(plt, data, model);
    expect(fx.map((e) => `${e.kind} ${e.name} ${e.changed}/${e.followed}`)).toEqual([
      'cut e>1 2/2', 'cut f>1 2/2', 'cut g>1 2/2', 'cut h>1 2/2', 'cut efgh>1 4/4',
      'patch e>1 48/48', 'patch f>1 48/48', 'patch g>1 48/48', 'patch h>1 48/48', 'patch efgh>1 96/96',
    ]);
    expect(faithfulnessOf(fx)).toBe(1);
  });
});

describe('a collapsed CLT that writes i from layer 0', () => {
  const clt = collapsedClt();

  it('is accurate on clean inputs', () => {
    const truth = outputClasses(model, forward(model).resid);
    expect(outputClasses(model, replacementForward(clt, data, model).resid)).toEqual(truth);
  });

  it('follows none of the cut or patch effects, and scores faithfulness 0', () => {
    const e = interventionReport(model, data, [{ tc: clt }], cut([E])).members[0].effect;
    expect([e.changed, e.followed, e.recall]).toEqual([2, 0, 0]);
    const fx = standardEffects(clt, data, model);
    for (const x of fx) expect(x.followed, x.name).toBe(0);
    expect(fx.find((x) => x.kind === 'patch' && x.name === 'efgh>1')).toMatchObject({ changed: 96, agreement: 160 / 256 });
    expect(faithfulnessOf(fx)).toBe(0);
  });

  it('neuron ablation reaches the replacement: e zeroed at layer 0 leaves its i (0 of 2); i zeroed at layer 1 removes it whatever layer wrote it (4 of 4)', () => {
    const e = interventionReport(model, data, [{ tc: clt }], [], [{ layer: 0, neuron: 0 }]).members[0];
    expect([e.effect.changed, e.effect.followed]).toEqual([2, 0]);
    const i = interventionReport(model, data, [{ tc: clt }], [], [{ layer: 1, neuron: 0 }]).members[0];
    expect([i.effect.changed, i.effect.followed]).toEqual([4, 4]);
    expect(i.output.every((v) => v === 0)).toBe(true);
  });

  it('its 0 → 1 decoder block off: the CLT alone is intervened, the real model does not change', () => {
    const r = interventionReport(model, data, [{ tc: clt, extra: { pairsOff: [pairIndex(clt.layout, 0, 1)] } }], []);
    expect(r.base.changedCount).toBe(0);
    expect(r.members[0].effect.recall).toBeNull();
    expect(r.members[0].agreement).toBe(12 / 16);
  });

  it('feature ablation: switching off the feature of input 10 flips that input only', () => {
    const r = interventionReport(model, data, [{ tc: clt, extra: { features: [{ layer: 0, feature: 4 }] } }], []);
    expect(r.members[0].agrees.flatMap((a, n) => (a ? [] : [n]))).toEqual([10]);
  });
});

describe('woke features', () => {
  it('are empty with no intervention, and counted against the replacement\'s own chained run', () => {
    const clt = collapsedClt();
    expect(interventionReport(model, data, [{ tc: clt }], []).members[0].woke).toEqual([]);
    // A layer-1 feature h = −10·e + (a − b) − 1.5 never fires on clean inputs (a − b = 2 only where e = 1);
    // with e cut from what layer 1 reads it fires on the 4 inputs with a = +, b = −. Its decoder writes nothing.
    setEncoder(clt, data, 1, 0, { [E]: -10, 0: 1, 1: -1 }, -1.5);
    expect(interventionReport(model, data, [{ tc: clt }], []).members[0].woke).toEqual([]);
    expect(interventionReport(model, data, [{ tc: clt }], cut([E])).members[0].woke).toEqual([{ layer: 1, feature: 0, inputs: 4 }]);
  });
});

describe('the patched fast path', () => {
  it('agrees with the reference chained forward on all pairs', () => {
    for (const tc of [exactPlt(), collapsedClt()]) {
      const clean = replacementForward(tc, data, model);
      for (const h of standardHandOffs(model)) {
        const ref = replacementForward(tc, data, model, { patch: { layer: h.layer, dims: h.dims, values: sourceValues(clean.read[h.layer], 16, 9) } }, pairInputs(model)).resid;
        const fast = patchedResid(tc, data, model, clean, h);
        for (let k = 0; k < ref.length; k++) expect(fast[k]).toBeCloseTo(ref[k], 12);
      }
    }
  });

  it('agrees on a deeper compiled circuit, where later layers read the patched stream (trained CLT and PLT)', () => {
    const compiled = modelForCircuit('((a XOR b) AND (c XOR d)) XOR e');
    if (!compiled.ok) throw new Error(compiled.message);
    const m = compiled.value;
    const d = modelData(m);
    const set = standardHandOffs(m);
    expect(set.some((h) => h.layer < m.layers.length - 1)).toBe(true);
    for (const kind of ['clt', 'plt'] as const) {
      const tc = cpuTrainer(kind, m, d, { ...DEFAULT_TRAIN, steps: 300 });
      tc.train(300);
      const clean = replacementForward(tc, d, m);
      for (const h of set) {
        const values = sourceValues(clean.read[h.layer], m.n, m.dims);
        const ref = replacementForward(tc, d, m, { patch: { layer: h.layer, dims: h.dims, values } }, pairInputs(m)).resid;
        const fast = patchedResid(tc, d, m, clean, h);
        let worst = 0;
        for (let k = 0; k < ref.length; k++) worst = Math.max(worst, Math.abs(fast[k] - ref[k]));
        expect(worst, `${kind} ${h.name}`).toBeLessThan(1e-9);
      }
    }
  });
});

describe('woke features on a real run', () => {
  it('are empty with no intervention at every kept step (every 50th, and 9050 where the old baseline woke one)', () => {
    const cfg = { ...DEFAULT_TRAIN, seed: 0 };
    const trainers = (['clt', 'plt'] as const).map((kind) => cpuTrainer(kind, model, data, cfg));
    for (let step = 0; step <= cfg.steps; step += 50) {
      if (step > 0) for (const t of trainers) t.train(50);
      const r = interventionReport(model, data, trainers.map((tc) => ({ tc })), []);
      for (const m of r.members) expect(m.woke, `step ${step}`).toEqual([]);
      expect(r.base.changedCount).toBe(0);
    }
  });
});
