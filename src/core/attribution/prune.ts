/**
 * Pruning an attribution graph for display. Rule (simple on purpose): an edge is kept when
 * |weight| ≥ threshold × the largest |weight| into the same target; then only nodes with a
 * kept path to the output remain (a node with none cannot affect the output), and the output
 * node always remains. threshold 0 keeps every nonzero edge; 1 keeps each target's strongest.
 */
import { OUTPUT_ID, type AttributionGraph, type GraphEdge, type GraphNode } from './graph.ts';

/** The nodes and edges a pruning keeps. */
export interface PrunedGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The nodes and edges that survive a relative edge threshold in [0, 1]. */
export function pruneGraph(graph: AttributionGraph, threshold: number): PrunedGraph {
  const tau = Math.min(1, Math.max(0, Number.isFinite(threshold) ? threshold : 0));
  const maxInto = new Map<string, number>();
  for (const e of graph.edges) maxInto.set(e.target, Math.max(maxInto.get(e.target) ?? 0, Math.abs(e.weight)));
  const strong = graph.edges.filter((e) => e.weight !== 0 && Math.abs(e.weight) >= tau * (maxInto.get(e.target) ?? 0));

  // Backward reachability from the output over the strong edges.
  const into = new Map<string, GraphEdge[]>();
  for (const e of strong) {
    const list = into.get(e.target);
    if (list) list.push(e);
    else into.set(e.target, [e]);
  }
  const keep = new Set<string>([OUTPUT_ID]);
  const stack = [OUTPUT_ID];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const e of into.get(id) ?? []) {
      if (keep.has(e.source)) continue;
      keep.add(e.source);
      stack.push(e.source);
    }
  }
  return {
    nodes: graph.nodes.filter((n) => keep.has(n.id)),
    edges: strong.filter((e) => keep.has(e.source) && keep.has(e.target)),
  };
}
