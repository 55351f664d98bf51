/**
 * `tsx scripts/benchSweep.ts [--json] [--steps N] [--lambdas K] [--seeds S] [--workers K[,K…]] [--gpu]`:
 * wall time of one sweep (the Sweep view's default grid unless told otherwise) on the CPU engine
 * — in this thread as one population, or with --workers on the sweep pool of K worker threads
 * (npm run sweep's, thread start-up included), once per K listed — and, with --gpu, on the
 * WebGPU engine through Dawn (set VK_ICD_FILENAMES / LD_LIBRARY_PATH as bench:gpu does).
 * tsx has no Vite `?raw`, so the kernels are read from src/gpu/kernels/ here.
 */
import { shaderFiles } from './gpuShaders.ts';
import { type Engine } from '../src/core/engine.ts';
import { CpuEngine } from '../src/core/cpuEngine.ts';
import { xorAndModel } from '../src/core/model/xorAnd.ts';
import { modelData } from '../src/core/run.ts';
import { DEFAULT_TRAIN } from '../src/core/config.ts';
import { checkSweep, DEFAULT_SWEEP, runSweep, sweepMembers, trainConfigOf, type SweepSpec } from '../src/core/sweep/sweep.ts';
import { MAX_WORKERS } from './sweepOptions.ts';
import { runSweepThreads } from './sweepThreads.ts';

function parseArgs(argv: string[]): { json: boolean; gpu: boolean; spec: SweepSpec; workers: number[] } | string {
  const spec = { ...DEFAULT_SWEEP };
  let json = false;
  let gpu = false;
  const workers: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--gpu') gpu = true;
    else if (a === '--steps') spec.steps = Number(argv[++i]);
    else if (a === '--lambdas') spec.lambdaCount = Number(argv[++i]);
    else if (a === '--seeds') spec.seeds = Number(argv[++i]);
    else if (a === '--workers') {
      const text = argv[++i] ?? '';
      for (const part of text.split(',')) {
        const k = Number(part);
        if (!/^\d+$/.test(part) || k < 1 || k > MAX_WORKERS) return `--workers: '${text}' is not a list of whole numbers from 1 to ${MAX_WORKERS}`;
        workers.push(k);
      }
    } else if (a !== '--') return `unknown option ${a} (use --json, --gpu, --steps N, --lambdas K, --seeds S, --workers K[,K…])`;
  }
  const problems = checkSweep(spec);
  return problems.length > 0 ? problems.join('; ') : { json, gpu, spec, workers };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    console.error(args);
    process.exit(2);
  }
  const model = xorAndModel();
  const data = modelData(model);
  const members = sweepMembers(args.spec);
  const engines: [string, () => Promise<Engine>][] = args.workers.length > 0 ? [] : [['cpu', () => Promise.resolve(new CpuEngine(model, members, data))]];
  if (args.gpu) {
    const { create } = await import('webgpu');
    const { GpuEngine } = await import('../src/gpu/gpuEngine.ts');
    const shaders = shaderFiles();
    engines.push(['webgpu', () => GpuEngine.create(create([]), model, members, data, { shaders })]);
  }
  const results: { engine: string; workers?: number; members: number; steps: number; seconds: number; modelStepsPerSecond: number }[] = [];
  for (const workers of args.workers) {
    const t0 = performance.now();
    const out = await runSweepThreads(args.spec, trainConfigOf(DEFAULT_TRAIN), workers);
    const seconds = (performance.now() - t0) / 1000;
    if (out.failures.length > 0 || out.rows.length !== members.length) throw new Error(`the ${workers}-thread sweep lost runs: ${out.failures.map((f) => f.message).join('; ')}`);
    results.push({ engine: 'cpu', workers, members: members.length, steps: args.spec.steps, seconds, modelStepsPerSecond: (members.length * args.spec.steps) / seconds });
  }
  for (const [name, make] of engines) {
    const engine = await make();
    const t0 = performance.now();
    await runSweep(engine, model, members, args.spec.steps);
    const seconds = (performance.now() - t0) / 1000;
    engine.dispose();
    results.push({ engine: name, members: members.length, steps: args.spec.steps, seconds, modelStepsPerSecond: (members.length * args.spec.steps) / seconds });
  }
  if (args.json) console.log(JSON.stringify(results));
  else {
    for (const r of results) {
      const on = r.workers ? `${r.engine} × ${r.workers} thread${r.workers === 1 ? '' : 's'}` : r.engine;
      console.log(`${on.padEnd(14)} ${r.members} transcoders × ${r.steps} steps: ${r.seconds.toFixed(1)} s (${Math.round(r.modelStepsPerSecond)} model-steps/s, metrics included)`);
    }
    const one = results.find((r) => r.workers === 1);
    for (const r of results) {
      if (one && r.workers && r.workers > 1) console.log(`speed-up of ${r.workers} threads over 1: ${(one.seconds / r.seconds).toFixed(2)}×`);
    }
  }
}

void main();
