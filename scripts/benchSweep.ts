/**
 * `tsx scripts/benchSweep.ts [--json] [--steps N] [--lambdas K] [--seeds S] [--gpu]`: wall time of one
 * sweep (the Sweep view's default grid unless told otherwise) on the CPU engine and, with --gpu,
 * on the WebGPU engine through Dawn (set VK_ICD_FILENAMES / LD_LIBRARY_PATH as bench:gpu does).
 * tsx has no Vite `?raw`, so the kernels are read from src/gpu/kernels/ here.
 */
import { shaderFiles } from './gpuShaders.ts';
import { type Engine } from '../src/core/engine.ts';
import { CpuEngine } from '../src/core/cpuEngine.ts';
import { xorAndModel } from '../src/core/model/xorAnd.ts';
import { modelData } from '../src/core/run.ts';
import { checkSweep, DEFAULT_SWEEP, runSweep, sweepMembers, type SweepSpec } from '../src/worker/sweep.ts';

function parseArgs(argv: string[]): { json: boolean; gpu: boolean; spec: SweepSpec } | string {
  const spec = { ...DEFAULT_SWEEP };
  let json = false;
  let gpu = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--gpu') gpu = true;
    else if (a === '--steps') spec.steps = Number(argv[++i]);
    else if (a === '--lambdas') spec.lambdaCount = Number(argv[++i]);
    else if (a === '--seeds') spec.seeds = Number(argv[++i]);
    else return `unknown option ${a} (use --json, --gpu, --steps N, --lambdas K, --seeds S)`;
  }
  const problems = checkSweep(spec);
  return problems.length > 0 ? problems.join('; ') : { json, gpu, spec };
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
  const engines: [string, () => Promise<Engine>][] = [['cpu', () => Promise.resolve(new CpuEngine(model, members, data))]];
  if (args.gpu) {
    const { create } = await import('webgpu');
    const { GpuEngine } = await import('../src/gpu/gpuEngine.ts');
    const shaders = shaderFiles();
    engines.push(['webgpu', () => GpuEngine.create(create([]), model, members, data, { shaders })]);
  }
  const results = [];
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
      console.log(`${r.engine.padEnd(6)} ${r.members} transcoders × ${r.steps} steps: ${r.seconds.toFixed(1)} s (${Math.round(r.modelStepsPerSecond)} model-steps/s, metrics included)`);
    }
  }
}

void main();
