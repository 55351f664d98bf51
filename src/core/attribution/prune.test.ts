/** Pruning: the relative edge rule, reachability to the output, and the output always kept. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN } from '../config.ts';
import { CpuEngine } from '../cpuEngine.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { OUTPUT_ID, attributionGraph, type AttributionGraph } from './graph.ts';
import { baseModelTranscoder } from './groundTruth.ts';
import { pruneGraph } from './prune.ts';

const model = xorAndModel();

function trainedGraphs(): AttributionGraph[] {
  const cfg = { ...DEFAULT_TRAIN, steps: 1500 };
  const engine = new CpuEngine(model, [{ kind: 'clt', config: cfg }]);
  engine.trainSync(cfg.steps);
  const tc = { layout: engine.trainers[0].layout, params: engine.trainers[0].params };
  return Array.from({ length: 16 }, (_, n) => attributionGraph(tc, engine.data, model, n));
}

describe('pruneGraph', () => {
  const graphs = trainedGraphs();

  it('keeps exactly the edges at or above threshold × the strongest into their target, on paths to the output', () => {
    for (const g of graphs) {
      for (const tau of [0, 0.1, 0.5, 1]) {
        const p = pruneGraph(g, tau);
        const kept = new Set(p.nodes.map((n) => n.id));
        expect(kept.has(OUTPUT_ID)).toBe(true);
        for (const e of p.edges) {
          const max = Math.max(...g.edges.filter((x) => x.target === e.target).map((x) => Math.abs(x.weight)));
          expect(Math.abs(e.weight)).toBeGreaterThanOrEqual(tau * max);
          expect(kept.has(e.source) && kept.has(e.target)).toBe(true);
        }
        // Every kept node other than the output has a kept outgoing edge (so a kept path onward).
        for (const id of kept) if (id !== OUTPUT_ID) expect(p.edges.some((e) => e.source === id)).toBe(true);
        // Raising the threshold only removes.
        const looser = new Set(pruneGraph(g, tau / 2).edges.map((e) => `${e.source}>${e.target}`));
        for (const e of p.edges) expect(looser.has(`${e.source}>${e.target}`)).toBe(true);
      }
    }
  });

  it('threshold 1 keeps only the strongest edge into each kept node', () => {
    for (const g of graphs) {
      const p = pruneGraph(g, 1);
      const targets = p.edges.map((e) => e.target);
      const byTarget = new Map<string, number>();
      for (const t of targets) byTarget.set(t, (byTarget.get(t) ?? 0) + 1);
      for (const count of byTarget.values()) expect(count).toBe(1);
    }
  });

  it('never drops the output, even when nothing reaches it', () => {
    const { tc, stats } = baseModelTranscoder(model);
    const p = pruneGraph(attributionGraph(tc, stats, model, 15), 0.5);
    expect(p.nodes.map((n) => n.id)).toEqual([OUTPUT_ID]);
    expect(p.edges).toEqual([]);
  });

  it('at input 10 the base graph keeps its whole circuit and drops the silent error nodes', () => {
    const { tc, stats } = baseModelTranscoder(model);
    const g = attributionGraph(tc, stats, model, 10);
    const p = pruneGraph(g, 0.9);
    expect(p.nodes.map((n) => n.id)).toEqual(['in-a', 'in-b', 'in-c', 'in-d', 'L0-F0', 'L0-F2', 'L1-F0', 'out']);
    expect(p.edges).toHaveLength(7);
  });
});
