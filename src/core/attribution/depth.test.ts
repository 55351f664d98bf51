/** The pooled depth signature (SPEC §5) on hand-made graphs. */
import { describe, expect, it } from 'vitest';
import { OUTPUT_ID, type GraphNode } from './graph.ts';
import { pooledDepth } from './depth.ts';

const feature = (layer: number, attribution: number, i = 0): GraphNode => ({
  id: `L${layer}-F${i}`, kind: 'feature', layer, index: i, value: 1, preActivation: 1, bias: 0, attribution, label: '',
});
const out: GraphNode = { id: OUTPUT_ID, kind: 'output', layer: 2, index: 0, value: 1, preActivation: 1, bias: 0, attribution: 1, label: 'y' };
const error: GraphNode = { id: 'err-0', kind: 'error', layer: 0, index: -1, value: 7, preActivation: 7, bias: 0, attribution: 7, label: '' };

describe('pooledDepth', () => {
  // Input 0: one layer-0 feature, T = 1. Input 1: a layer-1 feature, T = 9, and a layer-0 one
  // with negative T (not counted). Input 2: no feature reaches the output (an error node only).
  const graphs = [
    { input: 0, nodes: [feature(0, 1), out] },
    { input: 1, nodes: [feature(0, -4), feature(1, 9), out] },
    { input: 2, nodes: [error, out] },
  ];

  it('sums positive mass over inputs, then normalizes: [1, 9] / 10; not the mean of per-input shares', () => {
    const d = pooledDepth(graphs, 2);
    expect(d.attributionShare).toEqual([0.1, 0.9]);
    expect(d.cumulativeShare).toEqual([0.1, 1]);
    expect(d.counted).toBe(2);
    // The mean of the per-input shares (empty input left out) would be [0.5, 0.5]; counting the
    // empty input as "all layer 0" would be [2/3, 1/3].
    const shares = d.perInput.map((p) => p.share);
    expect(shares).toEqual([[1, 0], [0, 1], null]);
    expect(d.perInput.map((p) => p.mass)).toEqual([1, 9, 0]);
    expect(d.perInput[1].cumulative).toEqual([0, 1]);
  });

  it('an input where no feature reaches the output weighs nothing', () => {
    expect(pooledDepth(graphs.slice(0, 2), 2).attributionShare).toEqual(pooledDepth(graphs, 2).attributionShare);
  });

  it('no positive feature attribution anywhere: every share 0, none counted', () => {
    const d = pooledDepth([graphs[2]], 2);
    expect(d).toMatchObject({ counted: 0, attributionShare: [0, 0], cumulativeShare: [0, 0] });
  });
});
