/**
 * The WebGPU engine against the CPU engine (the exact float64 reference), in Node through the
 * `webgpu` package (Dawn). Run with `npm run test:gpu`, which sets VK_ICD_FILENAMES and
 * LD_LIBRARY_PATH to Chromium's SwiftShader before Node starts; without an adapter the GPU
 * suite skips and says so. Every GPU test runs inside a validation error scope.
 *
 * Tolerance: max |gpu − cpu| ≤ 1e-4 · max |cpu| over all of a member's parameters ("scaled").
 * Measured on SwiftShader: ~1e-6 after 100 steps from the same init.
 *
 * What every engine must do (init, steps, loss parts, each member of a 16-config population
 * against its reference, metrics, importState, determinism, chunking, independence) is the
 * conformance suite's, run for this engine in gpuEngine.conformance.gpu.test.ts; this file keeps
 * what only a float32 engine on a device has: per-block agreement over 500 steps, float32 drift,
 * device loss and the kernels' descriptors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { type MemberSpec } from '../core/engine.ts';
import { CpuEngine } from '../core/cpuEngine.ts';
import { changeDiff, lossDiff, member, scaledDiff } from '../core/engineCompare.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import type { CpuTrainer } from '../core/transcoder/cpuTrainer.ts';
import type { Layout } from '../core/transcoder/layout.ts';
import { GpuEngine } from './gpuEngine.ts';
import { openGpu } from './nodeGpu.ts';
import { constantValues, gpuLayout, KERNELS, PROGRAMS } from './programs.ts';

const TOL = 1e-4;
const model = xorAndModel();


const opened = await openGpu();
if (typeof opened === 'string') console.warn(`GPU engine tests skipped: ${opened}`);

function worstIndex(a: Float64Array, b: Float64Array): number {
  let at = 0;
  for (let k = 0; k < b.length; k++) if (Math.abs(a[k] - b[k]) > Math.abs(a[at] - b[at])) at = k;
  return at;
}

/** The (layer, feature) a parameter belongs to: its encoder column, bias, θ or decoder row; null for b_dec. */
function ownerFeature(layout: Layout, k: number): [number, number] | null {
  const { dims: D, features: F } = layout;
  for (let l = 0; l < layout.layers; l++) {
    const r = k - layout.wEnc[l];
    if (r >= 0 && r < D * F + 2 * F) return [l, r < D * F ? r % F : (r - D * F) % F];
  }
  for (let q = 0; q < layout.pairs.length; q++) {
    const r = k - layout.wDec[q];
    if (r >= 0 && r < F * D) return [layout.pairs[q].source, Math.floor(r / D)];
  }
  return null;
}

/** Whether feature (l, f) has, on some input, an h within δ of θ or θ ± ε/2 at the step just taken. */
function nearEdge(t: CpuTrainer, before: Float64Array, l: number, f: number, delta: number): boolean {
  const F = t.layout.features;
  const theta = Math.exp(before[t.layout.logTheta[l] + f]);
  const half = t.opts.epsilon / 2;
  for (let n = 0; n < t.data.n; n++) {
    const u = t.h[l][n * F + f] - theta;
    if (Math.min(Math.abs(u), Math.abs(u - half), Math.abs(u + half)) < delta) return true;
  }
  return false;
}


/** The four configurations the issue names: default CLT and PLT, CLT with `sum` norm, CLT with `tanh`. */
const FOUR: MemberSpec[] = [member('clt'), member('plt'), member('clt', { norm: 'sum' }), member('clt', { penalty: 'tanh' })];

describe.skipIf(typeof opened === 'string')('GpuEngine on Dawn', () => {
  const { gpu, device } = opened as Exclude<typeof opened, string>;
  const engines: GpuEngine[] = [];
  const make = async (members: MemberSpec[]): Promise<GpuEngine> => {
    const e = await GpuEngine.create(gpu, model, members, undefined, { device });
    engines.push(e);
    return e;
  };
  /** A test body inside a validation error scope, disposing what it created. */
  const gpuTest = (name: string, body: () => Promise<void>): void => {
    test(name, async () => {
      device.pushErrorScope('validation');
      try {
        await body();
      } finally {
        for (const e of engines.splice(0)) e.dispose();
        const error = await device.popErrorScope();
        expect(error?.message ?? null).toBeNull();
      }
    });
  };

  gpuTest('every parameter and every update matches the CPU engine over 500 steps taken from the same states', async () => {
    // Free running, float32 and float64 part ways (next test), so the CPU engine restarts from the
    // GPU's float32 state every 10 steps. Checked per block: every parameter to 1e-4 (scaled), and
    // — because Adam damps a wrong gradient within one block — the block's update of every
    // parameter to 1e-3 of the largest update (float32 holds an update of ~lr on a parameter ~1 to
    // ~2e-5). A block that misses is replayed step by step; a step may miss only for a JumpReLU
    // decision float32 cannot make like float64: the worst parameter's feature has an h within 1e-5
    // of θ or θ ± ε/2 (h's float32 error is ~1e-6). Measured: one such step in 2,000 (step 447).
    const gpuEngine = await make(FOUR);
    const cpu = new CpuEngine(model, FOUR);
    const agree = async (i: number, before: Float64Array): Promise<boolean> => {
      const g = await gpuEngine.readParams(i);
      const c = cpu.trainers[i].params;
      return scaledDiff(g, c) < TOL && changeDiff(g, c, before) < 10 * TOL && lossDiff(gpuEngine.lossParts(i), cpu.lossParts(i)) < TOL;
    };
    let events = 0;
    for (let block = 0; block < 50; block++) {
      const state = await gpuEngine.exportState();
      cpu.importStateSync(state);
      await gpuEngine.train(10);
      cpu.trainSync(10);
      let ok = true;
      for (let i = 0; i < FOUR.length; i++) ok = (await agree(i, state.members[i].params)) && ok;
      if (ok) continue;
      await gpuEngine.importState(state);
      for (let j = 0; j < 10; j++) {
        cpu.importStateSync(await gpuEngine.exportState());
        const before = cpu.trainers.map((t) => Float64Array.from(t.params));
        await gpuEngine.train(1);
        cpu.trainSync(1);
        for (let i = 0; i < FOUR.length; i++) {
          if (await agree(i, before[i])) continue;
          const g = await gpuEngine.readParams(i);
          const owner = ownerFeature(cpu.trainers[i].layout, worstIndex(g, cpu.trainers[i].params));
          const explained = owner !== null && nearEdge(cpu.trainers[i], before[i], owner[0], owner[1], 1e-5);
          expect(explained, `member ${i} at step ${cpu.step}: no threshold within 1e-5 explains it`).toBe(true);
          events++;
        }
      }
    }
    expect(gpuEngine.step).toBe(500);
    expect(events).toBeLessThanOrEqual(5);
  });

  gpuTest('free-running float32 drift stays within what float32 rounding alone causes', async () => {
    const gpuEngine = await make(FOUR);
    const cpu = new CpuEngine(model, FOUR);
    // The yardstick: the exact CPU engine with its parameters rounded to float32 after every step.
    const rounded = new CpuEngine(model, FOUR);
    const roundAll = (): void => {
      for (const t of rounded.trainers) for (let k = 0; k < t.params.length; k++) t.params[k] = Math.fround(t.params[k]);
    };
    roundAll();
    await gpuEngine.train(100);
    cpu.trainSync(100);
    for (let k = 0; k < 100; k++) {
      rounded.trainSync(1);
      roundAll();
    }
    // From one init, 100 steps agree to 1e-4 with no resync.
    for (let i = 0; i < FOUR.length; i++) expect(scaledDiff(await gpuEngine.readParams(i), await cpu.readParams(i))).toBeLessThan(TOL);
    await gpuEngine.train(400);
    cpu.trainSync(400);
    for (let k = 0; k < 400; k++) {
      rounded.trainSync(1);
      roundAll();
    }
    const yardstick = await Promise.all(FOUR.map(async (_, i) => scaledDiff(await rounded.readParams(i), await cpu.readParams(i))));
    // Rounding to float32 alone moves the default CLT by > 1e-3 by step 500 (measured 7e-3): an h
    // that passes within ~1e-6 of θ (or of θ ± ε/2, the straight-through band) lands on the other
    // side, and that feature's jump then compounds through Adam. The GPU shows the same drift.
    expect(yardstick[0]).toBeGreaterThan(1e-3);
    const bound = 3 * Math.max(...yardstick);
    for (let i = 0; i < FOUR.length; i++) {
      expect(scaledDiff(await gpuEngine.readParams(i), await cpu.readParams(i)), `member ${i}`).toBeLessThan(bound);
    }
  });

  test('device loss: the engine reports it, rolls back to the host copy and hands it to the CPU', async () => {
    // Its own device, so losing it leaves the shared one alone.
    const ownAdapter = await gpu.requestAdapter();
    if (!ownAdapter) throw new Error('a second adapter was refused');
    const own = await ownAdapter.requestDevice();
    const members = [member('clt', { seed: 31 })];
    let reported: { step: number; reason: string } | null = null;
    const engine = await GpuEngine.create(gpu, model, members, undefined, { device: own, onLost: (l) => (reported = l) });
    await engine.train(40);
    const at40 = await engine.readParams(0);
    await engine.train(20);
    expect(engine.step).toBe(60);
    own.destroy();
    await own.lost;
    await new Promise((r) => setTimeout(r, 0));
    expect(reported).toMatchObject({ step: 40 });
    expect(engine.step).toBe(40);
    expect(await engine.readParams(0)).toEqual(at40);
    await expect(engine.train(1)).rejects.toThrow(/lost/);
    // The CPU engine continues from the host copy, as the worker's fallback does.
    const cpu = new CpuEngine(model, members);
    cpu.importStateSync(await engine.exportState());
    cpu.trainSync(10);
    expect(cpu.step).toBe(50);
    expect(Number.isFinite(cpu.lossParts(0).loss)).toBe(true);
    engine.dispose();
  });
});

describe('kernel descriptors match their WGSL', () => {
  const g = gpuLayout(3, 2, 9, 32, 16);
  const values = constantValues(g);
  for (const name of KERNELS) {
    test(name, () => {
      const code = readFileSync(new URL(`./kernels/${name}.wgsl`, import.meta.url), 'utf8');
      const prog = PROGRAMS[name];
      const bindings = [...code.matchAll(/@group\(0\) @binding\((\d+)\) var<storage, (read|read_write)>/g)].map((m) => [Number(m[1]), m[2]]);
      expect(bindings).toEqual(prog.bindings.map((b, i) => [i, b.access]));
      expect(code.includes('@group(1) @binding(0) var<uniform> clock: Step;')).toBe(prog.usesStep);
      const overrides = [...code.matchAll(/^override (\w+)/gm)].map((m) => m[1]).filter((o) => o !== 'WG');
      expect(overrides.sort()).toEqual([...prog.constants].sort());
      for (const c of prog.constants) expect(Number.isFinite(values[c])).toBe(true);
    });
  }
});
