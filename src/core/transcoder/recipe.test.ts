/**
 * The recipe options of SPEC §2's presets in the CPU engine: each new formula's gradient
 * against central finite differences of the literal reference loss (as gradient.test.ts does
 * for the spec recipe), the ReLU-style straight-through rule against its definition, the
 * padded mean, the as-trained layout's data, the uniform init and the lr step decay.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, presetValues, type TrainConfig } from '../config.ts';
import { forward } from '../model/baseModel.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { modelData, transcoderLayout } from '../run.ts';
import { CpuTrainer } from './cpuTrainer.ts';
import { expectGradientMatches } from './gradientCheck.ts';
import { lrAt, reconstructionScale, type TrainOptions } from './training.ts';
import { arrangeActivations } from './data.ts';
import { initParams } from './init.ts';
import { kinkDistance, preActivations, referenceLoss } from './loss.ts';
import { parameterGroups, thresholdOf } from './layout.ts';

const model = xorAndModel();
const LAMBDA = 0.7;

function warm(kind: 'clt' | 'plt', change: Partial<TrainConfig>, layoutName: TrainConfig['layout'] = 'as-described'): CpuTrainer {
  const cfg: TrainConfig = { ...DEFAULT_TRAIN, penalty: 'tanh', steps: 400, lambdaP: 1e-2, c: 0.8, lambda: 0.5, ...change };
  const data = modelData(model, layoutName);
  const layout = transcoderLayout(kind, model, { features: 8, window: 0, thetaParam: cfg.thetaParam });
  const t = new CpuTrainer(layout, data, cfg, initParams(layout, 3, cfg));
  t.train(200);
  return t;
}

/** Worst relative gap between the analytic gradient and central differences, per parameter group. */
function checkGradient(probe: CpuTrainer): void {
  const data = probe.data;
  const dist = kinkDistance(probe.layout, probe.params, data, probe.opts);
  expect(dist).toBeGreaterThan(1e-6);
  const opts: TrainOptions = { ...probe.opts, epsilon: dist / 10 };
  const t = new CpuTrainer(probe.layout, data, opts, probe.params);
  // Padded columns at zero add no error and no norm: the reference (model width only) then holds.
  t.padded?.params.fill(0);
  expectGradientMatches(t, data, opts, LAMBDA, Math.min(1e-6, dist / 10));
}

describe('recipe options: analytic gradient = central finite differences (away from the kinks)', () => {
  const cases: [string, 'clt' | 'plt', Partial<TrainConfig>, TrainConfig['layout']?][] = [
    ['reduction mean over the model dims', 'clt', { reduction: 'mean' }],
    ['reduction mean over padDims 110', 'clt', { reduction: 'mean', padDims: 110, lambda: 0.02 }],
    ['θ direct (with the Σ ReLU(θ − h) pre-activation loss)', 'clt', { thetaParam: 'direct', thetaInit: 0.03 }],
    ['pre-activation Σ ReLU(−h)', 'plt', { preact: 'neg' }],
    ['uniform init, l1', 'clt', { init: 'uniform', penalty: 'l1' }],
    ['as-trained layout', 'clt', {}, 'as-trained'],
    ['the whole write-up recipe but the straight-through rule', 'clt', { ...presetValues('write-up'), straightThrough: 'spec', steps: 400, lambdaP: 1e-2 }, 'as-trained'],
  ];
  for (const [name, kind, change, layoutName] of cases) it(name, () => checkGradient(warm(kind, change, layoutName)));
});

describe('ReLU-style straight-through (st=relu): ∂a/∂h passes wherever h ≥ 0', () => {
  it('adds ∂L/∂a to b_enc over exactly the inactive samples with 0 ≤ h ≤ θ', () => {
    const probe = warm('clt', { penalty: 'l1', lambdaP: 0 });
    const { layout, params: p, data } = probe;
    // A feature's threshold raised so some samples sit between 0 and θ, away from θ's kernel.
    const l = 0;
    const h = preActivations(layout, p, data)[l];
    let chosen = -1;
    let theta = 0;
    for (let f = 0; f < layout.features && chosen < 0; f++) {
      const hs = h.map((hn) => hn[f]).filter((v) => v > 0.05).sort((a, b) => a - b);
      if (hs.length >= 2) {
        chosen = f;
        theta = (hs[0] + hs[1]) / 2;
      }
    }
    expect(chosen).toBeGreaterThanOrEqual(0);
    const q = Float64Array.from(p);
    q[layout.logTheta[l] + chosen] = Math.log(theta);
    const eps = 1e-6;
    const spec = new CpuTrainer(layout, data, { ...probe.opts, epsilon: eps }, q);
    const relu = new CpuTrainer(layout, data, { ...probe.opts, epsilon: eps, straightThrough: 'relu' }, q);
    spec.computeGradient(LAMBDA);
    relu.computeGradient(LAMBDA);
    let expected = 0;
    let passed = 0;
    for (let n = 0; n < data.n; n++) {
      const hv = h[n][chosen];
      if (hv < 0 || hv > theta) continue;
      passed++;
      // ∂L/∂a at a = 0⁺ by a one-sided difference (the l1 term's kink is at a = 0).
      const up = referenceLoss(layout, q, data, spec.opts, LAMBDA, { layer: l, n, f: chosen, by: 1e-7 }).loss;
      const at = referenceLoss(layout, q, data, spec.opts, LAMBDA).loss;
      expected += (up - at) / 1e-7;
    }
    expect(passed).toBeGreaterThan(0);
    const got = relu.grad[layout.bEnc[l] + chosen] - spec.grad[layout.bEnc[l] + chosen];
    expect(got).toBeCloseTo(expected, 4);
  });
});

describe('the padded mean (reduction mean, padDims P)', () => {
  it('equals the summed error / (L·P), in the trainer and the reference', () => {
    const probe = warm('clt', {});
    const { layout, params, data } = probe;
    const sum = new CpuTrainer(layout, data, { ...probe.opts, reduction: 'sum' }, params).computeGradient(0).recon;
    const padded = new CpuTrainer(layout, data, { ...probe.opts, reduction: 'mean', padDims: 110 }, params);
    padded.padded!.params.fill(0);
    const mean = padded.computeGradient(0).recon;
    expect(mean).toBeCloseTo(sum / (2 * 110), 14);
    const ref = referenceLoss(layout, params, data, { ...probe.opts, reduction: 'mean', padDims: 110 }, 0).recon;
    expect(ref).toBeCloseTo(sum / 220, 14);
    // padDims 0: the mean over the model's own nine dims.
    expect(reconstructionScale({ reduction: 'mean', padDims: 0 }, 2, 9)).toBe(1 / 18);
    expect(reconstructionScale({ reduction: 'sum', padDims: 110 }, 2, 9)).toBe(1);
  });
});

describe('the as-trained layout (SPEC §2): the write-up file as its trainer read it', () => {
  it('layer 0 reads r0 and predicts r1; layer 1 reads MLP0 output and predicts MLP1 output', () => {
    const fwd = forward(model);
    const { x, y } = arrangeActivations(fwd, 'as-trained');
    // Hand-written rows for inputs 0 (a=b=c=d=−1), 6 (a=−1 b=+1 c=+1 d=−1, TRUE) and 9 (TRUE), dims a..i.
    const rows: Record<number, { x0: number[]; y0: number[]; x1: number[]; y1: number[] }> = {
      0: { x0: [-1, -1, -1, -1, 0, 0, 0, 0, 0], y0: [-1, -1, -1, -1, 0, 0, 0, 0, 0], x1: [0, 0, 0, 0, 0, 0, 0, 0, 0], y1: [0, 0, 0, 0, 0, 0, 0, 0, 0] },
      6: { x0: [-1, 1, 1, -1, 0, 0, 0, 0, 0], y0: [-1, 1, 1, -1, 0, 1, 1, 0, 0], x1: [0, 0, 0, 0, 0, 1, 1, 0, 0], y1: [0, 0, 0, 0, 0, 0, 0, 0, 1] },
      9: { x0: [1, -1, -1, 1, 0, 0, 0, 0, 0], y0: [1, -1, -1, 1, 1, 0, 0, 1, 0], x1: [0, 0, 0, 0, 1, 0, 0, 1, 0], y1: [0, 0, 0, 0, 0, 0, 0, 0, 1] },
      12: { x0: [1, 1, -1, -1, 0, 0, 0, 0, 0], y0: [1, 1, -1, -1, 0, 0, 0, 0, 0], x1: [0, 0, 0, 0, 0, 0, 0, 0, 0], y1: [0, 0, 0, 0, 0, 0, 0, 0, 0] },
    };
    const row = (a: Float64Array, n: number) => Array.from(a.slice(n * 9, n * 9 + 9), (v) => v + 0);
    for (const [n, r] of Object.entries(rows)) {
      expect(row(x[0], Number(n)), `x0 ${n}`).toEqual(r.x0);
      expect(row(y[0], Number(n)), `y0 ${n}`).toEqual(r.y0);
      expect(row(x[1], Number(n)), `x1 ${n}`).toEqual(r.x1);
      expect(row(y[1], Number(n)), `y1 ${n}`).toEqual(r.y1);
    }
    const described = arrangeActivations(fwd, 'as-described');
    expect(described.x).toBe(fwd.mlpIn);
    expect(described.y).toBe(fwd.mlpOut);
    expect(modelData(model, 'as-trained').layout).toBe('as-trained');
    expect(modelData(model).layout).toBeUndefined();
  });

  it('standardizes with the population std: a..d at layer 0 are ±1 already', () => {
    const data = modelData(model, 'as-trained');
    expect(data.inStats[0].std.slice(0, 4)).toEqual(new Float64Array([1, 1, 1, 1]));
    // Layer 1 reads no a..d: zero variance, centred, not scaled.
    expect(data.inStats[1].std.slice(0, 4)).toEqual(new Float64Array([1, 1, 1, 1]));
    expect(data.x[1].slice(0, 4)).toEqual(new Float64Array(4));
  });
});

describe('uniform init, direct θ and the lr step decay', () => {
  it('draws W_enc ~ U(±1/√F), W_dec ~ U(±1/√(L·P)) and starts θ at thetaInit', () => {
    const layout = transcoderLayout('clt', model, { features: 32, window: 0, thetaParam: 'direct' });
    const p = initParams(layout, 5, { init: 'uniform', thetaInit: 0.03, padDims: 110 });
    const enc = p.slice(layout.wEnc[0], layout.wEnc[0] + 9 * 32);
    const dec = p.slice(layout.wDec[0], layout.wDec[0] + 32 * 9);
    const encMax = Math.max(...enc.map(Math.abs));
    const decMax = Math.max(...dec.map(Math.abs));
    expect(encMax).toBeLessThanOrEqual(1 / Math.sqrt(32));
    expect(encMax).toBeGreaterThan(0.8 / Math.sqrt(32));
    expect(decMax).toBeLessThanOrEqual(1 / Math.sqrt(220));
    expect(decMax).toBeGreaterThan(0.8 / Math.sqrt(220));
    expect(thresholdOf(layout, p[layout.logTheta[1]])).toBe(0.03);
    const logLayout = transcoderLayout('clt', model, { features: 32, window: 0 });
    expect(thresholdOf(logLayout, initParams(logLayout, 5, { thetaInit: 0.03 })[logLayout.logTheta[0]])).toBeCloseTo(0.03, 15);
  });

  it('multiplies lr by the factor from the decay step on, and never when the step is 0', () => {
    const o = { lr: 1e-3, lrDecayStep: 800, lrDecayFactor: 0.1 };
    expect(lrAt(o, 799)).toBe(1e-3);
    expect(lrAt(o, 800)).toBeCloseTo(1e-4, 18);
    expect(lrAt({ ...o, lrDecayStep: 0 }, 5000)).toBe(1e-3);
  });
});

describe('padded decoder columns (padDims > D): the write-up trainer wrote all 110 dims', () => {
  it('gradient to the model-width and the padded parameters = central differences of the trainer loss', () => {
    const probe = warm('clt', { reduction: 'mean', padDims: 20, lambda: 0.05 });
    expect(probe.padded?.width).toBe(11);
    const { layout, data } = probe;
    const dist = kinkDistance(layout, probe.params, data, probe.opts);
    const opts: TrainOptions = { ...probe.opts, epsilon: dist / 10 };
    const t = new CpuTrainer(layout, data, opts, probe.params, { model, seed: 3 });
    t.padded!.params.set(probe.padded!.params);
    t.computeGradient(LAMBDA);
    const main = Float64Array.from(t.grad);
    const pad = Float64Array.from(t.padded!.grad);
    const lossAt = (edit: (tr: CpuTrainer) => void): number => {
      const u = new CpuTrainer(layout, data, opts, t.params, { model, seed: 3 });
      u.padded!.params.set(t.padded!.params);
      edit(u);
      return u.computeGradient(LAMBDA).loss;
    };
    const step = Math.min(1e-6, dist / 10);
    const check = (get: (u: CpuTrainer) => Float64Array, analytic: Float64Array, from: number, to: number, name: string) => {
      let worst = 0;
      for (let k = from; k < to; k++) {
        const up = lossAt((u) => (get(u)[k] += step));
        const down = lossAt((u) => (get(u)[k] -= step));
        const fd = (up - down) / (2 * step);
        worst = Math.max(worst, Math.abs(fd - analytic[k]) / Math.max(1e-3, Math.abs(fd)));
      }
      expect(worst, name).toBeLessThan(1e-4);
    };
    for (const [group, offset, size] of parameterGroups(layout)) check((u) => u.params, main, offset, offset + size, group);
    check((u) => u.padded!.params, pad, 0, pad.length, 'padded columns');
  });

  it('with the padded columns at zero, the loss is the model-width error / (L·padDims) plus the penalties', () => {
    const probe = warm('clt', {});
    const opts: TrainOptions = { ...probe.opts, reduction: 'mean', padDims: 110 };
    const t = new CpuTrainer(probe.layout, probe.data, opts, probe.params, { model, seed: 0 });
    t.padded!.params.fill(0);
    const parts = t.computeGradient(LAMBDA);
    const sum = new CpuTrainer(probe.layout, probe.data, { ...probe.opts, reduction: 'sum' }, probe.params).computeGradient(LAMBDA);
    expect(parts.recon).toBeCloseTo(sum.recon / 220, 14);
    expect(parts.sparsity).toBeCloseTo(sum.sparsity, 12);
  });
});
