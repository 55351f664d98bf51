/**
 * `npm run bench:gpu -- [--json] [--seconds S] [--sizes 1,16,256]`: model-steps per second
 * (members × steps / s) of the WebGPU engine (Dawn in Node) beside the CPU engine's, for
 * populations of mixed CLTs and PLTs on the default experiment. The npm script sets
 * VK_ICD_FILENAMES and LD_LIBRARY_PATH before Node starts (SwiftShader where no GPU driver is).
 *
 * tsx has no Vite `?raw`, so the kernels are read from src/gpu/kernels/ here and handed to the engine.
 */
import { shaderFiles } from './gpuShaders.ts';
import { create } from 'webgpu';
import { DEFAULT_TRAIN } from '../src/core/config.ts';
import { type MemberSpec } from '../src/core/engine.ts';
import { CpuEngine } from '../src/core/cpuEngine.ts';
import { xorAndModel } from '../src/core/model/xorAnd.ts';
import { modelData } from '../src/core/run.ts';
import { GpuEngine } from '../src/gpu/gpuEngine.ts';

interface Row {
  P: number;
  gpuModelStepsPerSecond: number;
  cpuModelStepsPerSecond: number;
  speedup: number;
}

function parseArgs(argv: string[]): { json: boolean; seconds: number; sizes: number[] } | string {
  let json = false;
  let seconds = 2;
  let sizes = [1, 16, 256];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--seconds') seconds = Number(argv[++i]);
    else if (a === '--sizes') sizes = String(argv[++i]).split(',').map(Number);
    else return `unknown option ${a} (use --json, --seconds S, --sizes 1,16,256)`;
  }
  if (!(seconds > 0)) return '--seconds must be a positive number';
  if (sizes.some((p) => !Number.isInteger(p) || p < 1)) return '--sizes must be positive integers';
  return { json, seconds, sizes };
}

const shaders = shaderFiles();

/** P members alternating CLT and PLT, one seed each. */
function population(P: number): MemberSpec[] {
  return Array.from({ length: P }, (_, i) => ({ kind: i % 2 === 0 ? 'clt' : 'plt', config: { ...DEFAULT_TRAIN, seed: i } }));
}

/** Runs `step(k)` with growing k until one call lasts `seconds`; returns steps per second. */
async function rate(step: (k: number) => Promise<void> | void, seconds: number, start: number): Promise<number> {
  await step(start); // warm-up: JIT, pipeline caches
  let k = start;
  for (;;) {
    const t0 = performance.now();
    await step(k);
    const s = (performance.now() - t0) / 1000;
    if (s >= seconds || k >= 1e6) return k / s;
    k = Math.ceil(k * Math.min(8, Math.max(2, (1.2 * seconds) / Math.max(s, 1e-3))));
  }
}

const opts = parseArgs(process.argv.slice(2));
if (typeof opts === 'string') {
  console.error(`bench:gpu: ${opts}`);
  process.exit(2);
}
const gpu = create([]);
const adapter = await gpu.requestAdapter();
if (!adapter) {
  console.error('bench:gpu: no WebGPU adapter (run through `npm run bench:gpu`, which points Dawn at SwiftShader)');
  process.exit(1);
}
const device = await adapter.requestDevice();
const deviceName = [adapter.info.vendor, adapter.info.architecture, adapter.info.description].filter(Boolean).join(' ') || 'unknown';
const model = xorAndModel();
const data = modelData(model);
const rows: Row[] = [];
for (const P of opts.sizes) {
  const members = population(P);
  const engine = await GpuEngine.create(gpu, model, members, data, { shaders, device });
  const gpuRate = P * (await rate((k) => engine.train(k), opts.seconds, Math.max(5, Math.round(400 / P))));
  engine.dispose();
  const cpu = new CpuEngine(model, members, data);
  const cpuRate = P * (await rate((k) => cpu.trainSync(k), opts.seconds, Math.max(1, Math.round(200 / P))));
  const row = { P, gpuModelStepsPerSecond: Math.round(gpuRate), cpuModelStepsPerSecond: Math.round(cpuRate), speedup: Number((gpuRate / cpuRate).toFixed(2)) };
  rows.push(row);
  console.log(`P = ${String(P).padStart(3)}: WebGPU ${String(row.gpuModelStepsPerSecond).padStart(9)} model-steps/s   CPU ${String(row.cpuModelStepsPerSecond).padStart(9)} model-steps/s   ×${row.speedup}`);
}
console.log(`device: ${deviceName}; ${DEFAULT_TRAIN.features} features/layer, members alternate CLT and PLT`);
if (opts.json) console.log(JSON.stringify({ engine: 'webgpu', device: deviceName, features: DEFAULT_TRAIN.features, results: rows }));
device.destroy();
// Keep the GPU object reachable to the end: Dawn tears the instance down when it is collected.
void gpu;
