/**
 * The page never parses ONNX (issue 15 item 4): the training worker answers a file check, and the
 * client hands each answer to the check that asked, outside every run.
 */
import { describe, expect, it } from 'vitest';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { exportBaseModel } from '../onnx/export.ts';
import { TrainerClient } from './client.ts';
import type { WorkerEvent } from './protocol.ts';
import { checkUpload } from './uploadCheck.ts';
import { fakeEndpoint } from './fakeEndpoint.ts';

const file = exportBaseModel(xorAndModel());
const buffer = () => file.slice().buffer;

describe('checkUpload', () => {
  it('says what the file is, and with choices gives its model', () => {
    const info = checkUpload({ type: 'checkModel', id: 1, bytes: buffer() });
    expect(info).toMatchObject({ type: 'checked', id: 1, result: { ok: true, value: { info: { layers: 2, nInputs: 4 }, model: null } } });
    const prepared = checkUpload({ type: 'checkModel', id: 2, bytes: buffer(), choices: { enumeration: { kind: 'signs' }, outputDim: 8 } });
    expect(prepared.result.ok && prepared.result.value.model).toEqual(xorAndModel());
    const far = checkUpload({ type: 'checkModel', id: 3, bytes: buffer(), choices: { enumeration: { kind: 'signs' }, outputDim: 9 } });
    expect(far.result.ok || far.result.message).toMatch(/from 0 to 8; it is 9/);
  });

  it('refuses bytes that are not an ONNX model, in words', () => {
    const r = checkUpload({ type: 'checkModel', id: 4, bytes: new Uint8Array([1, 2, 3, 4, 5]).buffer });
    expect(r.result.ok).toBe(false);
    expect(r.result.ok || r.result.message.length).toBeGreaterThan(10);
  });
});

describe('TrainerClient.checkModel', () => {
  const fake = fakeEndpoint;

  it('answers each check by its id and passes no answer to the run listeners', async () => {
    const f = fake();
    const client = new TrainerClient(f.endpoint);
    const got: WorkerEvent[] = [];
    client.onEvent((e) => got.push(e));
    const a = client.checkModel(buffer());
    const b = client.checkModel(buffer(), { enumeration: { kind: 'signs' }, outputDim: 8 });
    const [ra, rb] = f.sent.map((m) => (m.type === 'checkModel' ? checkUpload(m) : null));
    expect(f.sent.map((m) => m.type)).toEqual(['checkModel', 'checkModel']);
    f.reply(rb);
    f.reply(ra);
    const bv = await b;
    expect(bv.ok && bv.value.model?.name).toBe(xorAndModel().name);
    const av = await a;
    expect(av.ok && av.value.model).toBeNull();
    expect(got).toEqual([]);
  });

  it('refuses a check the worker never answers because it crashed', async () => {
    const f = fake();
    const client = new TrainerClient(() => f.endpoint);
    const pending = client.checkModel(buffer());
    f.target.dispatchEvent(Object.assign(new Event('error'), { message: 'boom' }));
    const r = await pending;
    expect(r.ok || r.message).toMatch(/stopped: boom.*Try the file again/);
  });
});
