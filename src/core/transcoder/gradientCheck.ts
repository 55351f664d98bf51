/**
 * For tests only (both gradient suites import it): the CPU trainer's analytic gradient against
 * central finite differences of the reference loss, parameter group by parameter group.
 */
import { expect } from 'vitest';
import type { CpuTrainer } from './cpuTrainer.ts';
import type { TrainingData } from './data.ts';
import { parameterGroups } from './layout.ts';
import { referenceLoss } from './loss.ts';
import type { TrainOptions } from './training.ts';

/** Asserts loss = reference and, per group, max relative |fd − analytic| < 1e-4 with step h. */
export function expectGradientMatches(t: CpuTrainer, data: TrainingData, opts: TrainOptions, lambda: number, h: number, label = ''): void {
  const loss = t.computeGradient(lambda).loss;
  expect(loss).toBeCloseTo(referenceLoss(t.layout, t.params, data, opts, lambda).loss, 10);
  for (const [group, offset, size] of parameterGroups(t.layout)) {
    let worst = 0;
    for (let k = offset; k < offset + size; k++) {
      const p = Float64Array.from(t.params);
      p[k] += h;
      const up = referenceLoss(t.layout, p, data, opts, lambda).loss;
      p[k] -= 2 * h;
      const down = referenceLoss(t.layout, p, data, opts, lambda).loss;
      const fd = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - t.grad[k]) / Math.max(1e-3, Math.abs(fd)));
    }
    expect(worst, `${label} ${group}`.trim()).toBeLessThan(1e-4);
  }
}
