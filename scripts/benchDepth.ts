/**
 * `npm run bench:depth -- [--json]`: milliseconds to parse, check and summarize a generated
 * graph the size of a big Neuronpedia export (about 5 MB, 30,000 links; goal < 1 s), the same
 * work the page's worker does on a dropped file.
 */
import { Random } from '../src/core/random.ts';
import { summarizeGraphText } from '../src/core/realGraphs/summary.ts';

const LAYERS = 26;
const POSITIONS = 7;
const FEATURES = 5300;
const LINKS = 30_000;
const RUNS = 7;

/** A graph in circuit-tracer's schema: features on 26 layers, one error node per layer and position, 10 logits past the last layer. */
function generate(seed: number): string {
  const rng = new Random(seed);
  const node = (node_id: string, layer: string, feature_type: string, ctx: number, extra: Record<string, unknown> = {}) => ({
    node_id, feature: rng.int(16384), layer, ctx_idx: ctx, feature_type, token_prob: 0, is_target_logit: false, run_idx: 0,
    reverse_ctx_idx: 0, jsNodeId: `${layer}_${node_id}`, clerp: '', influence: rng.uniform(), activation: 10 * rng.uniform(), ...extra,
  });
  const nodes: ReturnType<typeof node>[] = [];
  const layerOf: number[] = [];
  for (let p = 0; p < POSITIONS; p++) {
    nodes.push(node(`E_${p}_${p}`, 'E', 'embedding', p));
    layerOf.push(-1);
  }
  for (let f = 0; f < FEATURES; f++) {
    const l = Math.min(LAYERS - 1, Math.floor(LAYERS * rng.uniform() ** 1.5));
    const p = rng.int(POSITIONS);
    // A Neuronpedia-length explanation for each feature.
    const clerp = `feature ${f} of layer ${l}: text about insects, bees, hives, pollen and flowers near the token at position ${p}; top activations in field guides, beekeeping manuals and encyclopedia entries on social insects, with weaker activations on wasps, ants, honey, nectar, swarms, queens, drones and the word "buzz" in children's books`;
    nodes.push(node(`${l}_${f}_${p}`, String(l), 'cross layer transcoder', p, { clerp }));
    layerOf.push(l);
  }
  for (let l = 0; l < LAYERS; l++) {
    for (let p = 0; p < POSITIONS; p++) {
      nodes.push(node(`${l}_error_${p}`, String(l), 'mlp reconstruction error', p, { feature: null }));
      layerOf.push(l);
    }
  }
  for (let t = 0; t < 10; t++) {
    nodes.push(node(`${LAYERS + 1}_${t}_${POSITIONS - 1}`, String(LAYERS + 1), 'logit', POSITIONS - 1, { token_prob: 0.5 / (t + 1), is_target_logit: t === 0 }));
    layerOf.push(LAYERS + 1);
  }
  const links: { source: string; target: string; weight: number }[] = [];
  while (links.length < LINKS) {
    // Sources below their targets in depth, so the graph has no cycle.
    const s = rng.int(nodes.length);
    const t = rng.int(nodes.length);
    if (layerOf[s] >= layerOf[t] || nodes[t].feature_type === 'embedding' || nodes[s].feature_type === 'logit') continue;
    links.push({ source: nodes[s].node_id, target: nodes[t].node_id, weight: Number((rng.normal() + 0.3).toFixed(6)) });
  }
  return JSON.stringify({
    metadata: { slug: 'bench', scan: 'gemma-2-2b', transcoder_list: [], prompt_tokens: ['<bos>'], prompt: '<bos>', schema_version: 1,
      info: { transcoder_set: 'bench-clt' }, pruning_settings: { node_threshold: 0.8, edge_threshold: 0.98 } },
    qParams: { pinnedIds: [], supernodes: [], linkType: 'both', clickedId: '', sg_pos: '' },
    nodes,
    links,
  });
}

const json = process.argv.includes('--json');
const text = generate(17);
const bytes = Buffer.byteLength(text);
const ms: number[] = [];
let links = 0;
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const r = summarizeGraphText(text, 'bench.json', bytes);
  ms.push(performance.now() - t0);
  if (!r.ok) throw new Error(`the generated graph was refused: ${r.message}`);
  links = r.value.links;
}
const sorted = [...ms].sort((a, b) => a - b);
const median = sorted[Math.floor(RUNS / 2)];
console.log(
  `parse + check + summarize, ${(bytes / 1e6).toFixed(2)} MB, ${links} links: first run ${ms[0].toFixed(0)} ms, ` +
    `median of ${RUNS} ${median.toFixed(0)} ms, fastest ${sorted[0].toFixed(0)} ms (goal < 1000 ms)`,
);
if (json) console.log(JSON.stringify({ bytes, links, firstMs: Math.round(ms[0]), medianMs: Math.round(median) }));
