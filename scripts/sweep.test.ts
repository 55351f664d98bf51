import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CpuEngine } from '../src/core/cpuEngine.ts';
import { xorAndModel } from '../src/core/model/xorAnd.ts';
import { DEFAULT_SWEEP, runSweep, sweepCsv, sweepMembers, sweepRecords } from '../src/core/sweep/sweep.ts';
import { parseSweepOptions } from './sweepOptions.ts';

const run = promisify(execFile);
const tsx = new URL('../node_modules/.bin/tsx', import.meta.url).pathname;
const script = new URL('./sweep.ts', import.meta.url).pathname;

function ok(argv: string[]) {
  const r = parseSweepOptions(argv, 4);
  if (!r.ok) throw new Error(`expected ok, got: ${r.message}`);
  return r.value;
}

function fails(argv: string[]): string {
  const r = parseSweepOptions(argv, 4);
  if (r.ok) throw new Error(`expected a failure for ${argv.join(' ')}`);
  return r.message;
}

describe('npm run sweep options', () => {
  it('defaults to the Sweep view’s grid on the default thread count', () => {
    expect(ok([])).toEqual({ spec: DEFAULT_SWEEP, workers: 4, json: false });
    expect(parseSweepOptions([], 200).ok && parseSweepOptions([], 200)).toMatchObject({ value: { workers: 64 } });
  });

  it('reads every option', () => {
    expect(ok(['--lambdas', '0.02..2:5', '--seeds=3', '--variants', 'plt,clt-sum', '--steps', '800', '--features', '8', '--penalty', 'tanh', '--c', '2', '--window', '1', '--workers', '2', '--json'])).toEqual({
      spec: { ...DEFAULT_SWEEP, lambdaMin: 0.02, lambdaMax: 2, lambdaCount: 5, seeds: 3, variants: ['plt', 'clt-sum'], steps: 800, features: 8, penalty: 'tanh', c: 2, window: 1 },
      workers: 2,
      json: true,
    });
    expect(ok(['--lambdas', '0.3']).spec).toMatchObject({ lambdaMin: 0.3, lambdaMax: 0.3, lambdaCount: 1 });
    expect(ok(['--lambdas', '0.1..1']).spec).toMatchObject({ lambdaMin: 0.1, lambdaMax: 1, lambdaCount: DEFAULT_SWEEP.lambdaCount });
    expect(ok(['--seeds', '0..3']).spec.seeds).toBe(4);
  });

  it('names the option in a one-line message for each kind of mistake', () => {
    expect(fails(['--lambdas', 'x'])).toBe("--lambdas: 'x' is not a number");
    expect(fails(['--lambdas', '1..0.1'])).toBe("--lambdas: range '1..0.1' runs backwards");
    expect(fails(['--lambdas', '0.1..1:0'])).toBe("--lambdas: '0' is not a whole number from 1 to 32 (the count after :)");
    expect(fails(['--lambdas', '0.1:3'])).toBe("--lambdas: '0.1:3' is not X, MIN..MAX or MIN..MAX:COUNT");
    expect(fails(['--seeds', '1,2'])).toBe("--seeds: '1,2' is not a count n or a range 0..n−1 (a sweep trains seeds 0 … n − 1)");
    expect(fails(['--seeds', '65'])).toBe("--seeds: '65' is not a whole number from 1 to 64");
    expect(fails(['--variants', 'clt,plt'])).toBe("--variants: 'clt' is not one of clt-concat, clt-sum, clt-window, plt");
    expect(fails(['--variants', 'plt,plt'])).toBe('--variants: plt is listed twice');
    expect(fails(['--steps', '20001'])).toBe("--steps: '20001' is not a whole number from 1 to 20000");
    expect(fails(['--workers', '0'])).toBe("--workers: '0' is not a whole number from 1 to 64");
    expect(fails(['--workers'])).toBe('--workers: missing value');
    expect(fails(['--kinds', 'clt'])).toMatch(/^unknown option --kinds \(options: --lambdas, /);
    expect(fails(['--lambdas', '0.1..1:32', '--seeds', '64'])).toMatch(/^--lambdas\/--seeds\/--variants\/--features: 6144 transcoders/);
    for (const m of [fails(['--c', '0']), fails(['--penalty', 'l2'])]) expect(m).not.toContain('\n');
  });
});

describe('npm run sweep', () => {
  const model = xorAndModel();
  const spec = { ...DEFAULT_SWEEP, lambdaMin: 0.1, lambdaMax: 1, lambdaCount: 2, seeds: 2, variants: ['clt-concat' as const, 'plt' as const], steps: 150 };
  const args = ['--lambdas', '0.1..1:2', '--seeds', '2', '--variants', 'clt-concat,plt', '--steps', '150', '--json'];

  it('writes the CSV’s rows as JSON records, column for column', async () => {
    const members = sweepMembers(spec);
    const rows = (await runSweep(new CpuEngine(model, members), model, members, spec.steps))!;
    const [header, ...lines] = sweepCsv(rows).trimEnd().split('\n');
    const records = sweepRecords(rows);
    records.forEach((rec, i) => {
      expect(Object.keys(rec)).toEqual(header.split(','));
      expect(Object.values(rec).map((v) => (v === null ? '' : String(v)))).toEqual(lines[i].split(','));
    });
  });

  it('trains the same grid on 1 and 3 threads, bit for bit, as one population does', async () => {
    const members = sweepMembers(spec);
    const expected = sweepRecords((await runSweep(new CpuEngine(model, members), model, members, spec.steps))!);
    const outs = [];
    for (const workers of ['1', '3']) {
      const { stdout } = await run(tsx, [script, ...args, '--workers', workers], { timeout: 120_000 });
      const last = JSON.parse(stdout.trimEnd().split('\n').pop()!);
      expect(last.config).toMatchObject({ lambdas: [0.1, 1], seeds: 2, variants: ['clt-concat', 'plt'], steps: 150, workers: Number(workers) });
      outs.push(last.runs);
    }
    expect(outs[0]).toEqual(expected);
    expect(outs[1]).toEqual(expected);
  }, 180_000);

  it('exits non-zero with one line naming a bad option', async () => {
    const err = await run(tsx, [script, '--workers', 'many'], { timeout: 60_000 }).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim()).toBe("sweep: --workers: 'many' is not a whole number from 1 to 64");
  }, 60_000);
});
