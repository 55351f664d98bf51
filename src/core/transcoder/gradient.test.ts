/**
 * Gradient check: the CPU trainer's analytic gradient against central finite differences of
 * the literal reference loss (float64), for every parameter group, away from the threshold
 * kink; and JumpReLU's straight-through θ gradient against the SPEC §2 formula.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type NormMode, type PenaltyKind } from '../config.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { modelData, transcoderLayout } from '../run.ts';
import { CpuTrainer } from './cpuTrainer.ts';
import { expectGradientMatches } from './gradientCheck.ts';
import { type TrainOptions } from './training.ts';
import { initParams } from './init.ts';
import { jumpReluThetaGrad, kinkDistance, preActivations, referenceLoss, stepThetaGrad } from './loss.ts';

const model = xorAndModel();
const data = modelData(model);
const LAMBDA = 0.7;

/** A trainer a few hundred steps in, so features are active and decoders are not at init. */
function warmTrainer(kind: 'clt' | 'plt', penalty: PenaltyKind, norm: NormMode, epsilon: number): CpuTrainer {
  const cfg = { ...DEFAULT_TRAIN, penalty, norm, epsilon, steps: 400, lambdaP: 1e-2, c: 0.8, lambda: 0.5 };
  const layout = transcoderLayout(kind, model, { features: 8, window: 0 });
  const t = new CpuTrainer(layout, data, cfg, initParams(layout, 3));
  t.train(200);
  return t;
}



const cases: [string, 'clt' | 'plt', PenaltyKind, NormMode][] = [
  ['CLT l1 concat', 'clt', 'l1', 'concat'],
  ['CLT l1 sum', 'clt', 'l1', 'sum'],
  ['CLT tanh concat', 'clt', 'tanh', 'concat'],
  ['PLT tanh sum', 'plt', 'tanh', 'sum'],
  ['CLT l0', 'clt', 'l0', 'concat'],
];

describe('analytic gradient = central finite differences (float64, away from the kink)', () => {
  for (const [name, kind, penalty, norm] of cases) {
    it(name, () => {
      // ε far below the distance to the kink: no straight-through term is active, so the
      // analytic gradient must be the true derivative of the (locally smooth) loss.
      const probe = warmTrainer(kind, penalty, norm, 0.05);
      const dist = kinkDistance(probe.layout, probe.params, data);
      expect(dist).toBeGreaterThan(1e-6);
      const opts: TrainOptions = { ...probe.opts, epsilon: dist / 10 };
      const t = new CpuTrainer(probe.layout, data, opts, probe.params);
      expectGradientMatches(t, data, opts, LAMBDA, Math.min(1e-6, dist / 10), name);
    });
  }
});

describe('JumpReLU straight-through gradient to θ (SPEC §2)', () => {
  it('matches −(θ/ε)·K((h−θ)/ε)·∂L/∂a (+ the l0 term) for a feature near its threshold', () => {
    for (const penalty of ['l1', 'tanh', 'l0'] as const) {
      const t0 = warmTrainer('clt', penalty, 'concat', 0.05);
      const layout = t0.layout;
      const p = Float64Array.from(t0.params);
      // Put layer-0 feature 0 exactly near its threshold on sample 5, inactive side.
      const h = preActivations(layout, p, data);
      const theta = Math.exp(p[layout.logTheta[0]]);
      const eps = 0.05;
      p[layout.bEnc[0]] += theta - eps / 4 - h[0][5][0];
      const opts: TrainOptions = { ...t0.opts, epsilon: eps, lambdaP: 0 };
      const hh = preActivations(layout, p, data);
      const t = new CpuTrainer(layout, data, opts, p);
      t.computeGradient(LAMBDA);
      // Expected: Σ_n over near samples of ∂L/∂a · ∂a/∂θ (+ λ/N ∂1/∂θ for l0), times θ for logθ.
      let expected = 0;
      for (let n = 0; n < data.n; n++) {
        const hv = hh[0][n][0];
        const near = Math.abs(hv - theta) < eps / 2;
        if (!near) continue;
        const shift = 1e-6;
        const up = referenceLoss(layout, p, data, opts, LAMBDA, { layer: 0, n, f: 0, by: shift }).loss;
        const down = referenceLoss(layout, p, data, opts, LAMBDA, { layer: 0, n, f: 0, by: -shift }).loss;
        let dLda = (up - down) / (2 * shift);
        // For an inactive feature a = 0: the sparsity term's derivative at a = 0⁺.
        if (hv <= theta && penalty === 'l0') dLda = (up - referenceLoss(layout, p, data, opts, LAMBDA).loss) / shift;
        expected += dLda * jumpReluThetaGrad(hv, theta, eps);
        if (penalty === 'l0') expected += (LAMBDA / data.n) * stepThetaGrad(hv, theta, eps);
      }
      expect(expected).not.toBe(0);
      expect(t.grad[layout.logTheta[0]]).toBeCloseTo(expected * theta, 5);
    }
  });
});
