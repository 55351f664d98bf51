/** The graph view's state codec: exact round trips, URL-safe text, and no input that throws. */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLD, MAX_LABEL_LENGTH, escapeText, normalizeGraphState, unescapeText,
  type GraphState, type KindGraphState,
} from './graphCodec.ts';
import { currentGraphText, decodeGraphState, defaultGraphState, encodeGraphState, loadGraphState, useGraphStore } from './graphStore.ts';

const idArb = fc.oneof(
  fc.tuple(fc.nat(3), fc.nat(40)).map(([l, f]) => `L${l}-F${f}`),
  fc.constantFrom('out', 'err-0', 'err-1', 'in-a', 'in-d', '__proto__', 'constructor', 'x.y*z_1'),
  fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }),
);
const textArb = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ maxLength: 90, unit: 'binary' }), fc.constant('≈ e'));

const kindArb: fc.Arbitrary<KindGraphState> = fc.record({
  pinned: fc.array(idArb, { maxLength: 6 }),
  hidden: fc.array(idArb, { maxLength: 6 }),
  labels: fc.array(fc.tuple(idArb, textArb), { maxLength: 5 }).map((pairs) => {
    const labels: Record<string, string> = {};
    for (const [id, text] of pairs) Object.defineProperty(labels, id, { value: text, enumerable: true, writable: true, configurable: true });
    return labels;
  }),
  supernodes: fc.array(
    fc.record({ id: fc.oneof(fc.nat(9).map((n) => `S${n}`), fc.constant('bad')), label: textArb, members: fc.array(idArb, { maxLength: 5 }) }),
    { maxLength: 4 },
  ),
});

const stateArb: fc.Arbitrary<GraphState> = fc.record({
  clickMode: fc.constantFrom('inspect' as const, 'ablate' as const),
  threshold: fc.oneof(fc.double({ min: -1, max: 2 }), fc.constantFrom(0, 1, DEFAULT_THRESHOLD, 0.25)),
  pinnedOnly: fc.boolean(),
  clt: kindArb,
  plt: kindArb,
});

describe('graph state codec', () => {
  it('writes the default state as the empty string and reads it back', () => {
    expect(encodeGraphState(defaultGraphState())).toBe('');
    expect(decodeGraphState('')).toEqual({ state: defaultGraphState(), problems: [] });
  });

  it('round-trips a typical state into short URL-safe text', () => {
    const s = defaultGraphState();
    s.clickMode = 'ablate';
    s.threshold = 0.2;
    s.clt.pinned = ['L0-F3', 'out'];
    s.plt.hidden = ['err-1'];
    s.plt.labels = { 'L1-F2': 'AND gate (i)' };
    s.clt.supernodes = [{ id: 'S1', label: 'XOR a,b', members: ['L0-F1', 'L0-F4'] }];
    const text = encodeGraphState(s);
    expect(text).toBe('v1.mA.t200.cpL0-F3*out.csS1*XOR_20a_2Cb*L0-F1*L0-F4.pherr-1.plL1-F2*AND_20gate_20_28i_29');
    expect(decodeGraphState(text)).toEqual({ state: s, problems: [] });
  });

  it('round-trips every state exactly after normalization, with only [A-Za-z0-9-._*]', () => {
    fc.assert(
      fc.property(stateArb, (raw) => {
        const s = normalizeGraphState(raw);
        expect(normalizeGraphState(s)).toEqual(s);
        const text = encodeGraphState(raw);
        expect(text).toMatch(/^[A-Za-z0-9\-._*]*$/);
        expect(new URLSearchParams({ graph: text }).toString()).toBe(`graph=${text}`);
        const back = decodeGraphState(text);
        expect(back.problems).toEqual([]);
        expect(back.state).toEqual(s);
        expect(encodeGraphState(back.state)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps labels at most MAX_LABEL_LENGTH long and lone surrogates readable', () => {
    const s = defaultGraphState();
    s.clt.labels = { 'L0-F0': 'x'.repeat(200), 'L0-F1': 'a\uD800b' };
    const back = decodeGraphState(encodeGraphState(s)).state;
    expect(back.clt.labels['L0-F0']).toHaveLength(MAX_LABEL_LENGTH);
    expect(back.clt.labels['L0-F1']).toBe('a\uFFFDb');
  });

  it('escapes and unescapes any text, and rejects bad escapes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (t) => {
        expect(unescapeText(escapeText(t))).toBe(t);
      }),
    );
    expect(unescapeText('_G0')).toBeNull();
    expect(unescapeText('_FF')).toBeNull(); // not UTF-8
    expect(unescapeText('a.b')).toBeNull();
  });

  it('never throws, and always returns a state that is already normal', () => {
    const pieces = fc.constantFrom('v1', 'v2', 'mA', 'mI', 'o', 't50', 't9999', 'cp', 'ch', 'cl', 'cs', 'pp', 'psS1', '*', '.', '_2', '_ZZ', '_E2_89_88', 'L0-F1', 'out', '');
    const textArb = fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), fc.array(pieces, { maxLength: 30 }).map((p) => p.join('')));
    fc.assert(
      fc.property(textArb, (text) => {
        const { state } = decodeGraphState(text);
        expect(normalizeGraphState(state)).toEqual(state);
        const again = decodeGraphState(encodeGraphState(state));
        expect(again.problems).toEqual([]);
        expect(again.state).toEqual(state);
      }),
      { numRuns: 500 },
    );
    for (const odd of [null, undefined, 42, {}, 'x'.repeat(100000)] as unknown[]) {
      expect(decodeGraphState(odd).state).toEqual(defaultGraphState());
    }
  });

  it('says what it could not use', () => {
    expect(decodeGraphState('v9.mA').problems[0]).toMatch(/version 9/);
    expect(decodeGraphState('v1.zz.mA')).toMatchObject({ state: { clickMode: 'ablate' }, problems: [expect.stringMatching(/"zz" is not understood/)] });
    expect(decodeGraphState('v1.cpL0-F1*L0-F1').problems[0]).toMatch(/1 repeated/);
    expect(decodeGraphState('v1.clL0-F1').problems[0]).toMatch(/one label/);
    expect(decodeGraphState('v1.cp_ZZ').problems[0]).toMatch(/bad escape/);
  });
});

describe('graph store', () => {
  beforeEach(() => useGraphStore.getState().replaceGraphState(defaultGraphState()));

  it('groups nodes into a supernode, dissolves groups it absorbs, and writes it all to the URL text', () => {
    const g = useGraphStore.getState();
    const s1 = g.group('clt', ['L0-F1', 'L0-F2'], 'XOR');
    expect(s1).toBe('S1');
    const s2 = useGraphStore.getState().group('clt', ['S1', 'L0-F3'], '');
    expect(useGraphStore.getState().clt.supernodes).toEqual([{ id: 'S1', label: 'group 1', members: ['L0-F3', 'L0-F1', 'L0-F2'] }]);
    expect(s2).toBe('S1');
    expect(useGraphStore.getState().group('clt', ['L0-F1'], 'one')).toBeNull();
    useGraphStore.getState().setLabel('clt', 'S1', 'both XORs');
    useGraphStore.getState().setLabel('plt', 'L1-F0', 'i');
    useGraphStore.getState().togglePinned('plt', 'L1-F0');
    useGraphStore.getState().toggleHidden('clt', 'err-0');
    const text = currentGraphText();
    useGraphStore.getState().replaceGraphState(defaultGraphState());
    expect(loadGraphState(text)).toEqual([]);
    const s = useGraphStore.getState();
    expect(s.clt.supernodes[0].label).toBe('both XORs');
    expect(s.plt.labels).toEqual({ 'L1-F0': 'i' });
    expect(s.plt.pinned).toEqual(['L1-F0']);
    expect(s.clt.hidden).toEqual(['err-0']);
    useGraphStore.getState().setLabel('plt', 'L1-F0', '');
    expect(useGraphStore.getState().plt.labels).toEqual({});
  });
});
