/**
 * The graph-analysis worker path: the worker answers with exactly what the view computed on the
 * page before (same functions, same numbers, through a structured clone), the client keeps only
 * the newest request waiting, names each model once, and falls back to the page when the worker
 * dies, answering the request that was in flight.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraphs, packAnalysis, sharedScale, showAnalysis, unpackAnalysis, type GraphAnalysisInput, type ShownAnalysis } from '../core/attribution/graphAnalysis.ts';
import { attributionGraph, outputRoutes } from '../core/attribution/graph.ts';
import { pruneGraph } from '../core/attribution/prune.ts';
import { decoderWrites, matchFeatures } from '../core/attribution/groundTruth.ts';
import { realGraph } from '../core/attribution/realGraph.ts';
import { DEFAULT_TRAIN } from '../core/config.ts';
import { CpuEngine } from '../core/cpuEngine.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import type { Result } from '../core/result.ts';
import { modelData } from '../core/run.ts';
import { serveGraphAnalysis, type AnalysisPort } from './graphAnalysis.ts';
import { GraphAnalysisClient, type AnalysisEndpoint } from './graphAnalysisClient.ts';
import type { AnalyzeReply, AnalyzeRequest } from './graphAnalysisProtocol.ts';

const model = xorAndModel();
const cfg = { ...DEFAULT_TRAIN, steps: 300 };
const engine = new CpuEngine(model, [
  { kind: 'clt', config: cfg },
  { kind: 'plt', config: cfg },
]);
engine.trainSync(300);
const members = engine.trainers.map((t, k) => ({ kind: k === 0 ? ('clt' as const) : ('plt' as const), layout: t.layout, params: Float64Array.from(t.params) }));
const request = (input: number): GraphAnalysisInput => ({
  model,
  dataLayout: 'as-described',
  members,
  input,
  cuts: [{ layer: 1, dims: [4, 5] }],
  featureAblations: [{ kind: 'plt', layer: 1, feature: 0 }],
  pairsOff: [1],
  neuronAblations: [{ layer: 0, neuron: 2 }],
  threshold: 0.05,
});

/** A worker in the same thread: requests are served after a clone, answers delivered when `flush` says. */
function inThreadWorker() {
  const sent: AnalyzeRequest[] = [];
  const replies: AnalyzeReply[] = [];
  const port: AnalysisPort = { postMessage: (m) => replies.push(structuredClone(m)), onmessage: null };
  serveGraphAnalysis(port);
  const endpoint: AnalysisEndpoint = {
    onmessage: null,
    onerror: null,
    postMessage: (m) => {
      sent.push(m);
      port.onmessage?.({ data: structuredClone(m) } as MessageEvent<AnalyzeRequest>);
    },
  };
  const flush = () => {
    while (replies.length > 0) endpoint.onmessage?.({ data: replies.shift()! } as MessageEvent<AnalyzeReply>);
  };
  return { endpoint, sent, flush };
}

describe('graph analysis', () => {
  it('is the view’s computation: graphs, matches, writes and the real graph as computed directly', () => {
    const data = modelData(model, 'as-described');
    const a = request(10);
    const out = analyzeGraphs(a);
    members.forEach((m, k) => {
      const tc = { layout: m.layout, params: m.params };
      const pairsOff = m.kind === 'clt' ? [1] : [];
      const features = m.kind === 'plt' ? [{ layer: 1, feature: 0 }] : [];
      expect(out.graphs[k]).toEqual(attributionGraph(tc, data, model, 10, { cuts: a.cuts, features, pairsOff, ablations: a.neuronAblations }));
      expect(out.matches[k]).toEqual(matchFeatures(tc, data, model));
      expect(out.writes[k]).toEqual(decoderWrites(tc, data, model, pairsOff));
    });
    expect(out.real).toEqual(realGraph(model, 10, a.cuts, a.neuronAblations));
    // The PLT's ablated feature is off in its graph, and the CLT's is not touched by it.
    expect(out.graphs[1].nodes.some((n) => n.id === 'L1-F0')).toBe(false);
  });

  it('shows what the view draws: each graph pruned at the threshold, the output routes, the shared scale; packed and back unchanged', () => {
    const a = analyzeGraphs(request(10));
    const shown = showAnalysis(a, 0.3);
    expect(shown.pruned).toEqual(a.graphs.map((g) => pruneGraph(g, 0.3)));
    expect(shown.routes).toEqual(a.graphs.map((g) => outputRoutes(g)));
    expect(shown.realRoutes).toEqual(outputRoutes(a.real));
    expect(shown.scale).toEqual(sharedScale([a.real, ...a.graphs]));
    expect(shown.scale.weight).toBeGreaterThan(0);
    // Through a structured clone, as between threads: the edges come back in order, by node id.
    const back = unpackAnalysis(structuredClone(packAnalysis(shown)));
    expect(back).toEqual(shown);
    expect(back.graphs[0].edges.length).toBeGreaterThan(10);
    expect(back.graphs[0].edges).toEqual(a.graphs[0].edges);
  });

  it('answers through the worker with the same numbers, and names a model once', () => {
    const w = inThreadWorker();
    const client = new GraphAnalysisClient(w.endpoint);
    let got: Result<ShownAnalysis> | null = null;
    client.analyze(request(5), (r) => (got = r));
    w.flush();
    expect(got).toEqual({ ok: true, value: showAnalysis(analyzeGraphs(request(5)), 0.05) });
    client.analyze(request(6), () => {});
    w.flush();
    expect(w.sent.map((s) => s.modelKey)).toEqual([1, 1]);
    client.analyze({ ...request(6), model: xorAndModel() }, () => {});
    expect(w.sent.at(-1)?.modelKey).toBe(2);
  });

  it('keeps only the newest request waiting while one is computed', () => {
    const w = inThreadWorker();
    const client = new GraphAnalysisClient(w.endpoint);
    const answered: number[] = [];
    for (const input of [1, 2, 3, 4]) client.analyze(request(input), (r) => r.ok && answered.push(r.value.real.input));
    // The first went out at once; 2 and 3 were replaced by 4 before they could start.
    expect(w.sent.map((s) => s.input.input)).toEqual([1]);
    w.flush();
    expect(w.sent.map((s) => s.input.input)).toEqual([1, 4]);
    w.flush();
    expect(answered).toEqual([1, 4]);
  });

  it('a worker that dies: the request in flight is answered on the page, and so are later ones', async () => {
    const w = inThreadWorker();
    const client = new GraphAnalysisClient(w.endpoint);
    const got = new Promise<Result<ShownAnalysis>>((resolve) => client.analyze(request(9), resolve));
    w.endpoint.onerror?.({ message: 'boom' } as ErrorEvent);
    expect(client.onPage).toContain('boom');
    const r = await got;
    expect(r).toEqual({ ok: true, value: showAnalysis(analyzeGraphs(request(9)), 0.05) });
    const later = await new Promise<Result<ShownAnalysis>>((resolve) => client.analyze(request(3), resolve));
    expect(later.ok && later.value.real.input).toBe(3);
    expect(w.sent).toHaveLength(1);
  });

  it('an analysis that throws answers with why', () => {
    const w = inThreadWorker();
    const client = new GraphAnalysisClient(w.endpoint);
    let got: Result<ShownAnalysis> | null = null;
    client.analyze({ ...request(0), members: [{ ...members[0], layout: undefined as never }] }, (r) => (got = r));
    w.flush();
    expect(got).toMatchObject({ ok: false });
  });
});
