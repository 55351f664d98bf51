/**
 * The whole link (issue 15 item 5): readLink / writeLink own the hash — config, interventions,
 * graph view and the view keys. The pinned hashes were produced by the page's code before the
 * codec was joined (runner.ts stitched them from three codecs), so a link stays byte-identical.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT, type ExperimentConfig } from '../core/config.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import { modelForCircuit } from '../core/model/presets.ts';
import { defaultGraphState, encodeGraphState, type GraphState } from './graphCodec.ts';
import { NO_INTERVENTIONS, type SavedInterventions } from './interventionCodec.ts';
import { readLink, writeLink } from './url.ts';

const DEPTH3 = '((a XOR b) AND (c XOR d)) XOR e';

interface State {
  config: ExperimentConfig;
  interventions: SavedInterventions;
  graph: GraphState;
  speed: 'max' | null;
  dimNames?: readonly string[];
}

const write = (s: State): string => `#${writeLink({ config: s.config, interventions: s.interventions, graph: s.graph, view: { speed: s.speed, at: null } }, s.dimNames)}`;
const read = readLink;

const graph = (): GraphState => {
  const g = defaultGraphState();
  g.threshold = 0.12;
  g.clickMode = 'ablate';
  g.clt.pinned = ['f1.0', 'out'];
  g.clt.labels = { 'f1.0': 'the AND, kind of' };
  g.plt.hidden = ['f0.3'];
  return g;
};

const STATES: Record<string, State> = {
  default: { config: DEFAULT_EXPERIMENT, interventions: NO_INTERVENTIONS, graph: defaultGraphState(), speed: null },
  everything: {
    config: { ...DEFAULT_EXPERIMENT, seed: 3, lambda: 0.1, penalty: 'tanh', norm: 'sum', steps: 4000, input: 5, cuts: [{ dims: [4, 5, 6, 7], layer: 1 }, { dims: [0], layer: 0 }] },
    interventions: { featureAblations: [{ kind: 'clt', layer: 1, feature: 3 }, { kind: 'plt', layer: 0, feature: 5 }], pairsOff: [2], neuronAblations: [{ layer: 1, neuron: 0 }] },
    graph: graph(),
    speed: 'max',
  },
  circuit: {
    config: { ...DEFAULT_EXPERIMENT, circuit: DEPTH3, lambda: 0.05, preset: 'spec', cuts: [{ dims: [1, 2], layer: 2 }] },
    interventions: NO_INTERVENTIONS, graph: defaultGraphState(), speed: null,
    dimNames: modelForCircuit(DEPTH3).ok ? (modelForCircuit(DEPTH3) as { value: BaseModel }).value.dimNames : undefined,
  },
  upload: {
    config: { ...DEFAULT_EXPERIMENT, seed: 1, cuts: [{ dims: [0, 2], layer: 0 }] },
    interventions: { featureAblations: [], pairsOff: [], neuronAblations: [{ layer: 0, neuron: 7 }] }, graph: defaultGraphState(), speed: null,
    dimNames: ['x1', 'x2', 'out put', 'out'],
  },
};

describe('the whole link', () => {
  it('writes the hashes the page wrote before the codec was joined', () => {
    expect(write(STATES.default)).toMatchInlineSnapshot(`"#v=1&seed=0"`);
    expect(write(STATES.everything)).toMatchInlineSnapshot(`"#v=1&seed=3&lambda=0.1&penalty=tanh&norm=sum&steps=4000&input=5&cut=efgh%3E1,a%3E0&fa=c1.3*p0.5&off=2&na=1.0&graph=v1.mA.t120.cpf1_2E0*out.clf1_2E0*the_20AND_2C_20kind_20of.phf0_2E3&speed=max"`);
    expect(write(STATES.circuit)).toMatchInlineSnapshot(`"#v=1&seed=0&cut=bc%3E2&circuit=((a+XOR+b)+AND+(c+XOR+d))+XOR+e"`);
    expect(write(STATES.upload)).toMatchInlineSnapshot(`"#v=1&seed=1&cut=x1%2B%5B2%5D%3E0&na=0.7"`);
  });

  it('reads a whole link back to the state that wrote it', () => {
    for (const name of ['default', 'everything', 'circuit'] as const) {
      const s = STATES[name];
      const r = read(write(s));
      expect(r.problems).toEqual([]);
      expect(r.config).toEqual(s.config);
      expect(r.interventions).toEqual(s.interventions);
      expect(encodeGraphState(r.graph)).toBe(encodeGraphState(s.graph));
      expect(r.view).toEqual({ speed: s.speed, at: null });
    }
  });

  it('round-trips the view keys too: speed and at, written after everything else', () => {
    const s = STATES.everything;
    const link = { config: s.config, interventions: s.interventions, graph: s.graph, view: { speed: 'watch' as const, at: 1200 } };
    const hash = writeLink(link);
    expect(hash.endsWith('&speed=watch&at=1200')).toBe(true);
    const r = readLink(hash);
    expect(r.problems).toEqual([]);
    expect({ config: r.config, interventions: r.interventions, view: r.view }).toEqual({ config: link.config, interventions: link.interventions, view: link.view });
    expect(encodeGraphState(r.graph)).toBe(encodeGraphState(link.graph));
    // Written again, the link is the same text.
    expect(writeLink(r)).toBe(hash);
  });

  it('decides the model once: the circuit\'s, else the write-up\'s with the problem named', () => {
    expect(readLink(write(STATES.circuit)).model.name).toBe((modelForCircuit(DEPTH3) as { value: BaseModel }).value.name);
    const broken = readLink('#circuit=a%20XOR&lambda=0.5');
    expect(broken.model.name).toBe('(a XOR b) AND (c XOR d)');
    expect(broken.config.lambda).toBe(0.5);
    expect(broken.problems.at(-1)).toMatch(/^circuit: .*; using the write-up's model\.$/);
  });

  it('reports every problem of a malformed link, in the order the page shows them', () => {
    const r = read('#v=1&lambda=banana&cut=zz%3E9&fa=c1.3*bad&graph=v1.q&speed=fast&at=99999999&circuit=a%20XOR');
    expect(r.config.circuit).toBe('');
    expect(r.config.cuts).toEqual([]);
    // The replaced λ the message names is the one the page then uses (the write-up model's default).
    expect(r.config.lambda).toBe(0.3);
    expect(r.problems).toMatchInlineSnapshot(`
      [
        "lambda 'banana' is not a number; using 0.3",
        "cut 'zz>9' was ignored: layer '9' is not one of 0 to 1",
        "graph: graph view: "q" is not understood; it was ignored",
        "circuit: Expected an input name or '(' at position 5, found the end of the formula; using the write-up's model.",
        "fa: item 'bad' could not be read; ignored.",
        "speed 'fast' is not one of watch, max; using the page's pace",
        "at '99999999' is not a step from 0 to 15000; showing the live step",
      ]
    `);
    const m = read('#v=1&steps=500&na=9.9*0.1&at=200&speed=watch&zzz=1');
    expect(m.config.steps).toBe(500);
    expect(m.view).toEqual({ speed: 'watch', at: 200 });
    expect(m.interventions.neuronAblations).toEqual([{ layer: 0, neuron: 1 }]);
    expect(m.problems).toMatchInlineSnapshot(`
      [
        "unknown key 'zzz' was ignored",
        "1 intervention in the link name a layer, feature, block or neuron this model does not have; ignored.",
      ]
    `);
  });
});
