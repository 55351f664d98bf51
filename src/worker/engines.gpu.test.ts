/**
 * The worker's GPU → CPU hand-over on a real device (Dawn on SwiftShader, `npm run test:gpu`):
 * the fault injection the page's "lost GPU" journey uses, checked step by step.
 */
import { describe, expect, test } from 'vitest';
import { DEFAULT_TRAIN, type TrainConfig } from '../core/config.ts';
import type { MemberSpec } from '../core/engine.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { openGpu } from '../gpu/nodeGpu.ts';
import { createEngine, FallbackEngine } from './engines.ts';

const model = xorAndModel();
const opened = await openGpu();
if (typeof opened === 'string') console.warn(`GPU fault-injection tests skipped: ${opened}`);
const member = (kind: MemberSpec['kind'], config: Partial<TrainConfig> = {}): MemberSpec => ({ kind, config: { ...DEFAULT_TRAIN, ...config } });

describe.skipIf(typeof opened === 'string')('fault injection on a real device (Dawn)', () => {
  const { gpu } = opened as { gpu: GPU; device: GPUDevice };

  test('loseDevice during a chunk: the fallback engine finishes that chunk and the run on the CPU, with one notice', async () => {
    const members = [member('clt', { seed: 5 }), member('plt', { seed: 5 })];
    const notes: string[] = [];
    // The worker's own wiring; its own device (the engine requests one), so destroying it leaves other tests alone.
    const engine = await createEngine('webgpu', model, members, undefined, gpu, (m) => notes.push(m));
    expect(engine).toBeInstanceOf(FallbackEngine);
    if (!(engine instanceof FallbackEngine)) return;
    await engine.train(100);
    // A snapshot reads the parameters, which refreshes the host copy the hand-over starts from.
    expect((await engine.readParams(0)).every(Number.isFinite)).toBe(true);
    const inFlight = engine.train(400);
    expect(engine.loseDevice()).toBe(true);
    await inFlight;
    expect(engine.name).toBe('cpu');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^The GPU device was lost \(.*\); the run continues on the CPU engine from step \d+\.$/);
    const from = Number(/from step (\d+)/.exec(notes[0])![1]);
    expect(from).toBe(100);
    expect(engine.step).toBe(500);
    await engine.train(50);
    for (let i = 0; i < members.length; i++) {
      expect(Number.isFinite(engine.lossParts(i).loss)).toBe(true);
      expect((await engine.readParams(i)).every(Number.isFinite)).toBe(true);
    }
    expect(engine.loseDevice()).toBe(false);
    engine.dispose();
  });
});

