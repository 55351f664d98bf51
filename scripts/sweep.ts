/**
 * `npm run sweep -- [--lambdas MIN..MAX:COUNT] [--seeds N] [--variants a,b] [--steps N]
 * [--features F] [--penalty P] [--c X] [--window K] [--workers K] [--json]` (CONTRACTS §1): the
 * Sweep view's grid in Node, sliced over K worker threads (default: every core) on the CPU
 * engine, rows in grid order — the same numbers as the page's CSV. `--json` prints
 * {"config": {...}, "runs": [...]} on the last line, one run per CSV row.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_TRAIN } from '../src/core/config.ts';
import { sweepCsv, sweepLambdas, sweepRecords, trainConfigOf, VARIANT_LABEL, chosenVariants } from '../src/core/sweep/sweep.ts';
import { formatDuration, throughput, type ProgressSample } from '../src/core/sweep/pool.ts';
import { parseSweepOptions } from './sweepOptions.ts';
import { runSweepThreads } from './sweepThreads.ts';

async function main(): Promise<void> {
  const parsed = parseSweepOptions(process.argv.slice(2), availableParallelism());
  if (!parsed.ok) {
    console.error(`sweep: ${parsed.message}`);
    process.exit(2);
  }
  const { spec, workers, json } = parsed.value;
  const base = trainConfigOf(DEFAULT_TRAIN);
  const lambdas = sweepLambdas(spec.lambdaMin, spec.lambdaMax, spec.lambdaCount);
  const variants = chosenVariants(spec);
  const runs = lambdas.length * spec.seeds * variants.length;
  // Progress goes to stderr, so stdout stays the table or the JSON line.
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  console.error(`sweep: ${plural(runs, 'run')} (${lambdas.length} λ × ${plural(spec.seeds, 'seed')} × ${variants.map((v) => VARIANT_LABEL[v]).join(', ')}) × ${plural(spec.steps, 'step')} on ${plural(workers, 'worker thread')}`);
  const t0 = performance.now();
  let first: ProgressSample | null = null;
  let lastLog = 0;
  const out = await runSweepThreads(spec, base, workers, (p) => {
    const now = { t: performance.now(), done: p.modelSteps };
    if (!first && p.modelSteps > 0) first = now;
    if (now.t - lastLog < 2000) return;
    lastLog = now.t;
    const r = throughput(first, now, p.totalModelSteps);
    console.error(`  ${p.runs}/${p.totalRuns} runs, ${r.perSecond === null ? '—' : Math.round(r.perSecond)} model-steps/s, ${formatDuration(r.secondsLeft)} left`);
  }, (s, message) => console.error(`sweep: worker ${s + 1} failed (${message}); retrying its runs once`));
  const seconds = (performance.now() - t0) / 1000;
  if (out.failures.length > 0) {
    for (const f of out.failures) console.error(`sweep: worker ${f.slice + 1} failed twice (${f.message}); runs ${f.indices.join(', ')} are missing`);
    process.exitCode = 1;
  }
  console.error(`sweep: ${plural(out.rows.length, 'run')} in ${seconds.toFixed(1)} s (${Math.round((out.rows.length * spec.steps) / seconds)} model-steps/s, thread start-up included)`);
  if (json) {
    const config = { ...spec, variants, lambdas, workers, base };
    console.log(JSON.stringify({ config, runs: sweepRecords(out.rows) }));
  } else process.stdout.write(sweepCsv(out.rows));
}

void main();
