import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BOUNDS, DATA_LAYOUTS, DEFAULT_EXPERIMENT, ENGINES, INIT_SCHEMES, NORMS, PENALTIES, PREACT_FORMS, PRESETS,
  REDUCTIONS, STRAIGHT_THROUGH, THETA_PARAMS, checkBound, presetDepartures, presetValues,
  type Cut, type ExperimentConfig, type NumericKey,
} from '../core/config.ts';
import { formatCuts, parseCuts, parseHash, parseViewKeys, serializeHash } from './url.ts';

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
const NUMERIC = Object.keys(BOUNDS) as NumericKey[];

/** Every way a config can be invalid for a model, as messages (empty when valid). */
function invalidities(c: ExperimentConfig, dims = 9, layers = 2, inputs = 16): string[] {
  const out: string[] = [];
  for (const k of NUMERIC) {
    const m = checkBound(k, c[k]);
    if (m) out.push(m);
  }
  if (c.input >= inputs) out.push('input too large');
  if (!PENALTIES.includes(c.penalty)) out.push('penalty');
  if (!NORMS.includes(c.norm)) out.push('norm');
  if (!ENGINES.includes(c.engine)) out.push('engine');
  if (typeof c.circuit !== 'string' || c.circuit.length > 300) out.push('circuit');
  const ids = new Set<string>();
  for (const cut of c.cuts) {
    if (!Number.isInteger(cut.layer) || cut.layer < 0 || cut.layer >= layers) out.push('cut layer');
    if (cut.dims.length === 0) out.push('empty cut');
    cut.dims.forEach((d, i) => {
      if (!Number.isInteger(d) || d < 0 || d >= dims || (i > 0 && d <= cut.dims[i - 1])) out.push('cut dims');
    });
    const id = `${cut.dims.join(' ')}>${cut.layer}`;
    if (ids.has(id)) out.push('duplicate cut');
    ids.add(id);
  }
  const keys = Object.keys(c).sort();
  if (keys.join() !== Object.keys(DEFAULT_EXPERIMENT).sort().join()) out.push(`keys ${keys.join()}`);
  return out;
}

const noNegZero = (x: number) => !Object.is(x, -0);
function numberArb(k: NumericKey, max: number = BOUNDS[k].max): fc.Arbitrary<number> {
  const b = BOUNDS[k];
  const any = b.integer
    ? fc.integer({ min: b.min, max })
    : fc.double({ min: b.min, max, noNaN: true, noDefaultInfinity: true }).filter(noNegZero);
  return fc.oneof(fc.constant(DEFAULT_EXPERIMENT[k]), any, fc.constant(b.min), fc.constant(max));
}

function cutsArb(dims: number, layers: number): fc.Arbitrary<Cut[]> {
  const cut = fc.record({
    dims: fc.uniqueArray(fc.integer({ min: 0, max: dims - 1 }), { minLength: 1, maxLength: dims }).map((d) => d.sort((x, y) => x - y)),
    layer: fc.integer({ min: 0, max: layers - 1 }),
  });
  return fc.uniqueArray(cut, { maxLength: 5, selector: (c) => `${c.dims.join(' ')}>${c.layer}` });
}

function configArb(dims = 9, layers = 2): fc.Arbitrary<ExperimentConfig> {
  return fc.record({
    seed: numberArb('seed'), lambda: numberArb('lambda'), c: numberArb('c'), features: numberArb('features'),
    lr: numberArb('lr'), steps: numberArb('steps'), window: numberArb('window'), epsilon: numberArb('epsilon'),
    lambdaP: numberArb('lambdaP'), warmup: numberArb('warmup'), input: numberArb('input', 15),
    asymmetry: numberArb('asymmetry'), consistency: numberArb('consistency'),
    penalty: fc.constantFrom(...PENALTIES), norm: fc.constantFrom(...NORMS), engine: fc.constantFrom(...ENGINES),
    reduction: fc.constantFrom(...REDUCTIONS), padDims: numberArb('padDims'), layout: fc.constantFrom(...DATA_LAYOUTS),
    thetaParam: fc.constantFrom(...THETA_PARAMS), thetaInit: numberArb('thetaInit'),
    straightThrough: fc.constantFrom(...STRAIGHT_THROUGH), preact: fc.constantFrom(...PREACT_FORMS),
    init: fc.constantFrom(...INIT_SCHEMES), lrDecayStep: numberArb('lrDecayStep'), lrDecayFactor: numberArb('lrDecayFactor'),
    preset: fc.constantFrom(...PRESETS),
    cuts: cutsArb(dims, layers),
    circuit: fc.oneof(
      fc.constant(''),
      fc.string({ unit: 'binary', maxLength: 300 }).filter((s) => s.length <= 300),
      fc.constantFrom('(a XOR b) AND (c XOR d)', 'a & b | !c', '<img src=x onerror=alert(1)>', '50% + 1 = #2 & more'),
    ),
  });
}

describe('parseHash: valid links', () => {
  it('reads an empty hash as the defaults, with no problems', () => {
    for (const h of ['', '#', '#&&', '?']) {
      const r = parseHash(h);
      expect(r.problems, h).toEqual([]);
      expect(r.config).toEqual(DEFAULT_EXPERIMENT);
    }
  });

  it('reads every key of the contract', () => {
    const { config, problems } = parseHash(
      '#v=1&seed=7&lambda=0.5&penalty=tanh&c=2&norm=sum&features=16&lr=0.01&steps=3000&window=1'
      + '&cut=efgh>1&engine=cpu&input=3&circuit=a+XOR+b&eps=0.1&lp=0.001&warmup=0&asym=0.5&ic=2'
      + '&reduction=mean&padDims=110&layout=as-trained',
    );
    expect(problems).toEqual([]);
    expect(config).toEqual({
      ...DEFAULT_EXPERIMENT, reduction: 'mean', padDims: 110, layout: 'as-trained',
      seed: 7, lambda: 0.5, penalty: 'tanh', c: 2, norm: 'sum', features: 16, lr: 0.01, steps: 3000, window: 1,
      cuts: [{ dims: [4, 5, 6, 7], layer: 1 }], engine: 'cpu', input: 3, circuit: 'a XOR b',
      epsilon: 0.1, lambdaP: 0.001, warmup: 0, asymmetry: 0.5, consistency: 2,
    });
  });

  it('reads cuts written raw or percent-encoded, as groups, merging repeats', () => {
    expect(parseHash('#cut=e>1,g>1').config.cuts).toEqual([{ dims: [4], layer: 1 }, { dims: [6], layer: 1 }]);
    expect(parseHash('#cut=hgfe%3E1%2Ce%3E1').config.cuts).toEqual([{ dims: [4, 5, 6, 7], layer: 1 }, { dims: [4], layer: 1 }]);
    const merged = parseHash('#cut=efgh>1,hgfe>1,e>1,ee>1,e>0');
    expect(merged.problems).toEqual([]);
    expect(merged.config.cuts).toEqual([{ dims: [4, 5, 6, 7], layer: 1 }, { dims: [4], layer: 1 }, { dims: [4], layer: 0 }]);
  });

  it('allows a cut into layer 0 and none past the last layer', () => {
    expect(parseHash('#cut=ab>0').config.cuts).toEqual([{ dims: [0, 1], layer: 0 }]);
    expect(parseHash('#cut=ab>2').config.cuts).toEqual([]);
    expect(parseHash('#cut=ab>2', NAMES, 3).config.cuts).toEqual([{ dims: [0, 1], layer: 2 }]);
  });

  it('keeps a circuit with HTML in it as plain text', () => {
    const circuit = '<script>alert("x")</script>';
    const { config, problems } = parseHash(`#${serializeHash({ ...DEFAULT_EXPERIMENT, circuit })}`);
    expect(problems).toEqual([]);
    expect(config.circuit).toBe(circuit);
  });
});

describe('serializeHash', () => {
  it('writes v=1 and the seed even for the defaults', () => {
    expect(serializeHash(DEFAULT_EXPERIMENT)).toBe('v=1&seed=0');
  });

  it('writes only what differs, cuts with > escaped and commas raw', () => {
    const text = serializeHash({ ...DEFAULT_EXPERIMENT, seed: 3, lambda: 1e-4, norm: 'sum', cuts: [{ dims: [4, 5, 6, 7], layer: 1 }, { dims: [4], layer: 1 }] });
    expect(text).toBe('v=1&seed=3&lambda=0.0001&norm=sum&cut=efgh%3E1,e%3E1');
  });

  it('writes the mitigations under their short keys, only when on', () => {
    expect(serializeHash({ ...DEFAULT_EXPERIMENT, asymmetry: 0.25, consistency: 3 })).toBe('v=1&seed=0&asym=0.25&ic=3');
  });

  it('is URLSearchParams form', () => {
    const config: ExperimentConfig = { ...DEFAULT_EXPERIMENT, circuit: 'a & b = c + d, 100%', lr: 1e-5, cuts: [{ dims: [0], layer: 0 }] };
    const params = new URLSearchParams(serializeHash(config));
    expect(params.get('v')).toBe('1');
    expect(params.get('circuit')).toBe(config.circuit);
    expect(Number(params.get('lr'))).toBe(1e-5);
    expect(params.get('cut')).toBe('a>0');
  });

  it('round-trips every valid config', () => {
    fc.assert(fc.property(configArb(), (config) => {
      const r = parseHash(`#${serializeHash(config)}`);
      expect(r.problems).toEqual([]);
      expect(r.config).toEqual(config);
    }), { numRuns: 1500 });
  });
});

describe('cuts with other dim names', () => {
  it('joins multi-character names with + and reads + or a space', () => {
    const names = ['x1', 'x2', 'y'];
    expect(formatCuts([{ dims: [0, 1], layer: 1 }, { dims: [2], layer: 0 }], names)).toBe('x1+x2>1,y>0');
    expect(parseCuts('x1+x2>1', names, 2).cuts).toEqual([{ dims: [0, 1], layer: 1 }]);
    // In a URL an unescaped + decodes to a space.
    expect(parseHash('#cut=x1+x2>1', names, 2).config.cuts).toEqual([{ dims: [0, 1], layer: 1 }]);
  });

  it('writes names that cannot stand alone by index', () => {
    const names = ['a', 'a', 'b>c', '', 'd'];
    const cuts = [{ dims: [0, 1, 2, 3, 4], layer: 1 }];
    expect(formatCuts(cuts, names)).toBe('a+[1]+[2]+[3]+d>1');
    expect(parseCuts(formatCuts(cuts, names), names, 2)).toEqual({ cuts, problems: [] });
  });

  it('round-trips cuts over arbitrary dim names and layer counts', () => {
    const setup = fc.record({
      names: fc.array(fc.string({ unit: 'binary', maxLength: 4 }), { minLength: 1, maxLength: 10 }),
      layers: fc.integer({ min: 1, max: 5 }),
    });
    fc.assert(fc.property(setup.chain(({ names, layers }) => fc.record({
      names: fc.constant(names), layers: fc.constant(layers), config: configArb(names.length, layers),
    })), ({ names, layers, config }) => {
      expect(parseCuts(formatCuts(config.cuts, names), names, layers)).toEqual({ cuts: config.cuts, problems: [] });
      const r = parseHash(serializeHash(config, names), names, layers);
      expect(r.problems).toEqual([]);
      expect(r.config).toEqual(config);
    }), { numRuns: 500 });
  });
});

describe('parseHash: each kind of problem is named and replaced by the default', () => {
  const cases: [string, RegExp, Partial<ExperimentConfig>][] = [
    ['lambda=abc', /^lambda 'abc' is not a number; using 0\.3$/, { lambda: 0.3 }],
    ['lambda=NaN', /^lambda 'NaN' is not a number; using 0\.3$/, {}],
    ['lambda=', /^lambda '' is not a number; using 0\.3$/, {}],
    ['lr=0x10', /^lr '0x10' is not a number; using 0\.003$/, {}],
    ['steps=Infinity', /^steps 'Infinity' is not a number; using 15000$/, {}],
    ['lambda=500', /^lambda '500' is out of range \(0\.0001 to 100\); using 0\.3$/, {}],
    ['features=-4', /^features '-4' is out of range \(1 to 256\); using 32$/, {}],
    ['seed=1e999', /^seed '1e999' is out of range/, {}],
    ['features=2.5', /^features '2\.5' is not a whole number; using 32$/, {}],
    ['input=16', /^input '16' is out of range \(0 to 15\); using 10$/, {}],
    ['penalty=L1', /^penalty 'L1' is not one of l1, tanh, l0; using l1$/, {}],
    ['engine=gpu', /^engine 'gpu' is not one of auto, cpu, webgpu; using auto$/, {}],
    ['norm=%3Cb%3Esum', /^norm '<b>sum' is not one of concat, sum; using concat$/, {}],
    ['zoom=2', /^unknown key 'zoom' was ignored$/, {}],
    ['Lambda=2', /^unknown key 'Lambda' was ignored \(did you mean 'lambda'\?\)$/, { lambda: 0.3 }],
    ['lambda=1&lambda=2', /^lambda appears 2 times; the last one, '2', wins$/, { lambda: 2 }],
    ['lambda=%E0%A4%A', /^lambda '%E0%A4%A' has a broken %-escape; using 0\.3$/, {}],
    ['circuit=%ZZ', /^circuit '%ZZ' has a broken %-escape; using the XOR-AND model$/, { circuit: '' }],
    ['%E0%A4%A=1', /^a key with a broken %-escape, '%E0%A4%A', was ignored$/, {}],
    [`lambda=${'1'.repeat(201)}`, /^lambda is 201 characters long \(limit 200\); using 0\.3$/, {}],
    [`circuit=${'a'.repeat(301)}`, /^circuit is 301 characters long \(limit 300\); using the XOR-AND model$/, { circuit: '' }],
    ['v=2', /^this link was made by a newer version of the page \(v=2\); reading what version 1 understands$/, {}],
    ['v=beta', /^v 'beta' is not a known format version; reading the link as v=1$/, {}],
    ['cut=xy>1', /^cut 'xy>1' was ignored: 'xy' is not a dim \(dims: a, b, c, d, e, f, g, h, i\)$/, { cuts: [] }],
    ['cut=e>2', /^cut 'e>2' was ignored: layer '2' is not one of 0 to 1$/, {}],
    ['cut=e>-1', /^cut 'e>-1' was ignored: layer '-1' is not one of 0 to 1$/, {}],
    ['cut=efgh>1&cut=e>0', /^cut appears 2 times; the last one, 'e>0', wins$/, { cuts: [{ dims: [4], layer: 0 }] }],
    ['cut=e%3', /^cut 'e%3' has a broken %-escape; using no cuts$/, { cuts: [] }],
    [`cut=${'e>1,'.repeat(500)}e>1`, /^cut is 2003 characters long \(limit 2000\); using no cuts$/, { cuts: [] }],
    ['cut=efgh', /^cut 'efgh' was ignored: write it as DIMS>LAYER, like efgh>1$/, {}],
    ['cut=>1', /^cut '>1' was ignored: it names no dims$/, {}],
    ['ic=-1', /^ic '-1' is out of range \(0 to 100\); using 0$/, { consistency: 0 }],
    ['asym=lots', /^asym 'lots' is not a number; using 0$/, { asymmetry: 0 }],
  ];
  for (const [hash, message, expected] of cases) {
    it(hash.length > 50 ? `${hash.slice(0, 47)}…` : hash, () => {
      const { config, problems } = parseHash(`#${hash}`);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(message);
      expect(config).toMatchObject(expected);
      expect(invalidities(config)).toEqual([]);
    });
  }

  it('keeps the good keys and good cut entries around a bad one', () => {
    const { config, problems } = parseHash('#seed=4&lambda=oops&cut=e>1,q>1,g>1&norm=sum');
    expect(problems).toHaveLength(2);
    expect(config).toMatchObject({ seed: 4, lambda: 0.3, norm: 'sum', cuts: [{ dims: [4], layer: 1 }, { dims: [6], layer: 1 }] });
  });

  it('lists at most 20 problems, then a count', () => {
    const hash = Array.from({ length: 50 }, (_, i) => `k${i}=1`).join('&');
    const { problems } = parseHash(hash);
    expect(problems).toHaveLength(21);
    expect(problems[20]).toBe('…and 30 more problems with this link');
  });

  it('quotes long or control-character values briefly', () => {
    const { problems } = parseHash(`#penalty=${'x'.repeat(100)}%0A`);
    expect(problems[0]).toBe(`penalty '${'x'.repeat(40)}…' is not one of l1, tanh, l0; using l1`);
  });
});

describe('parseHash never breaks', () => {
  const keys = ['v', 'seed', 'lambda', 'penalty', 'c', 'norm', 'features', 'lr', 'steps', 'window', 'cut', 'engine', 'input', 'circuit', 'eps', 'lp', 'warmup', 'asym', 'ic'];
  const nasty = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.double().map(String),
    fc.integer().map(String),
    fc.bigInt().map(String),
    fc.constantFrom('NaN', '-0', '1e309', '-1', '1e-400', '0x1F', '', ' ', '<script>alert(1)</script>', '%E0%A4%A', '%', '%%',
      '%ZZ', '%C0%AF', '%ED%A0%80', '"><img src=x>', 'efgh>1', 'e>1,g>1', 'zz>9', '>>>', '[3]>1', '[99]>1', 'a+b>0', '__proto__',
      'constructor', 'toString', 'l1', 'tanh', 'sum', 'webgpu', '15', '16'),
    fc.string({ unit: 'binary-ascii', minLength: 190, maxLength: 320 }),
  );
  const segment = fc.oneof(
    fc.tuple(fc.constantFrom(...keys), nasty).map(([k, v]) => `${k}=${v}`),
    fc.tuple(fc.constantFrom(...keys), nasty).map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
    fc.tuple(fc.string({ unit: 'binary', maxLength: 12 }), nasty).map(([k, v]) => `${k}=${v}`),
    fc.constantFrom(...keys),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  const hashArb = fc.tuple(fc.constantFrom('', '#', '?', '##'), fc.array(segment, { maxLength: 12 }))
    .map(([lead, segs]) => lead + segs.join('&'));

  let tried = 0;
  let held = 0;
  afterAll(() => console.log(`URL fuzz: ${tried} hostile hashes parsed, ${held} gave a valid config and a short problem list, ${tried - held} did not`));

  // Plain throws, not expect(): this runs 11,000 times.
  function check(hash: string): void {
    tried++;
    const r = parseHash(hash);
    const bad = invalidities(r.config);
    if (bad.length > 0) throw new Error(`invalid config: ${bad.join('; ')}`);
    if (r.problems.length > 21 || r.problems.some((p) => typeof p !== 'string' || p === '')) throw new Error('bad problem list');
    held++;
  }

  it('on 7,000 generated hashes: always a valid config', () => {
    fc.assert(fc.property(hashArb, check), { numRuns: 7000 });
  });

  it('on 4,000 mutated share links: always a valid config', () => {
    const mutation = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ unit: 'binary', maxLength: 6 }));
    const mutated = fc.tuple(configArb(), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([config, edits]) => {
      let s = `#${serializeHash(config)}`;
      for (const [at, len, text] of edits) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + text + s.slice(i + len);
      }
      return s;
    });
    fc.assert(fc.property(mutated, check), { numRuns: 4000 });
  });

  it('on a very long hash', () => {
    check(`#${'lambda=1&'.repeat(20000)}${'x'.repeat(100000)}`);
  });
});

describe('view keys: speed and at', () => {
  const read = (hash: string, steps = 15000) => parseViewKeys(new URLSearchParams(hash), steps);
  it('reads the pace and the scrubbed step', () => {
    expect(read('speed=max&at=9050')).toEqual({ value: { speed: 'max', at: 9050 }, problems: [] });
    expect(read('speed=watch')).toEqual({ value: { speed: 'watch', at: null }, problems: [] });
    expect(read('seed=0')).toEqual({ value: { speed: null, at: null }, problems: [] });
  });
  it('names and ignores a bad value', () => {
    expect(read('speed=fast').problems).toEqual(["speed 'fast' is not one of watch, max; using the page's pace"]);
    expect(read('at=16000').problems).toEqual(["at '16000' is not a step from 0 to 15000; showing the live step"]);
    expect(read('at=-3').value.at).toBeNull();
    expect(read('at=1.5').value.at).toBeNull();
    expect(read('at=2000', 2000).value.at).toBe(2000);
  });
});

describe('recipe options and presets (SPEC §2, CONTRACTS §2)', () => {
  const options: [string, Partial<ExperimentConfig>][] = [
    ['reduction=mean', { reduction: 'mean' }],
    ['padDims=110', { padDims: 110 }],
    ['layout=as-trained', { layout: 'as-trained' }],
    ['theta=direct', { thetaParam: 'direct' }],
    ['theta0=0.03', { thetaInit: 0.03 }],
    ['st=relu', { straightThrough: 'relu' }],
    ['preact=neg', { preact: 'neg' }],
    ['init=uniform', { init: 'uniform' }],
    ['decayAt=800', { lrDecayStep: 800 }],
    ['decay=0.5', { lrDecayFactor: 0.5 }],
  ];
  for (const [text, change] of options) {
    it(`round-trips ${text}`, () => {
      const config = { ...DEFAULT_EXPERIMENT, ...change };
      const hash = serializeHash(config);
      expect(hash).toBe(`v=1&seed=0&${text}`);
      const r = parseHash(hash);
      expect(r.problems).toEqual([]);
      expect(r.config).toEqual(config);
    });
  }

  it('preset=write-up sets every recipe option the write-up names, and round-trips', () => {
    const r = parseHash('preset=write-up');
    expect(r.problems).toEqual([]);
    expect(r.config).toMatchObject({
      penalty: 'tanh', c: 1, lambda: 0.018, warmup: 1, preact: 'neg', lambdaP: 1e-6, epsilon: 0.01,
      thetaParam: 'direct', thetaInit: 0.03, straightThrough: 'relu', init: 'uniform', lr: 1e-3,
      lrDecayStep: 800, lrDecayFactor: 0.1, steps: 10_000, reduction: 'mean', padDims: 110, layout: 'as-trained',
      preset: 'write-up',
    });
    expect(presetDepartures(r.config)).toEqual([]);
    expect(serializeHash(r.config)).toBe('v=1&seed=0&preset=write-up');
  });

  it('an explicit key wins over the preset, wherever it stands, and is named as a departure', () => {
    for (const hash of ['padDims=0&preset=write-up', 'preset=write-up&padDims=0']) {
      const r = parseHash(hash);
      expect(r.problems).toEqual([]);
      expect(r.config.padDims).toBe(0);
      expect(r.config.reduction).toBe('mean');
      expect(presetDepartures(r.config)).toEqual(['padDims']);
      expect(serializeHash(r.config)).toBe('v=1&seed=0&preset=write-up&padDims=0');
    }
  });

  it('a bad preset or a bad option under a preset falls back, and says to what', () => {
    const bad = parseHash('preset=bogus');
    expect(bad.problems).toEqual(["preset 'bogus' is not one of spec, write-up; using spec"]);
    expect(bad.config).toEqual(DEFAULT_EXPERIMENT);
    const under = parseHash('preset=write-up&padDims=-3&layout=sideways');
    expect(under.config.padDims).toBe(110);
    expect(under.config.layout).toBe('as-trained');
    expect(under.problems.join(' ')).toMatch(/padDims .*using 110/);
    expect(under.problems.join(' ')).toMatch(/layout .*using as-trained/);
  });

  it('the spec preset is the defaults', () => {
    expect({ ...DEFAULT_EXPERIMENT, ...presetValues('spec') }).toEqual(DEFAULT_EXPERIMENT);
    expect(PRESETS).toEqual(['spec', 'write-up']);
  });
});
