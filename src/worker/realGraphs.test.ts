/** The real-model graphs worker over a MessageChannel, as the page talks to it: files in, summaries or refusals out. */
import { readFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_GRAPH_BYTES } from '../core/realGraphs/parse.ts';
import { serveRealGraphs, summarizeFile, type GraphPort } from './realGraphs.ts';
import { RealGraphsClient, type GraphEndpoint } from './realGraphsClient.ts';

const fixture = (kind: string): Blob => new Blob([readFileSync(new URL(`../../../shared/fixtures/graphs/bee-insect-${kind}.json`, import.meta.url))]);

describe('real-model graphs worker', () => {
  let client: RealGraphsClient | null = null;
  afterEach(() => client?.dispose());

  function connect(): RealGraphsClient {
    const { port1, port2 } = new MessageChannel();
    serveRealGraphs(port1 as unknown as GraphPort);
    client = new RealGraphsClient(port2 as unknown as GraphEndpoint);
    return client;
  }

  it('answers each file with its summary, by id, in parallel', async () => {
    const c = connect();
    const [clt, plt, bad] = await Promise.all([
      c.summarize(fixture('clt'), 'clt.json'),
      c.summarize(fixture('plt'), 'plt.json'),
      c.summarize(new Blob(['{"nodes": ']), 'bad.json'),
    ]);
    if (!clt.ok || !plt.ok) throw new Error('expected both fixtures to be read');
    expect(clt.value.file).toBe('clt.json');
    expect(clt.value.circuit.cumulative[1]).toBeCloseTo(0.61, 2);
    expect(plt.value.meanPathLength).toBeCloseTo(2.63, 2);
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/^not JSON/) });
  });

  it('refuses a file over the limit by its size, without reading it', async () => {
    const huge = { size: MAX_GRAPH_BYTES + 1, text: () => Promise.reject(new Error('read')) } as unknown as Blob;
    const reply = await summarizeFile({ type: 'summarize', id: 3, file: huge, name: 'huge.json' });
    expect(reply).toEqual({ type: 'summarize', id: 3, result: { ok: false, message: 'the file is 50.0 MB; graphs up to 50 MB are read' } });
  });
});
