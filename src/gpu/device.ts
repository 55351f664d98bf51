/**
 * The device side: acquiring a WebGPU device from a `GPU` object (navigator.gpu in the browser,
 * the `webgpu` package's create([]) in Node), watching it for loss, and compiling the kernels of
 * programs.ts on it (cached per device).
 */
import {
  cacheKey, constantValues, dispatchShape, KERNELS, pipelineConstants, PROGRAMS, STEP_BYTES, type BufferName,
  type ConstName, type GpuLayout, type KernelName, type KernelProgram, type ShaderSources,
} from './programs.ts';

/** Buffer-usage and map-mode bits as the WebGPU spec numbers them, so Node needs no globals. */
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const MAP_MODE_READ = 0x1;
export const SHADER_STAGE_COMPUTE = 0x4;

/** Why a device went away, as the engine reports it to whoever runs it. */
export interface DeviceLoss {
  reason: string;
  message: string;
}

export type Acquired =
  | { ok: true; value: { adapter: GPUAdapter; device: GPUDevice } }
  | { ok: false; message: string };

/** Requests an adapter and a device; a failure is a message a person can act on, never a throw. */
export async function acquireDevice(gpu: GPU | undefined | null): Promise<Acquired> {
  if (!gpu) return { ok: false, message: 'WebGPU is not available in this browser' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ok: false, message: 'WebGPU found no adapter (no usable GPU or driver)' };
    const device = await adapter.requestDevice();
    return { ok: true, value: { adapter, device } };
  } catch (e) {
    return { ok: false, message: `WebGPU device request failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Calls `onLost` once when the device is lost, unless `ignore()` says the loss was ours (dispose). */
export function watchDeviceLoss(device: GPUDevice, ignore: () => boolean, onLost: (loss: DeviceLoss) => void): void {
  void device.lost.then((info) => {
    if (!ignore()) onLost({ reason: info.reason ?? 'unknown', message: info.message });
  });
}

/** One kernel ready to dispatch on one engine's buffers. */
export interface Compiled {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  usesStep: boolean;
  /** Workgroups (x, y) per dispatch. */
  shape: [number, number];
}

/** Compiled pipelines per device, by cache key, so a new population of the same shape compiles nothing. */
const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<{ pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>>>();
const stepLayouts = new WeakMap<GPUDevice, GPUBindGroupLayout>();

function stepLayoutOf(device: GPUDevice): GPUBindGroupLayout {
  let layout = stepLayouts.get(device);
  if (!layout) {
    layout = device.createBindGroupLayout({
      entries: [{ binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: STEP_BYTES } }],
    });
    stepLayouts.set(device, layout);
  }
  return layout;
}

function pipelineFor(
  device: GPUDevice,
  prog: KernelProgram,
  values: Record<ConstName, number>,
  code: string,
): Promise<{ pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }> {
  let cache = pipelineCache.get(device);
  if (!cache) pipelineCache.set(device, (cache = new Map()));
  const key = cacheKey(prog, values);
  let entry = cache.get(key);
  if (!entry) {
    const layout = device.createBindGroupLayout({
      entries: prog.bindings.map((b, i) => ({
        binding: i,
        visibility: SHADER_STAGE_COMPUTE,
        buffer: { type: b.access === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
      })),
    });
    const groups = prog.usesStep ? [layout, stepLayoutOf(device)] : [layout];
    const module = device.createShaderModule({ label: prog.name, code });
    entry = device
      .createComputePipelineAsync({
        label: prog.name,
        layout: device.createPipelineLayout({ bindGroupLayouts: groups }),
        compute: { module, entryPoint: 'main', constants: pipelineConstants(prog, values) },
      })
      .then(
        (pipeline) => ({ pipeline, layout }),
        async (e: unknown) => {
          // Name the WGSL line that failed, not only "invalid module".
          const info = await module.getCompilationInfo();
          const lines = info.messages.map((m) => `${prog.name}.wgsl:${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`);
          throw new Error(lines.length > 0 ? lines.join('\n') : e instanceof Error ? e.message : String(e));
        },
      );
    // A failed compile must not stay cached.
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
  }
  return entry;
}

/** Compiles (or reuses) every kernel with its override constants and binds it to the engine's buffers. */
export async function compileKernels(
  device: GPUDevice,
  g: GpuLayout,
  shaders: ShaderSources,
  buffers: Record<BufferName | 'step', GPUBuffer>,
): Promise<{ kernels: Record<KernelName, Compiled>; stepGroup: GPUBindGroup }> {
  const values = constantValues(g);
  const stepGroup = device.createBindGroup({
    layout: stepLayoutOf(device),
    entries: [{ binding: 0, resource: { buffer: buffers.step, size: STEP_BYTES } }],
  });
  const kernels = {} as Record<KernelName, Compiled>;
  await Promise.all(
    KERNELS.map(async (name) => {
      const prog = PROGRAMS[name];
      const { pipeline, layout } = await pipelineFor(device, prog, values, `${shaders.common}\n${shaders[name]}`);
      const bindGroup = device.createBindGroup({
        layout,
        entries: prog.bindings.map((b, i) => ({ binding: i, resource: { buffer: buffers[b.buffer] } })),
      });
      kernels[name] = { pipeline, bindGroup, usesStep: prog.usesStep, shape: dispatchShape(prog, g, device.limits.maxComputeWorkgroupsPerDimension) };
    }),
  );
  return { kernels, stepGroup };
}
