/**
 * Command-line options of `npm run reproduce` and `npm run bench` (CONTRACTS §1), read into a
 * TrainConfig. Numbers are checked against the BOUNDS table through the URL codec's reader, so
 * the page and the CLI accept the same values. Options take `--name value` or `--name=value`;
 * given twice, the last one counts. Any problem is one line that names the option.
 */
import {
  DATA_LAYOUTS, DEFAULT_TRAIN, INIT_SCHEMES, NORMS, PENALTIES, PREACT_FORMS, PRESETS, REDUCTIONS, STRAIGHT_THROUGH,
  THETA_PARAMS, presetValues,
  type NumericKey, type TrainConfig, type TranscoderKind,
} from '../src/core/config.ts';
import { quote } from '../src/core/text.ts';
import { MAX_CIRCUIT_LENGTH, readNumber } from '../src/state/url.ts';
import { circuitFormula } from './circuitOption.ts';

export type CliResult<T> = { ok: true; value: T } | { ok: false; message: string };

export interface CliOptions {
  config: TrainConfig;
  kinds: TranscoderKind[];
  seeds: number[];
  json: boolean;
  /** '' is the write-up's model. */
  circuit: string;
}

export interface BenchOptions {
  config: TrainConfig;
  json: boolean;
}

const KINDS: readonly TranscoderKind[] = ['clt', 'plt'];
/** Five seeds: enough for a mean ± sd, quick enough to run by default. */
export const DEFAULT_SEEDS: readonly number[] = [0, 1, 2, 3, 4];
/** Bench steps: long enough that JIT warm-up and timer noise are small. */
export const DEFAULT_BENCH_STEPS = 20_000;
/** Longest `A..B` seed range, so a typo cannot ask for millions of runs. */
const MAX_SEEDS = 1000;

type TrainNumericKey = Exclude<NumericKey, 'input' | 'seed'>;
/** Option name → TrainConfig key, for every plain number option. */
const NUMBER_OPTIONS: Readonly<Record<string, TrainNumericKey>> = {
  steps: 'steps', lambda: 'lambda', c: 'c', features: 'features', lr: 'lr', window: 'window',
  epsilon: 'epsilon', 'lambda-p': 'lambdaP', warmup: 'warmup', asymmetry: 'asymmetry', consistency: 'consistency',
  'pad-dims': 'padDims', 'theta-init': 'thetaInit', 'lr-decay-step': 'lrDecayStep', 'lr-decay-factor': 'lrDecayFactor',
};
type ChoiceOptionKey = 'penalty' | 'norm' | 'reduction' | 'layout' | 'thetaParam' | 'straightThrough' | 'preact' | 'init';
/** Option name → [TrainConfig key, its choices], for every choice option. */
const CHOICE_OPTIONS: Readonly<Record<string, [ChoiceOptionKey, readonly string[]]>> = {
  penalty: ['penalty', PENALTIES], norm: ['norm', NORMS], reduction: ['reduction', REDUCTIONS], layout: ['layout', DATA_LAYOUTS],
  theta: ['thetaParam', THETA_PARAMS], 'straight-through': ['straightThrough', STRAIGHT_THROUGH], preact: ['preact', PREACT_FORMS],
  init: ['init', INIT_SCHEMES],
};
const REPRODUCE_OPTIONS = ['kinds', 'seeds', ...Object.keys(NUMBER_OPTIONS), ...Object.keys(CHOICE_OPTIONS), 'preset', 'circuit', 'json'];
const BENCH_OPTIONS = ['steps', 'features', 'json'];
const FLAGS = new Set(['json']);

/** Splits argv into option → value (flags get ''), checking names and presence of values. */
export function readArgs(argv: readonly string[], known: readonly string[]): CliResult<Map<string, string>> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue; // npm and tsx may pass their separator through
    if (!arg.startsWith('--')) return { ok: false, message: `unexpected argument ${quote(arg)}; options start with --` };
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!known.includes(name)) {
      return { ok: false, message: `unknown option --${name} (options: ${known.map((k) => `--${k}`).join(', ')})` };
    }
    if (FLAGS.has(name)) {
      if (eq >= 0) return { ok: false, message: `--${name} takes no value` };
      values.set(name, '');
      continue;
    }
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) return { ok: false, message: `--${name}: missing value` };
      value = next;
      i++;
    }
    values.set(name, value);
  }
  return { ok: true, value: values };
}

/** Applies the number options present in args to config; the first bad one is the message. */
function readNumbers(args: Map<string, string>, config: TrainConfig): string | null {
  for (const [name, text] of args) {
    if (!Object.hasOwn(NUMBER_OPTIONS, name)) continue;
    const key = NUMBER_OPTIONS[name];
    const r = readNumber(key, text);
    if (!r.ok) return `--${name}: ${r.message}`;
    config[key] = r.value;
  }
  return null;
}

export function readChoice<T extends string>(name: string, text: string, choices: readonly T[]): CliResult<T> {
  const t = text.trim();
  const found = choices.find((c) => c === t);
  return found ? { ok: true, value: found } : { ok: false, message: `--${name}: ${quote(text)} is not one of ${choices.join(', ')}` };
}

function readKinds(text: string): CliResult<TranscoderKind[]> {
  const kinds: TranscoderKind[] = [];
  for (const part of text.split(',')) {
    const r = readChoice('kinds', part, KINDS);
    if (!r.ok) return r;
    if (kinds.includes(r.value)) return { ok: false, message: `--kinds: ${r.value} is listed twice` };
    kinds.push(r.value);
  }
  return { ok: true, value: kinds };
}

/** Seeds as a comma list whose entries are numbers or inclusive ranges `A..B`. */
function readSeeds(text: string): CliResult<number[]> {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const ends = part.split('..');
    if (ends.length > 2) return { ok: false, message: `--seeds: ${quote(part)} is not a seed or a range A..B` };
    const nums: number[] = [];
    for (const end of ends) {
      const r = readNumber('seed', end);
      if (!r.ok) return { ok: false, message: `--seeds: ${r.message}` };
      nums.push(r.value);
    }
    const [from, to] = [nums[0], nums[nums.length - 1]];
    if (to < from) return { ok: false, message: `--seeds: range ${quote(part)} runs backwards` };
    if (seeds.length + (to - from + 1) > MAX_SEEDS) return { ok: false, message: `--seeds: more than ${MAX_SEEDS} seeds` };
    for (let s = from; s <= to; s++) {
      if (seeds.includes(s)) return { ok: false, message: `--seeds: ${s} is listed twice` };
      seeds.push(s);
    }
  }
  return { ok: true, value: seeds };
}

/** Parses `npm run reproduce` options; defaults come from DEFAULT_TRAIN. */
export function parseCliOptions(argv: readonly string[]): CliResult<CliOptions> {
  const args = readArgs(argv, REPRODUCE_OPTIONS);
  if (!args.ok) return args;
  const a = args.value;
  const config: TrainConfig = { ...DEFAULT_TRAIN };
  // The preset (spec unless named) sets every recipe option first, for the circuit trained on
  // (a compiled one has its own λ); each explicit option then wins over it.
  const formula = circuitFormula(a.get('circuit') ?? '');
  if (a.has('preset')) {
    const preset = readChoice('preset', a.get('preset')!, PRESETS);
    if (!preset.ok) return preset;
    Object.assign(config, presetValues(preset.value, formula));
  } else Object.assign(config, presetValues('spec', formula));
  const bad = readNumbers(a, config);
  if (bad) return { ok: false, message: bad };

  for (const [name, text] of a) {
    if (!Object.hasOwn(CHOICE_OPTIONS, name)) continue;
    const [key, choices] = CHOICE_OPTIONS[name];
    const r = readChoice(name, text, choices);
    if (!r.ok) return r;
    (config as unknown as Record<ChoiceOptionKey, string>)[key] = r.value;
  }

  const kinds = a.has('kinds') ? readKinds(a.get('kinds')!) : { ok: true as const, value: [...KINDS] };
  if (!kinds.ok) return kinds;
  const seeds = a.has('seeds') ? readSeeds(a.get('seeds')!) : { ok: true as const, value: [...DEFAULT_SEEDS] };
  if (!seeds.ok) return seeds;
  config.seed = seeds.value[0];

  const circuit = (a.get('circuit') ?? '').trim();
  if (circuit.length > MAX_CIRCUIT_LENGTH) {
    return { ok: false, message: `--circuit: the formula is ${circuit.length} characters long (limit ${MAX_CIRCUIT_LENGTH})` };
  }
  return { ok: true, value: { config, kinds: kinds.value, seeds: seeds.value, json: a.has('json'), circuit } };
}

/** Parses `npm run bench` options: --json, --steps N (default 20000), --features F. */
export function parseBenchOptions(argv: readonly string[]): CliResult<BenchOptions> {
  const args = readArgs(argv, BENCH_OPTIONS);
  if (!args.ok) return args;
  const config: TrainConfig = { ...DEFAULT_TRAIN, steps: DEFAULT_BENCH_STEPS };
  const bad = readNumbers(args.value, config);
  if (bad) return { ok: false, message: bad };
  return { ok: true, value: { config, json: args.value.has('json') } };
}
