/**
 * Depth signatures (SPEC §5): where in depth a graph's features carry the output. For one
 * graph, layer l's share is Σ_{features n of layer l} max(0, T(n)) over the same sum for all
 * layers, T(n) the node's total effect on the output (`layerShares`). Over a data set it is
 * POOLED: the per-layer positive masses are summed over every input first and normalized once,
 *   pooled[l] = Σ_inputs mass_input[l] / Σ_inputs Σ_l' mass_input[l'],
 * so an input where no feature reaches the output (mass 0) weighs nothing, and an input whose
 * features carry much attribution weighs more than one whose features carry little. The
 * per-input shares are kept too (null where the input's mass is 0: its share is undefined).
 */
import type { Stats } from '../metrics/replacement.ts';
import type { BaseModel } from '../model/baseModel.ts';
import type { TrainedTranscoder } from '../transcoder/apply.ts';
import { attributionGraph, positiveLayerMass, type AttributionGraph } from './graph.ts';

/** One input's own depth signature. */
export interface InputDepth {
  input: number;
  /** Per layer share, or null when no feature of this input's graph has positive attribution. */
  share: number[] | null;
  /** Running sum of share (null with it). */
  cumulative: number[] | null;
  /** Σ over layers of the positive mass: this input's weight in the pooled signature. */
  mass: number;
}

export interface DepthSignature {
  /** Inputs whose graph had positive feature attribution (weight > 0), out of those pooled. */
  counted: number;
  /** Per layer: the pooled share of positive attribution into the output (see the file comment). */
  attributionShare: number[];
  /** cumulativeShare[n] = Σ_{l ≤ n} attributionShare[l]. */
  cumulativeShare: number[];
  /** Each pooled input's own signature, in input order. */
  perInput: InputDepth[];
}

/** Pools the depth signature of graphs with `layers` layers (every share 0 when none has positive feature attribution). */
export function pooledDepth(graphs: readonly Pick<AttributionGraph, 'input' | 'nodes'>[], layers: number): DepthSignature {
  const sum = new Array<number>(layers).fill(0);
  const perInput: InputDepth[] = [];
  let counted = 0;
  for (const g of graphs) {
    const mass = positiveLayerMass(g.nodes, layers);
    const total = mass.reduce((s, v) => s + v, 0);
    if (total > 0) counted++;
    mass.forEach((v, l) => (sum[l] += v));
    const share = total > 0 ? mass.map((v) => v / total) : null;
    perInput.push({ input: g.input, share, cumulative: share && running(share), mass: total });
  }
  const all = sum.reduce((s, v) => s + v, 0);
  const attributionShare = sum.map((v) => (all > 0 ? v / all : 0));
  return { counted, attributionShare, cumulativeShare: running(attributionShare), perInput };
}

function running(xs: readonly number[]): number[] {
  const out: number[] = [];
  let acc = 0;
  for (const v of xs) out.push((acc += v));
  return out;
}

/** The pooled depth signature of a trained transcoder over `inputs` (default: every input of the model). */
export function depthSignature(
  tc: TrainedTranscoder,
  stats: Stats,
  model: BaseModel,
  inputs: readonly number[] = Array.from({ length: model.n }, (_, n) => n),
): DepthSignature {
  return pooledDepth(inputs.map((n) => attributionGraph(tc, stats, model, n)), tc.layout.layers);
}
