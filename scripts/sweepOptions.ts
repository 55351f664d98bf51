/**
 * Options of `npm run sweep` and `npm run bench:sweep` (CONTRACTS §1), read into a SweepSpec
 * with cliOptions.ts's reader: `--name value` or `--name=value`, the last repeat wins, and any
 * problem is one line that names the option.
 */
import { PENALTIES } from '../src/core/config.ts';
import { xorAndModel } from '../src/core/model/xorAnd.ts';
import { quote } from '../src/core/text.ts';
import { readNumber } from '../src/state/url.ts';
import { checkSweep, DEFAULT_SWEEP, SWEEP_BOUNDS, SWEEP_VARIANTS, type SweepSpec, type SweepVariant } from '../src/core/sweep/sweep.ts';
import { readArgs, readChoice, type CliResult } from './cliOptions.ts';

export interface SweepOptions {
  spec: SweepSpec;
  workers: number;
  json: boolean;
}

/** Most threads a sweep may ask for. */
export const MAX_WORKERS = 64;

const SWEEP_OPTIONS = ['lambdas', 'seeds', 'variants', 'steps', 'features', 'penalty', 'c', 'window', 'workers', 'json'];

function wholeNumber(name: string, text: string, min: number, max: number): CliResult<number> {
  const t = text.trim();
  const v = Number(t);
  if (!/^\d+$/.test(t) || v < min || v > max) return { ok: false, message: `--${name}: ${quote(text)} is not a whole number from ${min} to ${max}` };
  return { ok: true, value: v };
}

/** `X` (one λ), `MIN..MAX` (DEFAULT_SWEEP's count) or `MIN..MAX:COUNT`, log-spaced as in the page. */
function readLambdas(text: string): CliResult<Pick<SweepSpec, 'lambdaMin' | 'lambdaMax' | 'lambdaCount'>> {
  const m = /^([^:]*?)(?:\.\.([^:]*))?(?::(.*))?$/.exec(text.trim());
  const usage = `--lambdas: ${quote(text)} is not X, MIN..MAX or MIN..MAX:COUNT`;
  if (!m) return { ok: false, message: usage };
  const [, a, b, count] = m;
  const min = readNumber('lambda', a);
  if (!min.ok) return { ok: false, message: `--lambdas: ${min.message}` };
  if (b === undefined) {
    if (count !== undefined) return { ok: false, message: usage };
    return { ok: true, value: { lambdaMin: min.value, lambdaMax: min.value, lambdaCount: 1 } };
  }
  const max = readNumber('lambda', b);
  if (!max.ok) return { ok: false, message: `--lambdas: ${max.message}` };
  if (max.value < min.value) return { ok: false, message: `--lambdas: range ${quote(text)} runs backwards` };
  const n = count === undefined ? { ok: true as const, value: DEFAULT_SWEEP.lambdaCount } : wholeNumber('lambdas', count, SWEEP_BOUNDS.lambdaCount.min, SWEEP_BOUNDS.lambdaCount.max);
  if (!n.ok) return { ok: false, message: `${n.message} (the count after :)` };
  return { ok: true, value: { lambdaMin: min.value, lambdaMax: max.value, lambdaCount: n.value } };
}

/** A sweep's seeds are 0 … n − 1: `n`, or the range `0..n−1`. */
function readSeeds(text: string): CliResult<number> {
  const t = text.trim();
  const range = /^0\.\.(\d+)$/.exec(t);
  if (range) return wholeNumber('seeds', String(Number(range[1]) + 1), SWEEP_BOUNDS.seeds.min, SWEEP_BOUNDS.seeds.max);
  if (/^\d+$/.test(t)) return wholeNumber('seeds', t, SWEEP_BOUNDS.seeds.min, SWEEP_BOUNDS.seeds.max);
  return { ok: false, message: `--seeds: ${quote(text)} is not a count n or a range 0..n−1 (a sweep trains seeds 0 … n − 1)` };
}

function readVariants(text: string): CliResult<SweepVariant[]> {
  const variants: SweepVariant[] = [];
  for (const part of text.split(',')) {
    const r = readChoice('variants', part, SWEEP_VARIANTS);
    if (!r.ok) return r;
    if (variants.includes(r.value)) return { ok: false, message: `--variants: ${r.value} is listed twice` };
    variants.push(r.value);
  }
  return { ok: true, value: variants };
}

/** Parses the options; defaults are the Sweep view's (DEFAULT_SWEEP) and `defaultWorkers` threads. */
export function parseSweepOptions(argv: readonly string[], defaultWorkers: number, known: readonly string[] = SWEEP_OPTIONS): CliResult<SweepOptions> {
  const args = readArgs(argv, known);
  if (!args.ok) return args;
  const a = args.value;
  const spec: SweepSpec = { ...DEFAULT_SWEEP, variants: [...DEFAULT_SWEEP.variants] };
  if (a.has('lambdas')) {
    const r = readLambdas(a.get('lambdas')!);
    if (!r.ok) return r;
    Object.assign(spec, r.value);
  }
  if (a.has('seeds')) {
    const r = readSeeds(a.get('seeds')!);
    if (!r.ok) return r;
    spec.seeds = r.value;
  }
  if (a.has('variants')) {
    const r = readVariants(a.get('variants')!);
    if (!r.ok) return r;
    spec.variants = r.value;
  }
  const whole: [string, 'steps' | 'window', { min: number; max: number }][] = [['steps', 'steps', SWEEP_BOUNDS.steps], ['window', 'window', SWEEP_BOUNDS.window]];
  for (const [name, key, range] of whole) {
    if (!a.has(name)) continue;
    const r = wholeNumber(name, a.get(name)!, range.min, range.max);
    if (!r.ok) return r;
    spec[key] = r.value;
  }
  for (const [name, key] of [['features', 'features'], ['c', 'c']] as const) {
    if (!a.has(name)) continue;
    const r = readNumber(key, a.get(name)!);
    if (!r.ok) return { ok: false, message: `--${name}: ${r.message}` };
    spec[key] = r.value;
  }
  if (a.has('penalty')) {
    const r = readChoice('penalty', a.get('penalty')!, PENALTIES);
    if (!r.ok) return r;
    spec.penalty = r.value;
  }
  let workers = Math.max(1, Math.min(MAX_WORKERS, Math.floor(defaultWorkers)));
  if (a.has('workers')) {
    const r = wholeNumber('workers', a.get('workers')!, 1, MAX_WORKERS);
    if (!r.ok) return r;
    workers = r.value;
  }
  // The grid's own bounds (runs, parameters), as the page checks them.
  const problems = checkSweep(spec, xorAndModel());
  if (problems.length > 0) return { ok: false, message: `--lambdas/--seeds/--variants/--features: ${problems.join('; ')}` };
  return { ok: true, value: { spec, workers, json: a.has('json') } };
}
