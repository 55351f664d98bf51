/**
 * Fast checks of issue 7's science, at 4000 steps on 2 seeds: only what was measured to hold
 * there and at the full 15000-step recipe over 5 seeds (`npm run reproduce -- --circuit …`).
 * Full-length numbers, including where they contradict the issue's expectations, are in the
 * issue's report; this file guards the robust part.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type TrainConfig } from '../src/core/config.ts';
import { superpositionControl } from '../src/core/model/superposition.ts';
import { xorAndModel } from '../src/core/model/xorAnd.ts';
import { resolveCircuit } from './circuitOption.ts';
import { reproduceRuns, type RunResult } from './reproduceRuns.ts';

const STEPS = 4000;
const seeds = [0, 1];
const fast: TrainConfig = { ...DEFAULT_TRAIN, steps: STEPS };
const bySeed = (runs: RunResult[], kind: string, seed: number): RunResult => runs.find((r) => r.kind === kind && r.seed === seed)!;

describe('the cross-layer superposition control', () => {
  it('a CLT is perfectly faithful there', () => {
    // Measured: 1 in 4/4 seeds at 4000 steps and 5/5 at 15000 (the PLT: 0.75–0.94).
    for (const r of reproduceRuns(superpositionControl(), fast, ['clt'], seeds, false)) {
      expect(r.accuracy).toBe(1);
      expect(r.faithfulness, `seed ${r.seed}`).toBe(1);
    }
  });
});

describe('XOR-AND: the intervention-consistency loss', () => {
  const model = xorAndModel();
  const plain = reproduceRuns(model, fast, ['clt', 'plt'], seeds, false);
  const trained = reproduceRuns(model, { ...fast, consistency: 1 }, ['clt'], seeds, false);

  it('raises the CLT\'s faithfulness to (near) the PLT\'s, at full replacement accuracy', () => {
    // Measured at 4000 steps: 0.85 → 1 (seeds 0–2), 0.85 → 0.99 (seed 3); at 15000: 1 in 5/5.
    for (const seed of seeds) {
      const before = bySeed(plain, 'clt', seed);
      const after = bySeed(trained, 'clt', seed);
      expect(after.accuracy).toBe(1);
      expect(after.faithfulness, `seed ${seed}`).toBeGreaterThan(before.faithfulness);
      expect(after.faithfulness, `seed ${seed}`).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('depth signature: without it, the CLT credits layer 0 with more of the output than the PLT does', () => {
    for (const seed of seeds) {
      const clt = bySeed(plain, 'clt', seed);
      const plt = bySeed(plain, 'plt', seed);
      for (const r of [clt, plt]) expect(r.cumulativeShare[r.cumulativeShare.length - 1]).toBeCloseTo(1, 12);
      expect(clt.attributionShare[0], `seed ${seed}`).toBeGreaterThan(plt.attributionShare[0]);
    }
  });
});

describe('the depth-3 preset', () => {
  const resolved = resolveCircuit('depth-3');
  if (!resolved.ok) throw new Error(resolved.message);
  const model = resolved.value;
  const runs = reproduceRuns(model, fast, ['clt', 'plt'], seeds, false);

  it('the CLT fires less in its last layer and is less faithful than the PLT', () => {
    // Measured at 4000 steps (4 seeds): last-layer L0 1.1–1.8 vs 4.2–5.8, faithfulness 0.89–0.91 vs 0.98–0.99;
    // at 15000 (5 seeds): 0.06–0.25 vs 1.84–2.5, and 0.86–0.92 vs 0.93–0.99.
    for (const seed of seeds) {
      const clt = bySeed(runs, 'clt', seed);
      const plt = bySeed(runs, 'plt', seed);
      expect(clt.l0[2], `seed ${seed}`).toBeLessThan(plt.l0[2]);
      expect(clt.faithfulness, `seed ${seed}`).toBeLessThan(plt.faithfulness);
      expect(clt.attributionShare[0], `seed ${seed}`).toBeGreaterThan(plt.attributionShare[0]);
    }
  });
});
