/**
 * Gradient checks of the two mitigations (issue 7) against literal references (float64):
 * - intervention consistency: analytic gradient through the chained replacement model =
 *   central finite differences of a reference built on replacementForward, every parameter
 *   group, away from the kink, on a 2-layer and a 3-layer model;
 * - L0 asymmetry: zero gradient away from the kink (L0 is piecewise constant), and near it the
 *   straight-through step rule of SPEC §2 times ∂Var/∂L0 by finite differences.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type TranscoderKind } from '../config.ts';
import { cutMasks, embed, forward, type BaseModel } from '../model/baseModel.ts';
import { modelForCircuit } from '../model/presets.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { standardInterventions } from '../metrics/metrics.ts';
import { replacementForward } from '../metrics/replacement.ts';
import { modelData, transcoderLayout } from '../run.ts';
import { encodeLayer } from './apply.ts';
import { ConsistencyLoss, consistencyCutAt } from './consistency.ts';
import { CpuTrainer } from './cpuTrainer.ts';
import { type TrainOptions } from './training.ts';
import { standardize, type TrainingData } from './data.ts';
import { initParams } from './init.ts';
import { parameterGroups, type Layout } from './layout.ts';
import { jumpRelu, jumpReluThetaGrad, kinkDistance, preActivations, referenceLoss, stepThetaGrad } from './loss.ts';
import { l0Variance } from './mitigations.ts';

const xorAnd = xorAndModel();
const depth3 = (() => {
  const r = modelForCircuit('((a XOR b) AND (c XOR d)) XOR e');
  if (!r.ok) throw new Error(r.message);
  return r.value;
})();

/** C = mean_n (replacement output − base output)² under standard intervention `cut`, literally. */
function referenceConsistency(model: BaseModel, data: TrainingData, layout: Layout, p: Float64Array, cut: number): number {
  const iv = standardInterventions(model)[cut];
  const base = forward(model, iv).resid;
  const repl = replacementForward({ layout, params: p }, data, model, { cuts: iv.cuts }).resid;
  const D = model.dims;
  let c = 0;
  for (let n = 0; n < data.n; n++) c += (repl[n * D + model.outputDim] - base[n * D + model.outputDim]) ** 2 / data.n;
  return c;
}

type Shift = { layer: number; n: number; f: number; by: number };

/**
 * The same C written out loop by loop, with chained pre-activations h[l][n][f]; `shift` adds
 * to one activation after JumpReLU, so a test can read ∂C/∂a by finite differences.
 */
function literalConsistency(
  model: BaseModel, data: TrainingData, layout: Layout, p: Float64Array, cut: number, shift?: Shift,
): { c: number; h: number[][][] } {
  const { layers: L, dims: D, features: F } = layout;
  const iv = standardInterventions(model)[cut];
  const masks = cutMasks(L, D, iv.cuts);
  const resid = embed(model);
  const acts: number[][][] = [];
  const hs: number[][][] = [];
  for (let l = 0; l < L; l++) {
    const { mean, std } = data.inStats[l];
    const hl: number[][] = [];
    const al: number[][] = [];
    for (let n = 0; n < data.n; n++) {
      const hn: number[] = [];
      const an: number[] = [];
      for (let f = 0; f < F; f++) {
        let h = p[layout.bEnc[l] + f];
        for (let d = 0; d < D; d++) h += ((resid[n * D + d] * masks[l][d] - mean[d]) / std[d]) * p[layout.wEnc[l] + d * F + f];
        hn.push(h);
        const hit = shift && shift.layer === l && shift.n === n && shift.f === f;
        an.push(jumpRelu(h, Math.exp(p[layout.logTheta[l] + f])) + (hit ? shift.by : 0));
      }
      hl.push(hn);
      al.push(an);
    }
    hs.push(hl);
    acts.push(al);
    for (let n = 0; n < data.n; n++) {
      for (let d = 0; d < D; d++) {
        let y = p[layout.bDec[l] + d];
        layout.pairs.forEach((pair, q) => {
          if (pair.target !== l) return;
          for (let f = 0; f < F; f++) y += acts[pair.source][n][f] * p[layout.wDec[q] + f * D + d];
        });
        resid[n * D + d] += y * data.outStats[l].std[d] + data.outStats[l].mean[d];
      }
    }
  }
  const base = forward(model, iv).resid;
  let c = 0;
  for (let n = 0; n < data.n; n++) c += (resid[n * D + model.outputDim] - base[n * D + model.outputDim]) ** 2 / data.n;
  return { c, h: hs };
}

/** Smallest |h − θ| in the chained replacement model under the cut. */
function chainedKinkDistance(model: BaseModel, data: TrainingData, layout: Layout, p: Float64Array, cut: number): number {
  const tc = { layout, params: p };
  const rep = replacementForward(tc, data, model, { cuts: standardInterventions(model)[cut].cuts });
  let min = Infinity;
  rep.read.forEach((raw, l) => {
    const h = encodeLayer(tc, l, standardize(raw, data.inStats[l])).h;
    for (let k = 0; k < h.length; k++) min = Math.min(min, Math.abs(h[k] - Math.exp(p[layout.logTheta[l] + (k % layout.features)])));
  });
  return min;
}


/** Per-layer L0 on the training data, literally. */
function referenceL0(layout: Layout, p: Float64Array, data: TrainingData): number[] {
  return preActivations(layout, p, data).map((hl, l) =>
    hl.reduce((s, hn) => s + hn.filter((hv, f) => hv > Math.exp(p[layout.logTheta[l] + f])).length, 0) / data.n,
  );
}


/** Worst relative error of `grad` against central differences of `f`, per parameter group. */
function worstPerGroup(layout: Layout, params: Float64Array, grad: Float64Array, f: (p: Float64Array) => number, step: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [group, offset, size] of parameterGroups(layout)) {
    let worst = 0;
    for (let k = offset; k < offset + size; k++) {
      const p = Float64Array.from(params);
      p[k] += step;
      const up = f(p);
      p[k] -= 2 * step;
      const fd = (up - f(p)) / (2 * step);
      worst = Math.max(worst, Math.abs(fd - grad[k]) / Math.max(1e-3, Math.abs(fd)));
    }
    out.set(group, worst);
  }
  return out;
}

/** A transcoder 200 steps in (no mitigation), so features are active and decoders off init. */
function warmParams(model: BaseModel, data: TrainingData, kind: TranscoderKind): { layout: Layout; params: Float64Array } {
  const cfg = { ...DEFAULT_TRAIN, steps: 400, lambdaP: 1e-2, lambda: 0.5 };
  const layout = transcoderLayout(kind, model, { features: 8, window: 0 });
  const t = new CpuTrainer(layout, data, cfg, initParams(layout, 3));
  t.train(200);
  return { layout, params: t.params };
}

describe('intervention-consistency gradient = central finite differences of the literal reference', () => {
  const cases: [string, BaseModel, TranscoderKind][] = [
    ['XOR-AND CLT', xorAnd, 'clt'],
    ['XOR-AND PLT', xorAnd, 'plt'],
    ['depth-3 CLT', depth3, 'clt'],
  ];
  for (const [name, model, kind] of cases) {
    it(name, () => {
      const data = modelData(model);
      const { layout, params } = warmParams(model, data, kind);
      const loss = new ConsistencyLoss(layout, data, model);
      expect(loss.count).toBe(standardInterventions(model).length);
      // Every cut for the 2-layer model; the first, a layer-2 one and the last for depth 3.
      const cuts = model.layers.length === 2 ? [...Array(loss.count).keys()] : [0, 6, loss.count - 1];
      let sawGradient = false;
      for (const cut of cuts) {
        const dist = chainedKinkDistance(model, data, layout, params, cut);
        expect(dist).toBeGreaterThan(1e-6);
        const grad = new Float64Array(layout.size);
        const coef = 1.7;
        const c = loss.addGradient(params, grad, coef, cut, dist / 10);
        const ref = (p: Float64Array): number => coef * referenceConsistency(model, data, layout, p, cut);
        expect(coef * c).toBeCloseTo(ref(params), 12);
        expect(loss.value(params, cut)).toBe(c);
        if (c > 1e-6) sawGradient = true;
        for (const [group, worst] of worstPerGroup(layout, params, grad, ref, Math.min(1e-6, dist / 10))) {
          expect(worst, `${name} cut ${cut} ${group}`).toBeLessThan(1e-4);
        }
      }
      expect(sawGradient).toBe(true);
    });
  }

  it('the trainer adds it to the loss and gradient at the cut its step draws', () => {
    const model = xorAnd;
    const data = modelData(model);
    const { layout, params } = warmParams(model, data, 'clt');
    const dist = Math.min(kinkDistance(layout, params, data), ...[0, 1, 2, 3, 4].map((c) => chainedKinkDistance(model, data, layout, params, c)));
    const opts: TrainOptions = { ...DEFAULT_TRAIN, lambdaP: 1e-2, epsilon: dist / 10, consistency: 0.8 };
    const seed = 11;
    const t = new CpuTrainer(layout, data, opts, params, { model, seed });
    const lam = 0.4;
    const parts = t.computeGradient(lam);
    const cut = consistencyCutAt(seed, 0, 5);
    const total = (p: Float64Array): number =>
      referenceLoss(layout, p, data, opts, lam).loss + 0.8 * referenceConsistency(model, data, layout, p, cut);
    expect(parts.loss).toBeCloseTo(total(params), 10);
    expect(parts.consistency).toBeCloseTo(referenceConsistency(model, data, layout, params, cut), 12);
    for (const [group, worst] of worstPerGroup(layout, params, t.grad, total, Math.min(1e-6, dist / 10))) {
      expect(worst, group).toBeLessThan(1e-4);
    }
  });
});

describe('intervention consistency: straight-through gradient to θ (SPEC §2)', () => {
  it('matches Σ_n ∂C/∂a · −(θ/ε)·K((h−θ)/ε), times θ, for features near their threshold in the cut chain', () => {
    const model = xorAnd;
    const data = modelData(model);
    const { layout, params } = warmParams(model, data, 'clt');
    const cut = 4; // e..h into layer 1
    const eps = 0.05;
    const p = Float64Array.from(params);
    // Layer-0 feature 1 just below its threshold on input 6; layer-1 feature 3 just above it on input 9.
    let { h } = literalConsistency(model, data, layout, p, cut);
    p[layout.bEnc[0] + 1] += Math.exp(p[layout.logTheta[0] + 1]) - eps / 4 - h[0][6][1];
    ({ h } = literalConsistency(model, data, layout, p, cut));
    p[layout.bEnc[1] + 3] += Math.exp(p[layout.logTheta[1] + 3]) + eps / 5 - h[1][9][3];
    ({ h } = literalConsistency(model, data, layout, p, cut));
    const loss = new ConsistencyLoss(layout, data, model);
    const grad = new Float64Array(layout.size);
    const c = loss.addGradient(p, grad, 1, cut, eps);
    expect(c).toBeCloseTo(literalConsistency(model, data, layout, p, cut).c, 12);
    let nonzero = 0;
    for (const [l, f] of [[0, 1], [1, 3]]) {
      const th = Math.exp(p[layout.logTheta[l] + f]);
      let expected = 0;
      for (let n = 0; n < data.n; n++) {
        const k = jumpReluThetaGrad(h[l][n][f], th, eps);
        if (k === 0) continue;
        const by = 1e-6;
        const up = literalConsistency(model, data, layout, p, cut, { layer: l, n, f, by }).c;
        const down = literalConsistency(model, data, layout, p, cut, { layer: l, n, f, by: -by }).c;
        expected += ((up - down) / (2 * by)) * k;
      }
      if (expected !== 0) nonzero++;
      expect(grad[layout.logTheta[l] + f], `layer ${l} feature ${f}`).toBeCloseTo(expected * th, 6);
    }
    expect(nonzero).toBe(2);
  });
});

describe('consistency cuts and the default path', () => {
  it('draws every cut, the same for a (seed, step) every time, differently across seeds', () => {
    const a = Array.from({ length: 200 }, (_, s) => consistencyCutAt(3, s, 5));
    expect(Array.from({ length: 200 }, (_, s) => consistencyCutAt(3, s, 5))).toEqual(a);
    expect(new Set(a).size).toBe(5);
    expect(Array.from({ length: 200 }, (_, s) => consistencyCutAt(4, s, 5))).not.toEqual(a);
  });

  it('needs the base model when on, and leaves the loss parts as they were when off', () => {
    const data = modelData(xorAnd);
    const layout = transcoderLayout('clt', xorAnd, { features: 8, window: 0 });
    expect(() => new CpuTrainer(layout, data, { ...DEFAULT_TRAIN, consistency: 1 }, initParams(layout, 0))).toThrow(/base model/);
    const t = new CpuTrainer(layout, data, DEFAULT_TRAIN, initParams(layout, 0), { model: xorAnd, seed: 0 });
    expect(Object.keys(t.computeGradient(0.3))).toEqual(['loss', 'recon', 'sparsity', 'preact']);
  });
});

describe('L0-asymmetry penalty: variance across layers of per-layer L0 (SPEC §2 step rule)', () => {
  const data = modelData(xorAnd);
  const COEF = 2.5;
  const LAMBDA = 0.6;

  it('away from the kink: adds coef·Var(L0) to the loss and nothing to the gradient', () => {
    const { layout, params } = warmParams(xorAnd, data, 'clt');
    const dist = kinkDistance(layout, params, data);
    expect(dist).toBeGreaterThan(1e-6);
    const base: TrainOptions = { ...DEFAULT_TRAIN, epsilon: dist / 10 };
    const off = new CpuTrainer(layout, data, base, params);
    const on = new CpuTrainer(layout, data, { ...base, asymmetry: COEF }, params);
    const lossOff = off.computeGradient(LAMBDA).loss;
    const parts = on.computeGradient(LAMBDA);
    const variance = l0Variance(referenceL0(layout, params, data));
    expect(variance).toBeGreaterThan(0);
    expect(parts.asymmetry).toBeCloseTo(variance, 14);
    expect(parts.loss).toBeCloseTo(lossOff + COEF * variance, 12);
    expect(parts.loss).toBeCloseTo(referenceLoss(layout, params, data, base, LAMBDA).loss + COEF * variance, 10);
    expect(Array.from(on.grad)).toEqual(Array.from(off.grad));
  });

  it('near the kink: ∂/∂logθ = coef · ∂Var/∂L0_l · (1/N) Σ_n −(1/ε)K((h−θ)/ε) · θ', () => {
    const { layout, params } = warmParams(xorAnd, data, 'clt');
    const p = Float64Array.from(params);
    const eps = 0.05;
    // Put layer-0 feature 0 just below its threshold on sample 5, and layer-1 feature 2 just above it on sample 9.
    const h0 = preActivations(layout, p, data);
    const th0 = Math.exp(p[layout.logTheta[0]]);
    p[layout.bEnc[0]] += th0 - eps / 4 - h0[0][5][0];
    const th1 = Math.exp(p[layout.logTheta[1] + 2]);
    p[layout.bEnc[1] + 2] += th1 + eps / 5 - h0[1][9][2];
    const base: TrainOptions = { ...DEFAULT_TRAIN, epsilon: eps };
    const off = new CpuTrainer(layout, data, base, p);
    const on = new CpuTrainer(layout, data, { ...base, asymmetry: COEF }, p);
    off.computeGradient(LAMBDA);
    on.computeGradient(LAMBDA);
    const l0 = referenceL0(layout, p, data);
    const h = preActivations(layout, p, data);
    const fdStep = 1e-6;
    let checked = 0;
    for (let l = 0; l < layout.layers; l++) {
      // ∂Var/∂L0_l by central differences of the literal variance.
      const up = l0.slice();
      const down = l0.slice();
      up[l] += fdStep;
      down[l] -= fdStep;
      const dVar = (l0Variance(up) - l0Variance(down)) / (2 * fdStep);
      for (let f = 0; f < layout.features; f++) {
        const k = layout.logTheta[l] + f;
        const th = Math.exp(p[k]);
        let step = 0;
        for (let n = 0; n < data.n; n++) step += stepThetaGrad(h[l][n][f], th, eps) / data.n;
        const expected = COEF * dVar * step * th;
        if (expected !== 0) checked++;
        expect(on.grad[k] - off.grad[k], `layer ${l} feature ${f}`).toBeCloseTo(expected, 8);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
    // Only θ moves: every other parameter's gradient is untouched.
    for (let k = 0; k < layout.size; k++) {
      const isTheta = layout.logTheta.some((o) => k >= o && k < o + layout.features);
      if (!isTheta) expect(on.grad[k]).toBe(off.grad[k]);
    }
  });
});
