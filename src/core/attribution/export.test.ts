/** Export to the circuit-tracer / Neuronpedia graph JSON, and loading it back through the validator. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN } from '../config.ts';
import { CpuEngine } from '../cpuEngine.ts';
import { xorAndModel } from '../model/xorAnd.ts';
import { exportGraphJson, validateGraphJson, type GraphJson } from './export.ts';
import { attributionGraph } from './graph.ts';
import { baseModelTranscoder, decoderWrites, matchFeatures, matchLabels } from './groundTruth.ts';
import { pruneGraph } from './prune.ts';

const model = xorAndModel();
const roundTrip = (json: GraphJson): unknown => JSON.parse(JSON.stringify(json));

describe('exportGraphJson', () => {
  const { tc, stats } = baseModelTranscoder(model);
  const graph = attributionGraph(tc, stats, model, 10);
  const labels = matchLabels(matchFeatures(tc, stats, model));

  it('writes circuit-tracer node ids, types and links', () => {
    const json = exportGraphJson(graph, model, { slug: 'base-10', labels, pinnedIds: ['L1-F0', 'nope'], clickedId: 'L0-F0' });
    const byId = Object.fromEntries(json.nodes.map((n) => [n.node_id, n]));
    expect(Object.keys(byId)).toEqual(['E_0_0', 'E_1_1', 'E_2_2', 'E_3_3', '0_0_3', '0_2_3', '0_-1_3', '1_0_3', '1_-1_3', '3_8_3']);
    expect(byId.E_1_1).toMatchObject({ layer: 'E', ctx_idx: 1, feature_type: 'embedding', jsNodeId: 'E_1-1' });
    expect(byId['0_2_3']).toMatchObject({ layer: '0', feature: 5, feature_type: 'cross layer transcoder', jsNodeId: '0_2-0', clerp: '≈ g', activation: 1 });
    expect(byId['1_-1_3']).toMatchObject({ feature: -1, feature_type: 'mlp reconstruction error', jsNodeId: '1_-1-3' });
    expect(byId['3_8_3']).toMatchObject({ layer: '3', feature_type: 'logit', is_target_logit: true, clerp: 'Output "i" (p=1.000)' });
    expect(json.metadata.prompt_tokens).toEqual(['a=+1', 'b=-1', 'c=+1', 'd=-1']);
    expect(json.metadata.schema_version).toBe(1);
    expect(json.qParams).toEqual({ pinnedIds: ['1_0_3'], supernodes: [], linkType: 'both', clickedId: '0_0_3', sg_pos: '' });
    expect(json.links).toContainEqual({ source: '0_0_3', target: '1_0_3', weight: 1 });
    expect(json.links).toContainEqual({ source: '1_0_3', target: '3_8_3', weight: 1 });
    expect(json.links).toHaveLength(7);
    // Cumulative influence: the most influential node has the smallest score, the last reaches 1.
    const influences = json.nodes.flatMap((n) => (n.influence === null ? [] : [n.influence]));
    expect(Math.max(...influences)).toBeCloseTo(1, 12);
  });

  it('the clerp of a feature is its ground-truth label: "writes g · ≈ g"', () => {
    const full = matchLabels(matchFeatures(tc, stats, model), decoderWrites(tc, stats, model));
    const json = exportGraphJson(graph, model, { slug: 'labels', labels: full });
    expect(json.nodes.find((n) => n.node_id === '0_2_3')?.clerp).toBe('writes g · ≈ g');
    expect(json.nodes.find((n) => n.node_id === '1_0_3')?.clerp).toBe('writes i · ≈ i');
  });

  it("types a PLT's features as a per-layer transcoder's", () => {
    const json = exportGraphJson(graph, model, { slug: 'plt-10', transcoder: 'plt' });
    const types = new Set(json.nodes.filter((n) => n.layer !== 'E' && n.feature !== -1 && !n.is_target_logit).map((n) => n.feature_type));
    expect([...types]).toEqual(['per layer transcoder']);
  });

  it('loads back through the validator, whole and pruned, with supernodes', () => {
    const whole = validateGraphJson(roundTrip(exportGraphJson(graph, model, { slug: 'whole', nodeThreshold: 0.8 })));
    expect(whole).toMatchObject({ ok: true });
    const cfg = { ...DEFAULT_TRAIN, steps: 1500 };
    const engine = new CpuEngine(model, [{ kind: 'clt', config: cfg }]);
    engine.trainSync(cfg.steps);
    const clt = { layout: engine.trainers[0].layout, params: engine.trainers[0].params };
    for (let n = 0; n < 16; n++) {
      const g = attributionGraph(clt, engine.data, model, n);
      const subset = pruneGraph(g, 0.2);
      const json = exportGraphJson(g, model, {
        slug: `clt-${n}`,
        subset,
        labels: matchLabels(matchFeatures(clt, engine.data, model)),
        supernodes: [{ label: 'layer 0', ids: subset.nodes.filter((x) => x.layer === 0).map((x) => x.id) }],
      });
      const back = validateGraphJson(roundTrip(json));
      expect(back.ok, back.ok ? '' : back.message).toBe(true);
      expect(json.nodes).toHaveLength(subset.nodes.length);
      expect(json.links).toHaveLength(subset.edges.length);
    }
  });
});

describe('validateGraphJson', () => {
  const { tc, stats } = baseModelTranscoder(model);
  const good = (): Record<string, unknown> => roundTrip(exportGraphJson(attributionGraph(tc, stats, model, 10), model, { slug: 's' })) as Record<string, unknown>;

  it.each([
    ['not an object', () => 3, 'must be an object'],
    ['no links', (j: Record<string, unknown>) => ({ ...j, links: undefined, qParams: j.qParams }), '"links"'],
    ['no slug', (j: Record<string, unknown>) => ({ ...j, metadata: { ...(j.metadata as object), slug: 1 } }), 'slug'],
    ['bad tokens', (j: Record<string, unknown>) => ({ ...j, metadata: { ...(j.metadata as object), prompt_tokens: [1] } }), 'prompt_tokens'],
    ['dangling link', (j: Record<string, unknown>) => ({ ...j, links: [{ source: 'E_0_0', target: '9_9_9', weight: 1 }] }), '"9_9_9" is not a node'],
    ['NaN weight', (j: Record<string, unknown>) => ({ ...j, links: [{ source: 'E_0_0', target: '0_0_3', weight: null }] }), 'weight'],
    ['duplicate id', (j: Record<string, unknown>) => ({ ...j, nodes: [...(j.nodes as object[]), (j.nodes as object[])[0]] }), 'duplicate node_id'],
    ['no clerp', (j: Record<string, unknown>) => ({ ...j, nodes: (j.nodes as object[]).map((n) => ({ ...n, clerp: undefined })) }), 'clerp'],
    ['no logit', (j: Record<string, unknown>) => ({ ...j, nodes: (j.nodes as { feature_type: string }[]).filter((n) => n.feature_type !== 'logit'), links: [] }), 'no logit'],
  ] as const)('rejects %s', (_name, mutate, message) => {
    const r = validateGraphJson(roundTrip(mutate(good()) as unknown as GraphJson));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});
