/** Trains every (kind, seed) of a reproduction on the CPU engine and summarises it (CONTRACTS §1). */
import type { TrainConfig, TranscoderKind } from '../src/core/config.ts';
import { computeMetrics, type Metrics } from '../src/core/metrics/metrics.ts';
import type { BaseModel } from '../src/core/model/baseModel.ts';
import { cpuTrainer, modelData } from '../src/core/run.ts';
import { depthSignature } from '../src/core/attribution/depth.ts';

export interface RunResult extends Metrics {
  kind: TranscoderKind;
  seed: number;
  steps: number;
  ms?: number;
  /** Per layer: the share of positive attribution into the output, pooled over the inputs (SPEC §5, core/attribution/depth.ts). */
  attributionShare: number[];
  /** Running sum of attributionShare (the write-up's Figure 6 measure). */
  cumulativeShare: number[];
  /** Per layer: MSE as a mean over padDims dims (Table 1's), present only when padDims > 0. */
  msePadded?: number[];
}

/** MSE over a padded width P from the MSE over the model's D dims: the padding adds no error, so ×D/P. */
export function paddedMse(mse: readonly number[], dims: number, padDims: number): number[] {
  return mse.map((v) => (v * dims) / padDims);
}

export function reproduceRuns(
  model: BaseModel,
  config: TrainConfig,
  kinds: readonly TranscoderKind[],
  seeds: readonly number[],
  timing: boolean,
): RunResult[] {
  const data = modelData(model, config.layout);
  const runs: RunResult[] = [];
  for (const seed of seeds) {
    for (const kind of kinds) {
      const cfg = { ...config, seed };
      const t0 = performance.now();
      const trainer = cpuTrainer(kind, model, data, cfg);
      trainer.train(cfg.steps);
      const ms = Math.round(performance.now() - t0);
      const m = computeMetrics(trainer, data, model);
      // New fields go last, after every CONTRACTS §1 field, so the documented order holds.
      const { attributionShare, cumulativeShare } = depthSignature(trainer, data, model);
      // Under a padded width (SPEC §2 write-up), also the MSE as Table 1 reports it: over all padDims dims.
      const padded = cfg.padDims > 0 ? { msePadded: paddedMse(m.mse, model.dims, cfg.padDims) } : {};
      runs.push({ kind, seed, ...m, steps: cfg.steps, ...(timing ? { ms } : {}), attributionShare, cumulativeShare, ...padded });
    }
  }
  return runs;
}

function meanSd(xs: number[]): [number, number] {
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) : 0;
  return [m, Math.sqrt(v)];
}

/** The write-up's Table 1 layout: one column per kind, mean ± sd over seeds. */
export function formatTable(runs: RunResult[], kinds: readonly TranscoderKind[], layers: number): string {
  const rows: [string, (r: RunResult) => number, (v: number) => string][] = [
    ['Replacement accuracy', (r) => r.accuracy, (v) => `${(100 * v).toFixed(1)}%`],
  ];
  for (let l = 0; l < layers; l++) rows.push([`L0 (layer ${l})`, (r) => r.l0[l], (v) => v.toFixed(2)]);
  for (let l = 0; l < layers; l++) rows.push([`MSE (layer ${l})`, (r) => r.mse[l], (v) => v.toFixed(4)]);
  if (runs.length > 0 && runs.every((r) => r.msePadded)) {
    for (let l = 0; l < layers; l++) rows.push([`MSE over padded dims (layer ${l})`, (r) => r.msePadded![l], (v) => v.toFixed(4)]);
  }
  for (let l = 0; l < layers; l++) rows.push([`Alive (layer ${l})`, (r) => r.alive[l], (v) => v.toFixed(1)]);
  rows.push(['Faithfulness (mean effect IIA, hand-off patches)', (r) => r.faithfulness, (v) => v.toFixed(3)]);
  for (let l = 0; l < layers; l++) rows.push([`Attribution share (layer ${l})`, (r) => r.attributionShare[l], (v) => v.toFixed(3)]);
  const header = ['Metric', ...kinds.map((k) => `JumpReLU ${k.toUpperCase()}`)];
  const body = rows.map(([name, get, f]) => [
    name,
    ...kinds.map((k) => {
      const [m, sd] = meanSd(runs.filter((r) => r.kind === k).map(get));
      return `${f(m)} ± ${f(sd)}`;
    }),
  ]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
