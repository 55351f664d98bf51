/**
 * Which engine trains a run. `cpu` is the exact reference. `webgpu` trains on the GPU and, when
 * the device is lost or fails, hands the run — its step, parameters and Adam state — to the
 * CPU engine and says so. `auto` takes WebGPU on a hardware adapter only: a software adapter
 * (SwiftShader) is far slower than the CPU engine for one small population.
 */
import { DEFAULT_TRAIN, type EngineChoice, type TrainConfig } from '../core/config.ts';
import { type Engine, type EngineState, type MemberSpec } from '../core/engine.ts';
import { CpuEngine } from '../core/cpuEngine.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import type { LossParts } from '../core/transcoder/training.ts';
import type { TrainingData } from '../core/transcoder/data.ts';
import type { GpuEngine } from '../gpu/gpuEngine.ts';

export type Notify = (message: string) => void;

/** True for adapters that emulate a GPU in software. */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as Partial<GPUAdapterInfo> | undefined;
  const text = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''} ${info?.device ?? ''}`.toLowerCase();
  const fallback = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true || info?.isFallbackAdapter === true;
  return fallback || text.includes('swiftshader') || text.includes('llvmpipe');
}

/** Recipe options (SPEC §2 presets) the WGSL kernels do not implement: any value but the spec's keeps a run on the CPU. */
export const CPU_ONLY_RECIPE: readonly (keyof TrainConfig)[] = [
  'reduction', 'padDims', 'layout', 'thetaParam', 'thetaInit', 'straightThrough', 'preact', 'init', 'lrDecayStep',
];

/** Options the WebGPU engine does not implement; such runs stay on the CPU, and the reason is shown. */
export function cpuOnlyReason(members: readonly MemberSpec[]): { reason: string; recipe: boolean } | null {
  const c = members[0]?.config as Partial<TrainConfig> | undefined;
  if ((c?.asymmetry ?? 0) > 0 || (c?.consistency ?? 0) > 0) {
    return { reason: 'the L0-asymmetry and consistency losses run on the CPU engine only', recipe: false };
  }
  const recipe = CPU_ONLY_RECIPE.filter((k) => c?.[k] !== undefined && c[k] !== DEFAULT_TRAIN[k]);
  if (recipe.length > 0) return { reason: `the recipe options ${recipe.join(', ')} run on the CPU engine only`, recipe: true };
  return null;
}

export async function createEngine(
  choice: EngineChoice,
  model: BaseModel,
  members: readonly MemberSpec[],
  data: TrainingData | undefined,
  gpu: GPU | undefined,
  notify: Notify,
): Promise<Engine> {
  const cpu = () => new CpuEngine(model, members, data);
  if (choice === 'cpu') return cpu();
  const forced = choice === 'webgpu';
  const onlyCpu = cpuOnlyReason(members);
  if (onlyCpu && (forced || !onlyCpu.recipe)) {
    if (forced) notify(`Training on the CPU engine: ${onlyCpu.reason}.`);
    return cpu();
  }
  if (!gpu) {
    if (forced) notify('WebGPU is not available in this browser; training on the CPU engine.');
    return cpu();
  }
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) {
    if (forced) notify('WebGPU found no usable adapter; training on the CPU engine.');
    return cpu();
  }
  if (!forced && isSoftwareAdapter(adapter)) return cpu();
  // `auto` would take this GPU: say why a recipe option keeps the run on the CPU instead.
  if (onlyCpu) {
    notify(`Training on the CPU engine: ${onlyCpu.reason}.`);
    return cpu();
  }
  try {
    const { GpuEngine } = await import('../gpu/gpuEngine.ts');
    const holder: { engine: FallbackEngine | null } = { engine: null };
    const engine = await GpuEngine.create(gpu, model, members, data, {
      onLost: (loss) => holder.engine?.markLost(loss.message),
    });
    holder.engine = new FallbackEngine(engine, () => new CpuEngine(model, members, engine.data), notify);
    return holder.engine;
  } catch (e) {
    notify(`The WebGPU engine could not start (${e instanceof Error ? e.message : String(e)}); training on the CPU engine.`);
    return cpu();
  }
}

/** Trains on the GPU until it fails, then continues the same run on the CPU engine. */
export class FallbackEngine implements Engine {
  private inner: Engine;
  private lostReason: string | null = null;

  constructor(
    private readonly gpu: GpuEngine,
    private readonly makeCpu: () => CpuEngine,
    private readonly notify: Notify,
  ) {
    this.inner = gpu;
  }

  get name() {
    return this.inner.name;
  }

  get step(): number {
    return this.inner.step;
  }

  get data(): TrainingData {
    return this.inner.data;
  }

  /** The device is gone: the next call moves the run to the CPU. */
  markLost(reason: string): void {
    this.lostReason = reason;
  }

  async train(count: number): Promise<void> {
    if (this.inner === this.gpu && this.lostReason === null) {
      try {
        await this.gpu.train(count);
        return;
      } catch (e) {
        this.lostReason = e instanceof Error ? e.message : String(e);
      }
    }
    if (this.inner === this.gpu) await this.toCpu();
    // The CPU engine trains the steps the GPU could not (its loss parts are unknown until it has).
    await this.inner.train(count);
  }

  /** Moves params, Adam state and step from the GPU's last host copy into a CPU engine. */
  private async toCpu(): Promise<void> {
    const state = await this.gpu.exportState();
    const cpu = this.makeCpu();
    cpu.importStateSync(state);
    this.inner = cpu;
    this.gpu.dispose();
    this.notify(`The GPU device was lost (${this.lostReason ?? 'unknown reason'}); the run continues on the CPU engine from step ${state.step}.`);
  }

  readParams(i: number): Promise<Float64Array> {
    return this.inner.readParams(i);
  }

  readPadded(i: number): Promise<Float64Array | null> {
    return this.inner.readPadded?.(i) ?? Promise.resolve(null);
  }

  importState(state: EngineState): Promise<void> {
    return this.inner.importState(state);
  }

  /** Fault injection: loses the GPU device; the next chunk moves the run to the CPU engine. */
  loseDevice(): boolean {
    return this.inner === this.gpu && this.gpu.loseDevice();
  }

  lossParts(i: number): LossParts {
    return this.inner.lossParts(i);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
