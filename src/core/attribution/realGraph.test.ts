/** The real model's own graph (SPEC §5) against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { enumerateSigns, forward, type BaseModel } from '../model/baseModel.ts';
import { modelForCircuit } from '../model/presets.ts';
import { SUPERPOSITION_ID } from '../model/superposition.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { OUTPUT_ID, outputRoutes, type AttributionGraph } from './graph.ts';
import { neuronKeys, realGraph } from './realGraph.ts';

const model = xorAndModel();
const edgeMap = (g: AttributionGraph): Record<string, number> => Object.fromEntries(g.edges.map((e) => [`${e.source}>${e.target}`, e.weight]));
const byId = (g: AttributionGraph) => Object.fromEntries(g.nodes.map((n) => [n.id, n]));

describe('realGraph on XOR-AND', () => {
  it('names the neurons by the dim they write: e f g h, i', () => {
    expect(neuronKeys(model)).toEqual([['e', 'f', 'g', 'h'], ['i']]);
  });

  it('input 10 (a=+1 b=−1 c=+1 d=−1): a,b → e; c,d → g; e,g → i → output; f and h (inactive) are not nodes', () => {
    const g = realGraph(model, 10);
    expect(g.nodes.map((n) => `${n.id}:${n.label}`)).toEqual(['in-a:a=+1', 'in-b:b=-1', 'in-c:c=+1', 'in-d:d=-1', 'N0.0:e', 'N0.2:g', 'N1.0:i', 'out:i']);
    expect(edgeMap(g)).toEqual({
      'in-a>N0.0': 1, 'in-b>N0.0': 1, 'in-c>N0.2': 1, 'in-d>N0.2': 1, 'N0.0>N1.0': 1, 'N0.2>N1.0': 1, 'N1.0>out': 1,
    });
    const n = byId(g);
    for (const id of ['N0.0', 'N0.2', 'N1.0']) expect([n[id].value, n[id].bias, n[id].attribution]).toEqual([1, -1, 1]);
    expect(g.output).toBe(1);
    // All of the output reaches it through layer 1 (neuron i).
    expect(outputRoutes(g)).toEqual({ layer: [0, 1], inputs: 0, errors: 0, total: 1 });
  });

  it('every node is its bias plus its incoming edges, on all 16 inputs, clean and with e cut into layer 1', () => {
    for (const cuts of [[], [{ dims: [4], layer: 1 }]]) {
      for (let i = 0; i < 16; i++) {
        const g = realGraph(model, i, cuts);
        const fwd = forward(model, { cuts }, model.inputs.slice(i * 4, i * 4 + 4));
        expect(g.output).toBe(fwd.resid[8]);
        for (const node of g.nodes) {
          if (node.kind === 'input') continue;
          const sum = g.edges.filter((e) => e.target === node.id).reduce((s, e) => s + e.weight, node.bias);
          expect(sum).toBeCloseTo(node.value, 12);
        }
      }
    }
  });

  it('FALSE input 15 has no neuron; cutting e into layer 1 at input 10 switches i off (only g is left, below its threshold)', () => {
    expect(realGraph(model, 15).nodes.filter((n) => n.kind === 'feature')).toEqual([]);
    const cut = realGraph(model, 10, [{ dims: [4], layer: 1 }]);
    expect(cut.nodes.filter((n) => n.kind === 'feature').map((n) => n.label)).toEqual(['e', 'g']);
    expect(cut.edges.some((e) => e.target === OUTPUT_ID)).toBe(false);
    expect(outputRoutes(cut).total).toBe(0);
  });

  it('ablating neuron e removes it from the graph', () => {
    const g = realGraph(model, 10, [], [{ layer: 0, neuron: 0 }]);
    expect(g.nodes.some((n) => n.id === 'N0.0')).toBe(false);
  });
});

describe('realGraph on a hand-made two-layer model with non-unit weights', () => {
  // Dims x (input), h, y (output). Layer 0: h = ReLU(2x + 0.5), writes 3 into h and −1 into y.
  // Layer 1: y' = ReLU(0.5·h_dim − 1), writes 2 into y.
  const D = 3;
  const m: BaseModel = {
    name: 'hand-made', dims: D, dimNames: ['x', 'h', 'y'], inputDims: [0], outputDim: 2, n: 2, inputs: enumerateSigns(1),
    layers: [
      { hidden: 1, wIn: Float64Array.from([2, 0, 0]), bIn: Float64Array.from([0.5]), wOut: Float64Array.from([0, 3, -1]), neuronNames: ['n0'] },
      { hidden: 1, wIn: Float64Array.from([0, 0.5, 0]), bIn: Float64Array.from([-1]), wOut: Float64Array.from([0, 0, 2]), neuronNames: ['n1'] },
    ],
  };

  it('x = +1: x → h 2; h → y′ 2.5·3·0.5 = 3.75; y′ → out 2.75·2 = 5.5; h → out 2.5·(−1) = −2.5; output 3', () => {
    expect(neuronKeys(m)).toEqual([['h'], ['y']]);
    const g = realGraph(m, 1);
    expect(edgeMap(g)).toEqual({ 'in-x>N0.0': 2, 'N0.0>N1.0': 3.75, 'N0.0>out': -2.5, 'N1.0>out': 5.5 });
    expect(g.output).toBe(3);
    const n = byId(g);
    expect(n['N1.0'].attribution).toBe(5.5);
    // h's total effect: −2.5 direct + 3.75 · (5.5 / 2.75) through y′.
    expect(n['N0.0'].attribution).toBe(5);
    const r = outputRoutes(g);
    expect(r.total).toBe(8);
    expect(r.layer).toEqual([2.5 / 8, 5.5 / 8]);
    // Depth signature: positive attribution 5 (layer 0) and 5.5 (layer 1).
    expect(g.layerShare).toEqual([5 / 10.5, 5.5 / 10.5]);
  });

  it('x = −1: h = ReLU(−1.5) is off, so nothing but the input is drawn', () => {
    const g = realGraph(m, 0);
    expect(g.nodes.map((x) => x.id)).toEqual(['in-x', OUTPUT_ID]);
    expect(g.edges).toEqual([]);
  });

  it('two neurons writing the same dim are told apart: y.1, y.2', () => {
    const two: BaseModel = { ...m, layers: [m.layers[0], { ...m.layers[1], hidden: 2, wIn: Float64Array.from([0, 0, 0.5, 1, 0, 0]), bIn: Float64Array.from([-1, 0]), wOut: Float64Array.from([0, 0, 2, 0, 0, 1]), neuronNames: ['p', 'q'] }] };
    expect(neuronKeys(two)).toEqual([['h'], ['y.1', 'y.2']]);
  });
});

describe('realGraph on compiled circuits and the superposition control', () => {
  const models = ['((a XOR b) AND (c XOR d)) XOR e', 'x XOR y', SUPERPOSITION_ID].map((f) => {
    const r = modelForCircuit(f);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  });

  it('names every neuron uniquely by the dim it writes, and every node is its bias plus its incoming edges', () => {
    for (const m of models) {
      const keys = neuronKeys(m).flat();
      expect(new Set(keys).size).toBe(keys.length);
      for (let i = 0; i < m.n; i++) {
        const g = realGraph(m, i);
        expect(g.output).toBe(forward(m, {}, m.inputs.slice(i * m.inputDims.length, (i + 1) * m.inputDims.length)).resid[m.outputDim]);
        for (const node of g.nodes) {
          if (node.kind === 'input') continue;
          if (node.kind === 'feature') expect(node.value).toBeGreaterThan(0);
          const sum = g.edges.filter((e) => e.target === node.id).reduce((s, e) => s + e.weight, node.bias);
          expect(sum).toBeCloseTo(node.value, 12);
        }
      }
    }
  });

  it('the superposition control: half of each TRUE output comes through layer 0, half through layer 1', () => {
    const m = models[2];
    expect(neuronKeys(m)[0]).toEqual(['e.1', 'e.2', 'e.3', 'e.4']);
    const trueInput = Array.from({ length: m.n }, (_, i) => i).find((i) => realGraph(m, i).output > 0.5)!;
    expect(outputRoutes(realGraph(m, trueInput)).layer).toEqual([0.5, 0.5]);
  });
});
