/**
 * Depth signatures of a real model's attribution graph (SPEC §6): where in depth the graph's
 * positive attribution comes from, how many features each layer holds, and how long the
 * attribution-weighted paths into the target logit are.
 */
import type { RealGraph } from './parse.ts';

/** A share of positive attribution per source layer, and its running sum. */
export interface LayerSignature {
  /** share[l]: the layer-l feature sources' sum of positive link weights over the total (all 0 when the total is 0). */
  share: number[];
  /** cumulative[n] = Σ_{l ≤ n} share[l]. */
  cumulative: number[];
  /** Σ of the positive weights counted. */
  total: number;
}

function signature(graph: RealGraph, intoTarget: boolean): LayerSignature {
  const { kinds, layer, source, target, weight, targetNode, layers } = graph;
  const sum = new Array<number>(layers).fill(0);
  let total = 0;
  for (let k = 0; k < weight.length; k++) {
    const w = weight[k];
    if (w <= 0 || kinds[source[k]] !== 'feature') continue;
    if (intoTarget && target[k] !== targetNode) continue;
    sum[layer[source[k]]] += w;
    total += w;
  }
  const share = sum.map((v) => (total > 0 ? v / total : 0));
  const cumulative: number[] = [];
  let acc = 0;
  for (const v of share) cumulative.push((acc += v));
  return { share, cumulative, total };
}

/** Direct signature: positive links from features into the target logit, by the source's layer. */
export function directSignature(graph: RealGraph): LayerSignature {
  return signature(graph, true);
}

/** Circuit signature (the write-up's Figure 6): every positive link from a feature, by the source's layer. */
export function circuitSignature(graph: RealGraph): LayerSignature {
  return signature(graph, false);
}

/** Feature nodes per layer (error, embedding and logit nodes are not features). */
export function featureCounts(graph: RealGraph): number[] {
  const counts = new Array<number>(graph.layers).fill(0);
  for (let i = 0; i < graph.kinds.length; i++) if (graph.kinds[i] === 'feature') counts[graph.layer[i]]++;
  return counts;
}

/**
 * Attribution-weighted mean path length into the target logit. Each node's positive incoming
 * links, normalized to sum 1, are the chances of stepping back along them; a path ends at a
 * node with no positive incoming link. With len(v) = Σ_u p(u→v)·(1 + len(u)) and len = 0 at
 * path starts, the mean over all paths, each weighted by the product of its normalized link
 * weights, is len(target). Null when no positive link reaches the target.
 */
export function meanPathLength(graph: RealGraph): number | null {
  const { source, target, weight, order, targetNode } = graph;
  const n = order.length;
  const start = new Int32Array(n + 1);
  for (let k = 0; k < source.length; k++) if (weight[k] > 0) start[source[k] + 1]++;
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const out = new Int32Array(start[n]);
  const fill = start.slice(0, n);
  for (let k = 0; k < source.length; k++) if (weight[k] > 0) out[fill[source[k]]++] = k;
  // In topological order every node's predecessors are done before it: push len + 1 forward.
  const num = new Float64Array(n);
  const den = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = order[i];
    const len = den[u] > 0 ? num[u] / den[u] : 0;
    for (let j = start[u]; j < start[u + 1]; j++) {
      const k = out[j];
      num[target[k]] += weight[k] * (1 + len);
      den[target[k]] += weight[k];
    }
  }
  return den[targetNode] > 0 ? num[targetNode] / den[targetNode] : null;
}
