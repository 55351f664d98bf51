/**
 * The real model's own attribution graph (SPEC §5): the same construction as the replacement
 * graphs, on the base model itself. It is the ground truth the CLT's and the PLT's graphs are
 * drawn beside.
 *
 * Nodes: the input dims, every ACTIVE neuron of every MLP layer (activation > 0 after cuts and
 * neuron ablations; an inactive neuron carries nothing and is not a node), and the output dim.
 * There are no error nodes: the model is its own exact description. With the active set frozen
 * each neuron is linear, so, like a replacement feature, its value is exactly its bias plus the
 * weights of its incoming edges. Edge weight = direct effect of the source on the target:
 * - input dim j → neuron t of layer l: `x_j · mask_l[j] · W_in[l][j, t]`;
 * - neuron u of layer s → neuron t of layer l > s: `a_u · Σ_d W_out[s][u, d] · mask_l[d] · W_in[l][d, t]`;
 * - neuron u of layer s → output o: `a_u · W_out[s][u, o]`; input dim j → output: `x_j` when j is o.
 * Node ids are `N<layer>.<neuron>`; each neuron is named by the residual dim it writes (see
 * `neuronKeys`), so XOR-AND's are e, f, g, h (layer 0) and i (layer 1).
 */
import type { Cut } from '../config.ts';
import { cutMasks, forward, type Ablation, type BaseModel } from '../model/baseModel.ts';
import { OUTPUT_ID, layerShares, pathAttribution, startGraph, type AttributionGraph } from './graph.ts';

/** Node id of neuron j of layer l in the real model's graph. */
export function neuronNodeId(layer: number, neuron: number): string {
  return `N${layer}.${neuron}`;
}

/** The dim neuron j of a layer writes most (largest |W_out|; the first on a tie), or −1 when it writes nothing. */
export function writtenDim(model: BaseModel, layer: number, neuron: number): number {
  const D = model.dims;
  const w = model.layers[layer].wOut;
  let best = -1;
  let top = 0;
  for (let d = 0; d < D; d++) {
    const m = Math.abs(w[neuron * D + d]);
    if (m > top) {
      top = m;
      best = d;
    }
  }
  return best;
}

/**
 * Per layer, per neuron: its name in the real graph, the name of the dim it writes most
 * (`writtenDim`). Where several neurons of the model write the same dim, each gets `.k`, k its
 * 1-based place among them (`a.1`, `a.2`); a neuron that writes nothing is `L<layer>.<neuron>`.
 */
export function neuronKeys(model: BaseModel): string[][] {
  const base = model.layers.map((layer, l) =>
    Array.from({ length: layer.hidden }, (_, j) => {
      const d = writtenDim(model, l, j);
      return d < 0 ? `L${l}.${j}` : model.dimNames[d];
    }),
  );
  const count = new Map<string, number>();
  for (const k of base.flat()) count.set(k, (count.get(k) ?? 0) + 1);
  const seen = new Map<string, number>();
  return base.map((row) =>
    row.map((k) => {
      if ((count.get(k) ?? 0) < 2) return k;
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      return `${k}.${n}`;
    }),
  );
}

/** The base model's attribution graph at one input, under cuts and neuron ablations. */
export function realGraph(model: BaseModel, input: number, cuts: readonly Cut[] = [], ablations: readonly Ablation[] = []): AttributionGraph {
  const D = model.dims;
  const L = model.layers.length;
  const k = model.inputDims.length;
  const o = model.outputDim;
  const x = model.inputs.slice(input * k, (input + 1) * k);
  const fwd = forward(model, { cuts, ablations }, x);
  const masks = cutMasks(L, D, cuts);
  const keys = neuronKeys(model);

  const { nodes, edges, link, inputIds } = startGraph(model, x);
  const active: { layer: number; neuron: number; a: number; id: string }[] = [];
  model.layers.forEach((layer, l) => {
    const H = layer.hidden;
    const earlier = active.slice();
    for (let t = 0; t < H; t++) {
      const a = fwd.hidden[l][t];
      if (!(a > 0)) continue;
      const id = neuronNodeId(l, t);
      model.inputDims.forEach((d, j) => link(inputIds[j], id, x[j] * masks[l][d] * layer.wIn[d * H + t]));
      for (const s of earlier) {
        const src = model.layers[s.layer];
        let w = 0;
        for (let d = 0; d < D; d++) w += src.wOut[s.neuron * D + d] * masks[l][d] * layer.wIn[d * H + t];
        link(s.id, id, s.a * w);
      }
      nodes.push({ id, kind: 'feature', layer: l, index: t, value: a, preActivation: a, bias: layer.bIn[t], attribution: 0, label: keys[l][t] });
      active.push({ layer: l, neuron: t, a, id });
    }
  });
  model.inputDims.forEach((d, j) => link(inputIds[j], OUTPUT_ID, d === o ? x[j] : 0));
  for (const s of active) link(s.id, OUTPUT_ID, s.a * model.layers[s.layer].wOut[s.neuron * D + o]);
  const output = fwd.resid[o];
  nodes.push({ id: OUTPUT_ID, kind: 'output', layer: L, index: o, value: output, preActivation: output, bias: 0, attribution: output, label: model.dimNames[o] });

  pathAttribution(nodes, edges);
  const { layerShare, cumulativeShare } = layerShares(nodes, L);
  return { input, layers: L, nodes, edges, output, baseOutput: output, layerShare, cumulativeShare };
}
