/**
 * The attribution graph is an exact linearization (SPEC §5): for every node of every graph,
 * bias + Σ incoming edges reproduces the replacement model (tolerance 1e-9), and adding the
 * error edges reproduces the base model. Then the known circuit from the base model's own
 * weights, and the CLT/PLT topology at the defaults.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN, type TranscoderKind } from '../config.ts';
import { CpuEngine } from '../cpuEngine.ts';
import { replacementForward, type ReplacementInterventions, type Stats } from '../metrics/replacement.ts';
import { forward, type BaseModel } from '../model/baseModel.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { encodeLayer, type TrainedTranscoder } from '../transcoder/apply.ts';
import { standardize } from '../transcoder/data.ts';
import { pairIndex } from '../transcoder/layout.ts';
import { OUTPUT_ID, attributionGraph, layerShares, outputRoutes, type AttributionGraph, type GraphNode } from './graph.ts';
import { baseModelTranscoder } from './groundTruth.ts';
import { pruneGraph } from './prune.ts';

const TOL = 1e-9;
const model = xorAndModel();
const TRUE_INPUTS = [5, 6, 9, 10];
const [E, F, G, H] = [4, 5, 6, 7];

function train(steps: number): { stats: Stats; tcs: Record<TranscoderKind, TrainedTranscoder> } {
  const cfg = { ...DEFAULT_TRAIN, steps };
  const engine = new CpuEngine(model, [
    { kind: 'clt', config: cfg },
    { kind: 'plt', config: cfg },
  ]);
  engine.trainSync(steps);
  const [clt, plt] = engine.trainers.map((t) => ({ layout: t.layout, params: Float64Array.from(t.params) }));
  return { stats: engine.data, tcs: { clt, plt } };
}

/** Every identity the graph promises, checked against independent forward passes. */
function checkIdentities(g: AttributionGraph, tc: TrainedTranscoder, stats: Stats, m: BaseModel, iv: ReplacementInterventions): void {
  const k = m.inputDims.length;
  const x = m.inputs.slice(g.input * k, (g.input + 1) * k);
  const rep = replacementForward(tc, stats, m, iv, x);
  const base = forward(m, { cuts: iv.cuts, ablations: iv.ablations }, x);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const sumIn = (id: string, withErrors: boolean): number =>
    g.edges.filter((e) => e.target === id && (withErrors || byId.get(e.source)?.kind !== 'error')).reduce((s, e) => s + e.weight, 0);
  for (const e of g.edges) {
    expect(byId.has(e.source) && byId.has(e.target)).toBe(true);
    expect(byId.get(e.source)!.layer).toBeLessThan(byId.get(e.target)!.layer);
  }
  // The active set is exactly the replacement's nonzero activations.
  const F_ = tc.layout.features;
  for (let l = 0; l < tc.layout.layers; l++) {
    for (let f = 0; f < F_; f++) expect(byId.has(`L${l}-F${f}`)).toBe(rep.acts[l][f] !== 0);
  }
  for (const n of g.nodes) {
    if (n.kind === 'feature') {
      expect(n.value).toBe(n.preActivation);
      expect(Math.abs(n.bias + sumIn(n.id, false) - n.preActivation)).toBeLessThan(TOL);
      // With error edges: the h the encoder computes reading the base model's own residual.
      const hTrue = encodeLayer(tc, n.layer, standardize(base.mlpIn[n.layer], stats.inStats[n.layer])).h[n.index];
      expect(Math.abs(n.bias + sumIn(n.id, true) - hTrue)).toBeLessThan(TOL);
    }
    if (n.kind === 'error') expect(Math.abs(n.value - (base.mlpOut[n.layer][m.outputDim] - rep.out[n.layer][m.outputDim]))).toBeLessThan(TOL);
  }
  const out = byId.get(OUTPUT_ID)!;
  expect(out.value).toBe(rep.resid[m.outputDim]);
  expect(Math.abs(out.bias + sumIn(OUTPUT_ID, false) - g.output)).toBeLessThan(TOL);
  expect(Math.abs(out.bias + sumIn(OUTPUT_ID, true) - base.resid[m.outputDim])).toBeLessThan(TOL);
  expect(g.baseOutput).toBe(base.resid[m.outputDim]);
  // Path attribution is complete: output = its bias + biases routed through features + inputs' totals.
  let routed = out.bias;
  for (const n of g.nodes) {
    if (n.kind === 'input') routed += n.attribution;
    if (n.kind === 'feature') routed += (n.bias * n.attribution) / n.value;
  }
  expect(Math.abs(routed - g.output)).toBeLessThan(TOL);
  // Depth signature: shares of positive feature attribution, so they sum to 1 when any feature has some.
  const anyFeature = g.nodes.some((n) => n.kind === 'feature' && n.attribution > 0);
  expect(g.cumulativeShare.at(-1)).toBeCloseTo(anyFeature ? 1 : 0, 12);
}

describe('sum identity on every node, all 16 inputs', () => {
  let early: ReturnType<typeof train>;
  beforeAll(() => {
    early = train(3000);
  });

  for (const kind of ['clt', 'plt'] as const) {
    it(`${kind.toUpperCase()} after 3000 steps, clean and intervened`, () => {
      const tc = early.tcs[kind];
      const ivs: ReplacementInterventions[] = [
        {},
        { cuts: [{ dims: [E, F, G, H], layer: 1 }] },
        { cuts: [{ dims: [E], layer: 1 }, { dims: [0], layer: 0 }] },
        { pairsOff: [pairIndex(tc.layout, 0, kind === 'clt' ? 1 : 0)] },
        { features: [0, 1, 2, 3, 4, 5, 6, 7].map((f) => ({ layer: 0, feature: f })) },
        // Neuron ablations zero the reconstruction in the dims the neuron writes (e; then i, with a cut).
        { ablations: [{ layer: 0, neuron: 0 }] },
        { ablations: [{ layer: 1, neuron: 0 }, { layer: 0, neuron: 2 }], cuts: [{ dims: [F], layer: 1 }] },
      ];
      let crossLayer = 0;
      for (const iv of ivs) {
        for (let n = 0; n < 16; n++) {
          const g = attributionGraph(tc, early.stats, model, n, iv);
          checkIdentities(g, tc, early.stats, model, iv);
          crossLayer += g.edges.filter((e) => e.source.startsWith('L0') && e.target.startsWith('L1')).length;
        }
      }
      expect(crossLayer).toBeGreaterThan(0);
    });
  }

  it('the base model as its own transcoder, clean and with e..h cut into layer 1', () => {
    const { tc, stats } = baseModelTranscoder(model);
    for (const iv of [{}, { cuts: [{ dims: [E, F, G, H], layer: 1 }] }]) {
      for (let n = 0; n < 16; n++) {
        const g = attributionGraph(tc, stats, model, n, iv);
        checkIdentities(g, tc, stats, model, iv);
        expect(g.output).toBe(g.baseOutput);
      }
    }
  });
});

describe('the base model as a transcoder draws the known circuit', () => {
  const { tc, stats } = baseModelTranscoder(model);
  const edgeMap = (g: AttributionGraph): Record<string, number> => Object.fromEntries(g.edges.map((e) => [`${e.source}>${e.target}`, e.weight]));

  it('input 10 (a=+1 b=−1 c=+1 d=−1): a,b → e; c,d → g; e,g → i → output, every weight 1', () => {
    const g = attributionGraph(tc, stats, model, 10);
    expect(g.nodes.map((n) => n.id)).toEqual(['in-a', 'in-b', 'in-c', 'in-d', 'L0-F0', 'L0-F2', 'err-0', 'L1-F0', 'err-1', 'out']);
    expect(edgeMap(g)).toEqual({
      'in-a>L0-F0': 1,
      'in-b>L0-F0': 1,
      'in-c>L0-F2': 1,
      'in-d>L0-F2': 1,
      'L0-F0>L1-F0': 1,
      'L0-F2>L1-F0': 1,
      'L1-F0>out': 1,
    });
    const byId = Object.fromEntries(g.nodes.map((n) => [n.id, n]));
    for (const id of ['L0-F0', 'L0-F2', 'L1-F0']) {
      expect(byId[id].value).toBe(1);
      expect(byId[id].bias).toBe(-1);
    }
    expect(byId['err-0'].value).toBe(0);
    expect(byId.out.bias).toBe(0);
    expect(g.output).toBe(1);
    expect(g.layerShare).toEqual([2 / 3, 1 / 3]);
  });

  it('input 5 (a=−1 b=+1 c=−1 d=+1) goes through f and h; FALSE input 15 has no features', () => {
    const g = attributionGraph(tc, stats, model, 5);
    expect(edgeMap(g)).toEqual({
      'in-a>L0-F1': 1,
      'in-b>L0-F1': 1,
      'in-c>L0-F3': 1,
      'in-d>L0-F3': 1,
      'L0-F1>L1-F0': 1,
      'L0-F3>L1-F0': 1,
      'L1-F0>out': 1,
    });
    const none = attributionGraph(tc, stats, model, 15);
    expect(none.nodes.filter((n) => n.kind === 'feature')).toEqual([]);
    expect(none.output).toBe(0);
  });
});

describe('layerShares and outputRoutes on a hand-made graph', () => {
  const node = (id: string, kind: GraphNode['kind'], layer: number, attribution: number): GraphNode => ({
    id, kind, layer, index: 0, value: 1, preActivation: 1, bias: 0, attribution, label: id,
  });
  // Two layers: A (layer 0, T = 3), B (layer 0, T = −1), C (layer 1, T = 1), an error and an input.
  const nodes = [node('in-a', 'input', -1, 2), node('A', 'feature', 0, 3), node('B', 'feature', 0, -1), node('err-0', 'error', 0, 5),
    node('C', 'feature', 1, 1), node(OUTPUT_ID, 'output', 2, 0)];
  const edges = [
    { source: 'in-a', target: OUTPUT_ID, weight: 0.5 },
    { source: 'A', target: 'C', weight: 1 },
    { source: 'A', target: OUTPUT_ID, weight: 2 },
    { source: 'B', target: OUTPUT_ID, weight: -1 },
    { source: 'err-0', target: OUTPUT_ID, weight: -0.5 },
    { source: 'C', target: OUTPUT_ID, weight: 1 },
  ];

  it('layerShares: positive attribution of features only, 3 : 1 → [0.75, 0.25]; no positive feature → 0', () => {
    expect(layerShares(nodes, 2)).toEqual({ layerShare: [0.75, 0.25], cumulativeShare: [0.75, 1] });
    expect(layerShares([node('B', 'feature', 0, -1)], 2)).toEqual({ layerShare: [0, 0], cumulativeShare: [0, 0] });
  });

  it('outputRoutes: |edges into the output| by source, Σ = 5: layer 0 (2 + 1), layer 1 (1), inputs 0.5, errors 0.5', () => {
    const r = outputRoutes({ nodes, edges, layers: 2 });
    expect(r.total).toBe(5);
    expect(r.layer).toEqual([3 / 5, 1 / 5]);
    expect(r.inputs).toBe(0.1);
    expect(r.errors).toBe(0.1);
    expect(outputRoutes({ nodes, edges: [], layers: 2 })).toEqual({ layer: [0, 0], inputs: 0, errors: 0, total: 0 });
  });
});

describe('topology at the defaults (15,000 steps): the CLT skips layer 1, the PLT does not', () => {
  let full: ReturnType<typeof train>;
  beforeAll(() => {
    full = train(DEFAULT_TRAIN.steps);
  });

  it('TRUE inputs: no layer-1 node in the CLT graph, a layer-1 node on the PLT path', () => {
    for (const n of TRUE_INPUTS) {
      const clt = attributionGraph(full.tcs.clt, full.stats, model, n);
      const plt = attributionGraph(full.tcs.plt, full.stats, model, n);
      checkIdentities(clt, full.tcs.clt, full.stats, model, {});
      checkIdentities(plt, full.tcs.plt, full.stats, model, {});
      expect(clt.nodes.some((x) => x.kind === 'feature' && x.layer === 1)).toBe(false);
      expect(clt.layerShare).toEqual([1, 0]);
      expect(pruneGraph(plt, 0).nodes.some((x) => x.kind === 'feature' && x.layer === 1)).toBe(true);
      expect(plt.layerShare[1]).toBeGreaterThan(0.2);
      // The output is reached through layer 1 in the PLT's story (as in the real model's), through layer 0 in the CLT's.
      expect(outputRoutes(clt).layer[1]).toBe(0);
      expect(outputRoutes(plt).layer[1]).toBeGreaterThan(outputRoutes(clt).layer[1]);
    }
  });
});
