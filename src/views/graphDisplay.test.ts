/** What the graph drawer is given: pruning, supernodes (edge sums), hidden nodes, ablated ghosts, pinned-only. */
import { describe, expect, it } from 'vitest';
import { attributionGraph, OUTPUT_ID } from '../core/attribution/graph.ts';
import { baseModelTranscoder, decoderWrites, matchFeatures } from '../core/attribution/groundTruth.ts';
import { realGraph } from '../core/attribution/realGraph.ts';
import { pruneGraph } from '../core/attribution/prune.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { emptyKindState, type KindGraphState } from '../state/graphCodec.ts';
import { displayGraph, matchStrength, nodeLines, realDisplay, realNodeLines, strongestEdges, type DisplayInput } from './graphDisplay.ts';

const model = xorAndModel();
const { tc, stats } = baseModelTranscoder(model);
const matches = matchFeatures(tc, stats, model);
// a=+1 b=−1 c=+1 d=−1: e and g fire, then i (TRUE).
const graph = attributionGraph(tc, stats, model, 10);

function show(ui: Partial<KindGraphState> = {}, extra: Partial<DisplayInput> = {}) {
  return displayGraph({ kind: 'plt', graph, pruned: pruneGraph(graph, 0), ui: { ...emptyKindState(), ...ui }, pinnedOnly: false, matches, ablated: [], ...extra });
}

describe('displayGraph', () => {
  it('lays the base model circuit out by layer, with test ids and ground-truth matches', () => {
    const d = show();
    const ids = d.nodes.map((n) => n.testId);
    expect(ids).toEqual(expect.arrayContaining(['node-plt-L0-0', 'node-plt-L0-2', 'node-plt-L1-0', 'node-plt-out', 'node-plt-in-a']));
    expect(d.rows).toBe(4);
    const rows = new Map(d.nodes.map((n) => [n.id, n.row]));
    expect([rows.get('in-a'), rows.get('L0-F0'), rows.get('L1-F0'), rows.get(OUTPUT_ID)]).toEqual([0, 1, 2, 3]);
    expect(d.nodes.find((n) => n.id === 'L0-F0')?.match?.label).toBe('≈ e');
    expect(d.nodes.find((n) => n.id === 'L1-F0')?.match?.label).toBe('≈ i');
    // Nodes sorted by row, so the drawer's order is stable.
    expect(d.nodes.map((n) => n.row)).toEqual([...d.nodes.map((n) => n.row)].sort((x, y) => x - y));
  });

  it('merges a supernode: one node, its edges the sums of its members’ edges, no inner edges', () => {
    const plain = show();
    const w = (src: string, dst: string) => plain.edges.find((e) => e.source === src && e.target === dst)?.weight ?? 0;
    const d = show({ supernodes: [{ id: 'S1', label: 'XORs', members: ['L0-F0', 'L0-F2'] }] });
    expect(d.nodes.some((n) => n.id === 'L0-F0' || n.id === 'L0-F2')).toBe(false);
    const s = d.nodes.find((n) => n.id === 'S1');
    expect(s).toMatchObject({ shape: 'supernode', label: 'XORs', members: ['L0-F0', 'L0-F2'], testId: 'node-plt-S1' });
    const out = d.edges.find((e) => e.source === 'S1' && e.target === 'L1-F0');
    expect(out?.weight).toBeCloseTo(w('L0-F0', 'L1-F0') + w('L0-F2', 'L1-F0'), 12);
    expect(w('L0-F0', 'L1-F0')).not.toBe(0);
    expect(d.edges.find((e) => e.source === 'in-a' && e.target === 'S1')?.weight).toBeCloseTo(w('in-a', 'L0-F0') + w('in-a', 'L0-F2'), 12);
    expect(d.edges.some((e) => e.source === e.target)).toBe(false);
  });

  it('removes hidden nodes with their edges, keeps the output, and keeps pinned nodes the threshold cut', () => {
    const d = show({ hidden: ['L0-F0', OUTPUT_ID] });
    expect(d.nodes.some((n) => n.id === 'L0-F0')).toBe(false);
    expect(d.nodes.some((n) => n.id === OUTPUT_ID)).toBe(true);
    expect(d.edges.some((e) => e.source === 'L0-F0' || e.target === 'L0-F0')).toBe(false);
    const tight = pruneGraph(graph, 1);
    const cut = graph.nodes.find((n) => !tight.nodes.some((m) => m.id === n.id));
    expect(cut).toBeDefined();
    const pinned = show({ pinned: [cut!.id] }, { pruned: tight });
    expect(pinned.nodes.find((n) => n.id === cut!.id)?.pinned).toBe(true);
  });

  it('shows only pinned nodes and the output when asked', () => {
    const d = show({ pinned: ['L1-F0'] }, { pinnedOnly: true });
    expect(d.nodes.map((n) => n.id).sort()).toEqual(['L1-F0', OUTPUT_ID]);
    expect(d.edges).toEqual([expect.objectContaining({ source: 'L1-F0', target: OUTPUT_ID })]);
  });

  it('draws an ablated feature as a crossed-out ghost with its test id', () => {
    const g = attributionGraph(tc, stats, model, 10, { features: [{ layer: 0, feature: 0 }] });
    const d = displayGraph({ kind: 'plt', graph: g, pruned: pruneGraph(g, 0), ui: emptyKindState(), pinnedOnly: false, matches, ablated: [{ layer: 0, feature: 0 }] });
    const ghost = d.nodes.find((n) => n.testId === 'node-plt-L0-0');
    expect(ghost).toMatchObject({ ablated: true, value: 0 });
    expect(d.edges.some((e) => e.source === 'L0-F0' || e.target === 'L0-F0')).toBe(false);
  });
});

describe('feature labels on the nodes', () => {
  it('carries what the decoder writes, and draws "≈ e" only where r ≥ 0.9', () => {
    const d = show({}, { writes: decoderWrites(tc, stats, model) });
    const e = d.nodes.find((n) => n.id === 'L0-F0')!;
    expect(e.writes?.label).toBe('writes e');
    expect(nodeLines('plt', e)).toEqual(expect.arrayContaining(['writes e (dims with |decoder weight| ≥ ½ of its largest)', 'tracks ≈ e (r = 1.00)']));
    expect(matchStrength(e.match)).toBe('strong');
    expect(matchStrength({ ...e.match!, r: 0.89 })).toBe('none');
  });
});

describe('realDisplay', () => {
  it('input 10: node-real-e, node-real-g, node-real-i and the output; f and h absent', () => {
    const d = realDisplay(realGraph(model, 10), model);
    expect(d.nodes.map((n) => n.testId)).toEqual(['node-real-in-a', 'node-real-in-b', 'node-real-in-c', 'node-real-in-d', 'node-real-e', 'node-real-g', 'node-real-i', 'node-real-out']);
    expect(d.rows).toBe(4);
    const i = d.nodes.find((n) => n.testId === 'node-real-i')!;
    expect(i.row).toBe(2);
    expect(realNodeLines(i, model)).toEqual(['real model i', 'neuron i of layer 1, writes i', 'activation 1', 'effect on the output 1']);
  });
});

describe('strongestEdges', () => {
  it('lists a node’s inputs and outputs by |weight|, grouping the far ends into supernodes', () => {
    const { incoming, outgoing } = strongestEdges(graph.edges, ['L1-F0'], emptyKindState());
    expect(incoming.map((e) => e.source).sort()).toEqual(['L0-F0', 'L0-F2']);
    expect(outgoing).toEqual([expect.objectContaining({ target: OUTPUT_ID })]);
    const ui = { ...emptyKindState(), supernodes: [{ id: 'S1', label: 'x', members: ['L0-F0', 'L0-F2'] }] };
    const grouped = strongestEdges(graph.edges, ['L1-F0'], ui);
    expect(grouped.incoming).toHaveLength(1);
    expect(grouped.incoming[0].source).toBe('S1');
    expect(grouped.incoming[0].weight).toBeCloseTo(incoming[0].weight + incoming[1].weight, 12);
  });
});
