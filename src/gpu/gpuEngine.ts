/**
 * The WebGPU engine: a population of P transcoders (any mix of kind and config, one feature
 * count) trained in lock step, the whole step on the GPU in float32 (SPEC §2). Init comes
 * from the CPU (initParams), so both engines start from the same numbers.
 *
 * Host copy: every read-back (readParams, exportState) refreshes a CPU-side copy of params
 * and Adam's m and v for all members at one step. When the device is lost, the engine rolls
 * `step` back to that copy's step, readParams keeps answering from it, and exportState hands
 * it to the CPU engine, which continues the run from there.
 */
import { checkEngineState, type Engine, type EngineState, type MemberSpec } from '../core/engine.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import { modelData, transcoderLayout } from '../core/run.ts';
import { ADAM, type LossParts } from '../core/transcoder/training.ts';
import type { TrainingData } from '../core/transcoder/data.ts';
import { initParams } from '../core/transcoder/init.ts';
import type { Layout } from '../core/transcoder/layout.ts';
import { acquireDevice, compileKernels, MAP_MODE_READ, USAGE, watchDeviceLoss, type Compiled, type DeviceLoss } from './device.ts';
import {
  fullPairIndex, gatherFromFull, gpuLayout, KERNELS, LOSS_WORDS, MAX_STEPS_PER_SUBMIT, memberSegments, NORM_CODE,
  packMembers, PENALTY_CODE, scatterToFull, STEP_BYTES, STEP_SLOT_BYTES, type BufferName, type GpuLayout,
  type KernelName, type ShaderSources,
} from './programs.ts';

export interface GpuEngineOptions {
  /** Kernel sources; default: the `?raw` imports of shaders.ts (Vite, Vitest). tsx scripts pass their own. */
  shaders?: ShaderSources;
  /** Use this device instead of requesting one (tests share one); the engine then never destroys it. */
  device?: GPUDevice;
  /** Called once if the device is lost; the run survives at `step` from the host copy. */
  onLost?: (loss: DeviceLoss & { step: number }) => void;
}

/** How long a failed read-back waits for the device's loss to be reported before calling it something else. */
const LOSS_GRACE_MS = 2000;

/** Host-side copy of the whole population's optimizer state at one step. */
interface HostCopy {
  step: number;
  params: Float32Array<ArrayBuffer>;
  /** Adam's m for every parameter, then v: the GPU's `moments` buffer. */
  moments: Float32Array<ArrayBuffer>;
  loss: Float32Array<ArrayBuffer>;
}

/** The WebGPU population engine; see the module comment for the host copy and device loss. */
export class GpuEngine implements Engine {
  readonly name = 'webgpu' as const;
  private current = 0;
  private lostInfo: DeviceLoss | null = null;
  private disposed = false;
  private queueTail: Promise<unknown> = Promise.resolve();
  private readonly lossHost: Float32Array<ArrayBuffer>;
  private readonly copy: HostCopy;
  private readonly stepTable = new ArrayBuffer(MAX_STEPS_PER_SUBMIT * STEP_SLOT_BYTES);
  private readonly stepU32 = new Uint32Array(this.stepTable);
  private readonly stepF32 = new Float32Array(this.stepTable);
  private readonly segments: number[][][];

  private constructor(
    readonly device: GPUDevice,
    private readonly ownsDevice: boolean,
    readonly data: TrainingData,
    readonly layouts: readonly Layout[],
    readonly members: readonly MemberSpec[],
    private readonly g: GpuLayout,
    private readonly buffers: Record<BufferName | 'step' | 'lossStaging' | 'stateStaging', GPUBuffer>,
    private readonly kernels: Record<KernelName, Compiled>,
    private readonly stepGroup: GPUBindGroup,
    init: Float32Array<ArrayBuffer>,
    private readonly onLost: GpuEngineOptions['onLost'],
    /** The GPU object the device came from, held so it outlives the device (Dawn in Node tears a collected instance down). */
    readonly gpu: GPU | null,
  ) {
    this.segments = layouts.map((l) => memberSegments(l, g.full));
    this.lossHost = new Float32Array(g.P * LOSS_WORDS).fill(NaN);
    const n = g.sizes.params;
    this.copy = { step: 0, params: init, moments: new Float32Array(2 * n), loss: this.lossHost.slice() };
    watchDeviceLoss(device, () => this.disposed, (loss) => this.handleLoss(loss));
  }

  /** Builds buffers and pipelines for `members` and uploads their CPU-side init; throws on failure. */
  static async create(
    gpu: GPU | null,
    model: BaseModel,
    members: readonly MemberSpec[],
    data: TrainingData = modelData(model),
    options: GpuEngineOptions = {},
  ): Promise<GpuEngine> {
    if (members.length === 0) throw new Error('GpuEngine needs at least one member');
    const F = members[0].config.features;
    if (members.some((m) => m.config.features !== F)) throw new Error('GpuEngine members must share one feature count');
    const L = model.layers.length;
    if ((L * (L + 1)) / 2 > 32) throw new Error('GpuEngine supports at most 7 layers (pair mask is one u32)');
    let device = options.device;
    if (!device) {
      const got = await acquireDevice(gpu);
      if (!got.ok) throw new Error(got.message);
      device = got.value.device;
    }
    const shaders = options.shaders ?? (await import('./shaders.ts')).shaderSources;
    const g = gpuLayout(members.length, L, model.dims, F, data.n);
    if (STEP_SLOT_BYTES % device.limits.minUniformBufferOffsetAlignment !== 0) throw new Error('uniform offset alignment above 256');
    const maxBytes = Math.max(...Object.values(g.sizes)) * 4;
    if (maxBytes > device.limits.maxStorageBufferBindingSize) throw new Error(`population needs ${maxBytes} B buffers; device allows ${device.limits.maxStorageBufferBindingSize}`);

    const layouts = members.map((m) => transcoderLayout(m.kind, model, m.config));
    const init = new Float32Array(g.sizes.params);
    layouts.forEach((layout, p) => scatterToFull(memberSegments(layout, g.full), initParams(layout, members[p].config.seed), init, p * g.stride));
    const words = members.map((m, p) => ({
      lambda: m.config.lambda,
      ramp: m.config.warmup * m.config.steps,
      c: m.config.c,
      lr: m.config.lr,
      epsilon: m.config.epsilon,
      lambdaP: m.config.lambdaP,
      penalty: PENALTY_CODE[m.config.penalty],
      norm: NORM_CODE[m.config.norm],
      pairMask: layouts[p].pairs.reduce((mask, q) => mask | (1 << fullPairIndex(L, q.source, q.target)), 0) >>> 0,
    }));

    const storage = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
    const make = (size: number, usage: number): GPUBuffer => device.createBuffer({ size: Math.max(16, size * 4), usage });
    const buffers = {} as Record<BufferName | 'step' | 'lossStaging' | 'stateStaging', GPUBuffer>;
    for (const name of Object.keys(g.sizes) as BufferName[]) buffers[name] = make(g.sizes[name], storage);
    buffers.step = device.createBuffer({ size: MAX_STEPS_PER_SUBMIT * STEP_SLOT_BYTES, usage: USAGE.UNIFORM | USAGE.COPY_DST });
    buffers.lossStaging = make(g.sizes.loss, USAGE.MAP_READ | USAGE.COPY_DST);
    buffers.stateStaging = make(g.sizes.params + g.sizes.moments, USAGE.MAP_READ | USAGE.COPY_DST);
    const q = device.queue;
    q.writeBuffer(buffers.params, 0, init);
    q.writeBuffer(buffers.x, 0, new Float32Array(data.x.flatMap((x) => Array.from(x))));
    q.writeBuffer(buffers.y, 0, new Float32Array(data.y.flatMap((y) => Array.from(y))));
    q.writeBuffer(buffers.members, 0, packMembers(words));

    const { kernels, stepGroup } = await compileKernels(device, g, shaders, buffers);
    return new GpuEngine(device, !options.device, data, layouts, members, g, buffers, kernels, stepGroup, init, options.onLost, gpu);
  }

  get step(): number {
    return this.current;
  }

  /** The device's loss, or null while it serves. */
  get lost(): DeviceLoss | null {
    return this.lostInfo;
  }

  /** Encodes `count` steps, ≤ MAX_STEPS_PER_SUBMIT per submission, then reads back the loss parts. */
  train(count: number): Promise<void> {
    return this.exclusive(async () => {
      this.assertUsable();
      let left = count;
      while (left > 0) {
        const k = Math.min(MAX_STEPS_PER_SUBMIT, left);
        left -= k;
        this.writeStepTable(this.current, k);
        const enc = this.device.createCommandEncoder();
        const pass = enc.beginComputePass();
        for (let j = 0; j < k; j++) this.encodeStep(pass, j, left === 0 && j === k - 1);
        pass.end();
        if (left === 0) enc.copyBufferToBuffer(this.buffers.loss, 0, this.buffers.lossStaging, 0, this.lossHost.byteLength);
        this.device.queue.submit([enc.finish()]);
        this.current += k;
      }
      if (count > 0) await this.readInto(this.buffers.lossStaging, [this.lossHost]);
    });
  }

  /** Member i's parameters in its own layout, refreshing the host copy when it is stale. */
  async readParams(i: number): Promise<Float64Array> {
    await this.refreshCopy();
    return gatherFromFull(this.segments[i], this.copy.params, i * this.g.stride, this.layouts[i].size);
  }

  lossParts(i: number): LossParts {
    const o = i * LOSS_WORDS;
    const l = this.lossHost;
    return { loss: l[o], recon: l[o + 1], sparsity: l[o + 2], preact: l[o + 3] };
  }

  /** Every member's params and Adam state at `step` (from the host copy after a device loss). */
  async exportState(): Promise<EngineState> {
    await this.refreshCopy();
    const c = this.copy;
    const n = this.g.sizes.params;
    const members = this.layouts.map((layout, i) => {
      const at = i * this.g.stride;
      const seg = this.segments[i];
      return {
        params: gatherFromFull(seg, c.params, at, layout.size),
        m: gatherFromFull(seg, c.moments, at, layout.size),
        v: gatherFromFull(seg, c.moments, n + at, layout.size),
      };
    });
    return { step: c.step, members };
  }

  /** Continues a run handed over by another engine (same members, same order). */
  importState(state: EngineState): Promise<void> {
    return this.exclusive(async () => {
      this.assertUsable();
      checkEngineState(state, this.layouts.map((l) => l.size));
      const c = this.copy;
      const n = this.g.sizes.params;
      c.params.fill(0);
      c.moments.fill(0);
      state.members.forEach((s, i) => {
        const at = i * this.g.stride;
        scatterToFull(this.segments[i], s.params, c.params, at);
        scatterToFull(this.segments[i], s.m, c.moments, at);
        scatterToFull(this.segments[i], s.v, c.moments, n + at);
      });
      this.device.queue.writeBuffer(this.buffers.params, 0, c.params);
      this.device.queue.writeBuffer(this.buffers.moments, 0, c.moments);
      this.current = state.step;
      c.step = state.step;
      this.lossHost.fill(NaN);
      c.loss.set(this.lossHost);
      await this.device.queue.onSubmittedWorkDone();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of Object.values(this.buffers)) b.destroy();
    if (this.ownsDevice) this.device.destroy();
  }

  private encodeStep(pass: GPUComputePassEncoder, slot: number, withLoss: boolean): void {
    for (const name of KERNELS) {
      if (name === 'loss' && !withLoss) continue;
      const k = this.kernels[name];
      pass.setPipeline(k.pipeline);
      pass.setBindGroup(0, k.bindGroup);
      if (k.usesStep) pass.setBindGroup(1, this.stepGroup, [slot * STEP_SLOT_BYTES]);
      pass.dispatchWorkgroups(k.shape[0], k.shape[1]);
    }
  }

  /** Slot j: step base + j and Adam's bias corrections for t = step + 1, in float64 then rounded once. */
  private writeStepTable(base: number, count: number): void {
    const u32 = this.stepU32;
    const f32 = this.stepF32;
    for (let j = 0; j < count; j++) {
      const o = (j * STEP_SLOT_BYTES) / 4;
      const t = base + j + 1;
      u32[o] = base + j;
      f32[o + 1] = 1 / (1 - ADAM.beta1 ** t);
      f32[o + 2] = 1 / (1 - ADAM.beta2 ** t);
    }
    this.device.queue.writeBuffer(this.buffers.step, 0, this.stepTable, 0, (count - 1) * STEP_SLOT_BYTES + STEP_BYTES);
  }

  /** Reads params and Adam's moments of every member into the host copy unless it is current or the device is gone. */
  private refreshCopy(): Promise<void> {
    return this.exclusive(async () => {
      if (this.lostInfo || this.disposed || this.copy.step === this.current) return;
      const c = this.copy;
      const enc = this.device.createCommandEncoder();
      enc.copyBufferToBuffer(this.buffers.params, 0, this.buffers.stateStaging, 0, c.params.byteLength);
      enc.copyBufferToBuffer(this.buffers.moments, 0, this.buffers.stateStaging, c.params.byteLength, c.moments.byteLength);
      this.device.queue.submit([enc.finish()]);
      const step = this.current;
      try {
        await this.readInto(this.buffers.stateStaging, [c.params, c.moments]);
      } catch (e) {
        // Lost mid-read: the copy keeps its last whole state, which the engine rolled back to.
        if (this.lostInfo) return;
        throw e;
      }
      this.copy.step = step;
      this.copy.loss.set(this.lossHost);
    });
  }

  /** Maps a staging buffer and copies it into `targets` back to back; rejects if the device is lost first. */
  private async readInto(staging: GPUBuffer, targets: Float32Array[]): Promise<void> {
    const mapped = staging.mapAsync(MAP_MODE_READ);
    const lost = this.device.lost.then((info) => {
      throw new Error(`WebGPU device lost: ${info.message || info.reason}`);
    });
    mapped.catch(() => {});
    lost.catch(() => {});
    try {
      await Promise.race([mapped, lost]);
    } catch (e) {
      // Destroying a device aborts its pending maps before `lost` resolves (Chromium): wait a
      // moment for the loss, so it is reported as one and the host copy takes over.
      const info = await Promise.race([this.device.lost, new Promise<null>((r) => setTimeout(() => r(null), LOSS_GRACE_MS))]);
      if (info) throw new Error(`WebGPU device lost: ${info.message || info.reason}`, { cause: e });
      throw e;
    }
    const src = new Float32Array(staging.getMappedRange());
    let o = 0;
    for (const t of targets) {
      t.set(src.subarray(o, o + t.length));
      o += t.length;
    }
    staging.unmap();
  }

  /** Runs GPU work one call at a time, so a read-back never races a training submission. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queueTail.then(fn, fn);
    this.queueTail = run.catch(() => {});
    return run;
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('GpuEngine was disposed');
    if (this.lostInfo) throw new Error(`WebGPU device lost (${this.lostInfo.message}); continue from exportState() on the CPU`);
  }

  /** Fault injection: destroys the device the way a driver reset would; the engine sees a real loss. */
  loseDevice(): boolean {
    if (this.disposed || this.lostInfo) return false;
    this.device.destroy();
    return true;
  }

  private handleLoss(loss: DeviceLoss): void {
    this.lostInfo = loss;
    // Roll back to the host copy: the last state known on the CPU side.
    this.current = this.copy.step;
    this.lossHost.set(this.copy.loss);
    this.onLost?.({ ...loss, step: this.copy.step });
  }
}
