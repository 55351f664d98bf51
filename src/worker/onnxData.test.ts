/**
 * Training from onnxruntime-web's activations (Node, wasm): the write-up's model gives the same
 * training set as the TypeScript forward pass to float32 precision, and a session loads an
 * uploaded model, or refuses one without disturbing its run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import onnxProto from 'onnx-proto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, type ExperimentConfig } from '../core/config.ts';
import { CpuEngine } from '../core/cpuEngine.ts';
import { enumerateSigns, type BaseModel, type MlpLayer } from '../core/model/baseModel.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { Random } from '../core/random.ts';
import { modelData } from '../core/run.ts';
import type { TrainingData } from '../core/transcoder/data.ts';
import { encodeModel, exportBaseModel } from '../onnx/export.ts';
import { TrainerClient, type TrainerEndpoint } from './client.ts';
import { collectActivations, onnxTrainingData, parityGap, type ActivationSource } from './onnxData.ts';
import type { DataEvent, SnapshotEvent, StatusEvent, TrainerErrorEvent, WorkerEvent, WorkerRequest } from './protocol.ts';
import { TrainingSession, type EngineFactory } from './session.ts';

const { onnx } = onnxProto;
const XOR_AND_BYTES = new Uint8Array(readFileSync(fileURLToPath(new URL('../../models/xor-and.onnx', import.meta.url))));
const node: ActivationSource = { defaultModelBytes: () => Promise.resolve(XOR_AND_BYTES), ort: {} };

/** float32 activations standardized in float64: the only gap to the float64 TypeScript data. */
const F32 = 1e-6;

function worstGap(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  return worst;
}

function expectSameData(got: TrainingData, want: TrainingData): void {
  expect([got.n, got.layers, got.dims]).toEqual([want.n, want.layers, want.dims]);
  for (let l = 0; l < want.layers; l++) {
    expect(worstGap(got.x[l], want.x[l])).toBeLessThan(F32);
    expect(worstGap(got.y[l], want.y[l])).toBeLessThan(F32);
    expect(worstGap(got.inStats[l].mean, want.inStats[l].mean)).toBeLessThan(F32);
    expect(worstGap(got.inStats[l].std, want.inStats[l].std)).toBeLessThan(F32);
    expect(worstGap(got.outStats[l].mean, want.outStats[l].mean)).toBeLessThan(F32);
    expect(worstGap(got.outStats[l].std, want.outStats[l].std)).toBeLessThan(F32);
  }
}

/** 3 inputs, 2 layers, D = 6, weights on a 1/16 grid (exact in float32). */
function smallModel(): BaseModel {
  const rng = new Random(11);
  const D = 6;
  const q = (): number => Math.round((rng.uniform() * 2 - 1) * 32) / 16;
  const layer = (H: number): MlpLayer => ({
    hidden: H,
    wIn: Float64Array.from({ length: D * H }, q),
    bIn: Float64Array.from({ length: H }, q),
    wOut: Float64Array.from({ length: H * D }, q),
    neuronNames: Array.from({ length: H }, (_, j) => `m${j}`),
  });
  return { name: 'six', dims: D, dimNames: ['p', 'q', 'r', 's', 't', 'u'], inputDims: [0, 1, 2], outputDim: 5, layers: [layer(4), layer(3)], inputs: enumerateSigns(3), n: 8 };
}

describe('training data from onnxruntime-web', () => {
  it('equals modelData(xorAndModel()) to float32 precision', async () => {
    const model = xorAndModel();
    const data = await onnxTrainingData(node, XOR_AND_BYTES, model);
    expect(data.ok).toBe(true);
    if (data.ok) expectSameData(data.value, modelData(model));
  });

  it('refuses activations that the weights read back do not explain', async () => {
    const model = xorAndModel();
    const fwd = await collectActivations(node, XOR_AND_BYTES, model);
    expect(fwd.ok).toBe(true);
    if (!fwd.ok) return;
    expect(parityGap(fwd.value, model).gap).toBeLessThan(1e-6);
    const wrong: BaseModel = { ...model, layers: [model.layers[0], { ...model.layers[1], bIn: model.layers[1].bIn.map((b) => b + 0.5) }] };
    const refused = await onnxTrainingData(node, XOR_AND_BYTES, wrong);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/mlp_out_1 differs from the weights/);
  });
});

// Small transcoders and short runs keep each session cheap.
const SHORT: ExperimentConfig = { ...DEFAULT_EXPERIMENT, features: 8, steps: 400 };
const LONG: ExperimentConfig = { ...SHORT, steps: 200_000 };
const cpu: EngineFactory = (model, members, data) => new CpuEngine(model, members, data);

const open: MessagePort[] = [];
const sessions: TrainingSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
  for (const p of open.splice(0)) p.close();
});

function harness() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const session = new TrainingSession((event, transfer) => port1.postMessage(event, transfer as ArrayBuffer[]), cpu, node);
  sessions.push(session);
  port1.on('message', (req: WorkerRequest) => void session.handle(req));
  const client = new TrainerClient(port2 as unknown as TrainerEndpoint);
  const events: WorkerEvent[] = [];
  client.onEvent((e) => events.push(e));
  const waitFor = async <E extends WorkerEvent>(pred: (e: WorkerEvent) => e is E, from = 0, ms = 15_000): Promise<E> => {
    const t0 = Date.now();
    for (;;) {
      const hit = events.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() - t0 > ms) throw new Error(`timed out; last: ${JSON.stringify(events.slice(-2).map((e) => e.type))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { client, events, waitFor };
}

const isType =
  <T extends WorkerEvent['type']>(type: T) =>
  (e: WorkerEvent): e is Extract<WorkerEvent, { type: T }> =>
    e.type === type;
const isStatus = (status: StatusEvent['status']) => (e: WorkerEvent): e is StatusEvent => e.type === 'status' && e.status === status;

function bytesOf(u: Uint8Array): ArrayBuffer {
  return u.slice().buffer;
}

describe('a session trains on ONNX activations and loads uploads', () => {
  it('trains the write-up model on onnxruntime-web data, then an uploaded model of another size', async () => {
    const h = harness();
    h.client.start(SHORT);
    const data = await h.waitFor(isType('data'));
    expect(data).toMatchObject({ source: 'onnx', uploaded: false, model: xorAndModel().name });
    expect(data.collectMs).toBeGreaterThan(0);
    await h.waitFor(isStatus('done'));

    const small = smallModel();
    const run = h.client.loadModel({ bytes: bytesOf(exportBaseModel(small)), name: 'six', enumeration: { kind: 'signs' }, outputDim: 5, config: SHORT });
    const from = h.events.length;
    const loaded = await h.waitFor(isType('data'), from);
    expect(loaded).toMatchObject({ run, source: 'onnx', uploaded: true, model: 'six' });
    expect(h.client.run).toBe(run);
    const done = await h.waitFor(isStatus('done'), from);
    expect(done.step).toBe(400);
    const last = h.events.filter((e): e is SnapshotEvent => e.type === 'snapshot').at(-1)!.snapshot;
    // 2 layers × 8 inputs × D = 6 reconstructions per member.
    for (const m of last.members) expect(m.recon.length).toBe(2 * 8 * 6);

    // A settings change keeps the upload; choosing a circuit leaves it.
    const before = h.events.length;
    h.client.setConfig({ ...SHORT, seed: 2 });
    expect(await h.waitFor(isType('data'), before)).toMatchObject({ uploaded: true, model: 'six' });
    const later = h.events.length;
    h.client.setConfig({ ...SHORT, circuit: '(a XOR b) AND c' });
    expect(await h.waitFor(isType('data'), later)).toMatchObject({ uploaded: false, source: 'typescript' });
  });

  it('runs CSV rows and refuses bad files with a plain message, leaving the run as it was', async () => {
    const h = harness();
    h.client.start(LONG);
    await h.waitFor((e): e is SnapshotEvent => e.type === 'snapshot' && e.snapshot.step > 0);
    const run = h.client.run;
    const good = exportBaseModel(smallModel());
    const wrongInput = onnx.ModelProto.decode(good);
    wrongInput.graph!.input![0].name = 'inputs';
    wrongInput.graph!.node![0].input![0] = 'inputs';
    const cases: [Uint8Array, RegExp, number[][] | null][] = [
      [good.slice(0, good.length >> 1), /could not be read as ONNX/, null],
      [new TextEncoder().encode('a,b,c\n1,2,3\n'), /text file/, null],
      [encodeModel(wrongInput), /no input named 'x'/, null],
      [good, /Input row 1 is not 3 finite numbers/, [[1, 1], [1, -1]]],
    ];
    for (const [bytes, message, rows] of cases) {
      const from = h.events.length;
      h.client.loadModel({ bytes: bytesOf(bytes), name: 'bad', enumeration: rows ? { kind: 'csv', rows } : { kind: 'signs' }, outputDim: 5, config: LONG });
      const err = await h.waitFor((e): e is TrainerErrorEvent => e.type === 'error', from);
      expect(err.message).toMatch(message);
      expect(err).toMatchObject({ run, source: 'loadModel' });
      // The old run is still current and still training.
      const step = h.events.filter((e): e is SnapshotEvent => e.type === 'snapshot').at(-1)!.snapshot.step;
      await h.waitFor((e): e is SnapshotEvent => e.type === 'snapshot' && e.snapshot.step > step, from);
      expect(h.client.run).toBe(run);
      expect(h.events.slice(from).some((e) => e.type === 'status' || e.type === 'data')).toBe(false);
    }

    const csvRows = [[1, -1, 1], [0.5, 0.5, -2], [-1, -1, -1]];
    const from = h.events.length;
    h.client.loadModel({ bytes: bytesOf(good), name: 'six', enumeration: { kind: 'csv', rows: csvRows }, outputDim: 2, config: SHORT });
    const loaded: DataEvent = await h.waitFor(isType('data'), from);
    expect(loaded.uploaded).toBe(true);
    const at = h.events.indexOf(loaded);
    await h.waitFor(isType('snapshot'), at);
    // After the switch only the new run's snapshots arrive: 2 layers × 3 rows × D = 6.
    for (const e of h.events.slice(at)) if (e.type === 'snapshot') expect(e.snapshot.members[0].recon.length).toBe(2 * 3 * 6);
  });
});
