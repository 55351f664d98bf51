import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, presetValues } from '../src/core/config.ts';
import { parseBenchOptions, parseCliOptions } from './cliOptions.ts';

function ok(argv: string[]) {
  const r = parseCliOptions(argv);
  if (!r.ok) throw new Error(`expected ok, got: ${r.message}`);
  return r.value;
}

function fails(argv: string[]): string {
  const r = parseCliOptions(argv);
  if (r.ok) throw new Error(`expected a failure for ${argv.join(' ')}`);
  return r.message;
}

describe('parseCliOptions', () => {
  it('defaults to DEFAULT_TRAIN, both kinds and seeds 0..4', () => {
    expect(ok([])).toEqual({ config: DEFAULT_TRAIN, kinds: ['clt', 'plt'], seeds: [0, 1, 2, 3, 4], json: false, circuit: '' });
  });

  it('reads every option, in both --opt value and --opt=value forms', () => {
    const v = ok([
      '--kinds', 'plt', '--seeds=3,5', '--steps', '2000', '--lambda=0.1', '--penalty', 'tanh', '--c', '2',
      '--norm=sum', '--features', '8', '--lr', '1e-3', '--window', '1', '--circuit', '(a XOR b)',
      '--epsilon', '0.1', '--lambda-p=0', '--warmup', '0.5', '--asymmetry', '0.2', '--consistency=1.5', '--json',
    ]);
    expect(v).toEqual({
      config: { ...DEFAULT_TRAIN, seed: 3, steps: 2000, lambda: 0.1, penalty: 'tanh', c: 2, norm: 'sum', features: 8,
        lr: 1e-3, window: 1, epsilon: 0.1, lambdaP: 0, warmup: 0.5, asymmetry: 0.2, consistency: 1.5 },
      kinds: ['plt'], seeds: [3, 5], json: true, circuit: '(a XOR b)',
    });
  });

  it('takes seed ranges and lets the last repeat of an option win', () => {
    expect(ok(['--seeds', '0..3,7']).seeds).toEqual([0, 1, 2, 3, 7]);
    expect(ok(['--seeds', '9']).seeds).toEqual([9]);
    expect(ok(['--lambda', '1', '--lambda', '2']).config.lambda).toBe(2);
    expect(ok(['--', '--json']).json).toBe(true);
    expect(ok(['--lr', '2.5e-4']).config.lr).toBe(2.5e-4);
  });

  it('names the option in a one-line message for each kind of mistake', () => {
    expect(fails(['--lambda', 'abc'])).toBe("--lambda: 'abc' is not a number");
    expect(fails(['--lambda=abc'])).toBe("--lambda: 'abc' is not a number");
    expect(fails(['--lambda', '-1'])).toBe("--lambda: '-1' is out of range (0.0001 to 100)");
    expect(fails(['--features', '2.5'])).toBe("--features: '2.5' is not a whole number");
    expect(fails(['--steps', '0'])).toBe("--steps: '0' is out of range (1 to 200000)");
    expect(fails(['--lambda-p', 'NaN'])).toBe("--lambda-p: 'NaN' is not a number");
    expect(fails(['--lambda'])).toBe('--lambda: missing value');
    expect(fails(['--lambda', '--json'])).toBe('--lambda: missing value');
    expect(fails(['--penalty', 'l2'])).toBe("--penalty: 'l2' is not one of l1, tanh, l0");
    expect(fails(['--norm', ''])).toBe("--norm: '' is not one of concat, sum");
    expect(fails(['--kinds', 'clt,sae'])).toBe("--kinds: 'sae' is not one of clt, plt");
    expect(fails(['--kinds', 'clt,clt'])).toBe('--kinds: clt is listed twice');
    expect(fails(['--seeds', '1,x'])).toBe("--seeds: 'x' is not a number");
    expect(fails(['--seeds', '1,,2'])).toBe("--seeds: '' is not a number");
    expect(fails(['--seeds', '5..2'])).toBe("--seeds: range '5..2' runs backwards");
    expect(fails(['--seeds', '0..5000'])).toBe('--seeds: more than 1000 seeds');
    expect(fails(['--seeds', '1,0..2'])).toBe('--seeds: 1 is listed twice');
    expect(fails(['--seeds', '-1'])).toBe("--seeds: '-1' is out of range (0 to 2147483647)");
    expect(fails(['--json=yes'])).toBe('--json takes no value');
    expect(fails(['--consistency', '-1'])).toBe("--consistency: '-1' is out of range (0 to 100)");
    expect(fails(['--asymmetry', 'x'])).toBe("--asymmetry: 'x' is not a number");
    expect(fails(['--circuit', 'a'.repeat(301)])).toBe('--circuit: the formula is 301 characters long (limit 300)');
    expect(fails(['--lamda', '1'])).toMatch(/^unknown option --lamda \(options: --kinds, --seeds, --steps, .*--json\)$/);
    expect(fails(['lambda'])).toBe("unexpected argument 'lambda'; options start with --");
  });

  it('never throws, and every failure is one line', () => {
    const token = fc.oneof(
      fc.constantFrom('--kinds', '--seeds', '--steps', '--lambda', '--penalty', '--c', '--norm', '--features', '--lr',
        '--window', '--circuit', '--epsilon', '--lambda-p', '--warmup', '--asymmetry', '--consistency', '--json', '--', '--x',
        '--lambda=', '-l'),
      fc.string({ maxLength: 8 }),
      fc.double().map(String),
    );
    fc.assert(fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
      const r = parseCliOptions(argv);
      if (!r.ok) expect(r.message).not.toMatch(/\n/);
    }), { numRuns: 2000 });
  });
});

describe('parseCliOptions: recipe presets and options (SPEC §2)', () => {
  it('--preset write-up sets the write-up recipe; an explicit option wins over it', () => {
    const r = parseCliOptions(['--preset', 'write-up', '--pad-dims', '0']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.config).toEqual({ ...DEFAULT_TRAIN, ...presetValues('write-up'), seed: 0, padDims: 0 });
    expect(r.value.config.reduction).toBe('mean');
    // Order does not matter: explicit options always win over the preset.
    const before = parseCliOptions(['--pad-dims', '0', '--preset', 'write-up']);
    expect(before.ok && before.value.config).toEqual(r.value.config);
  });

  it('reads every recipe option', () => {
    const r = parseCliOptions([
      '--reduction', 'mean', '--pad-dims', '110', '--layout', 'as-trained', '--theta', 'direct', '--theta-init', '0.03',
      '--straight-through', 'relu', '--preact', 'neg', '--init', 'uniform', '--lr-decay-step', '800', '--lr-decay-factor', '0.1',
    ]);
    expect(r.ok && r.value.config).toEqual({
      ...DEFAULT_TRAIN, reduction: 'mean', padDims: 110, layout: 'as-trained', thetaParam: 'direct', thetaInit: 0.03,
      straightThrough: 'relu', preact: 'neg', init: 'uniform', lrDecayStep: 800, lrDecayFactor: 0.1,
    });
  });

  it('rejects a bad preset or recipe value in one line naming the option', () => {
    expect(parseCliOptions(['--preset', 'paper'])).toEqual({ ok: false, message: "--preset: 'paper' is not one of spec, write-up" });
    expect(parseCliOptions(['--layout', 'sideways'])).toEqual({ ok: false, message: "--layout: 'sideways' is not one of as-described, as-trained" });
    expect(parseCliOptions(['--pad-dims', '-1'])).toEqual({ ok: false, message: "--pad-dims: '-1' is out of range (0 to 4096)" });
  });
});

describe('parseBenchOptions', () => {
  it('defaults to 20000 steps of the default experiment', () => {
    expect(parseBenchOptions([])).toEqual({ ok: true, value: { config: { ...DEFAULT_TRAIN, steps: 20000 }, json: false } });
  });

  it('reads --json, --steps and --features', () => {
    expect(parseBenchOptions(['--json', '--steps=500', '--features', '64'])).toEqual({
      ok: true, value: { config: { ...DEFAULT_TRAIN, steps: 500, features: 64 }, json: true },
    });
  });

  it('rejects other options and bad values, naming the option', () => {
    expect(parseBenchOptions(['--lambda', '1'])).toEqual({ ok: false, message: 'unknown option --lambda (options: --steps, --features, --json)' });
    expect(parseBenchOptions(['--features', '0'])).toEqual({ ok: false, message: "--features: '0' is out of range (1 to 256)" });
    expect(parseBenchOptions(['--steps'])).toEqual({ ok: false, message: '--steps: missing value' });
  });
});
