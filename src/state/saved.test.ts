/** The checks every saved experiment passes through when it is read back from IndexedDB. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT } from '../core/config.ts';
import {
  LAST_KEY, LAST_PREFIX, MAX_HASH_LENGTH, MAX_INTERVENTIONS, MAX_NAME_LENGTH, MAX_RECENT, RECORD_PREFIX, RECORD_VERSION,
  changedSince, cleanName, fitInterventions, formatWhen, pickAutosave, modelNote, newestFirst, readEntries, readHash, readInterventions, readLast, readRecord,
  suggestName, summarize, type SavedExperiment,
} from './savedRecords.ts';

const good = (over: Partial<SavedExperiment> = {}): SavedExperiment => ({
  v: RECORD_VERSION,
  id: 'a1',
  name: 'collapse',
  hash: 'v=1&seed=0&lambda=0.1&cut=efgh%3E1',
  savedAt: '2024-05-01T10:00:00.000Z',
  step: 2000,
  model: '(a XOR b) AND (c XOR d)',
  interventions: { featureAblations: [{ kind: 'clt', layer: 0, feature: 3 }], pairsOff: [1], neuronAblations: [{ layer: 0, neuron: 2 }] },
  ...over,
});

describe('readRecord', () => {
  it('reads a good record back unchanged', () => {
    const r = readRecord(RECORD_PREFIX + 'a1', good());
    expect(r).toEqual({ ok: true, value: good() });
  });

  it('skips what is not a record, with a reason', () => {
    for (const bad of [null, 42, 'garbage', [], [good()], undefined]) {
      const r = readRecord(RECORD_PREFIX + 'a1', bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/not a saved experiment/);
    }
  });

  it('names the field that is wrong', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: 'other' }, /id does not match/],
      [{ name: 42 }, /name is not text/],
      [{ name: '   ' }, /name is not valid/],
      [{ name: 'x'.repeat(MAX_NAME_LENGTH + 1) }, /at most 80/],
      [{ hash: { evil: true } }, /hash is not text/],
      [{ hash: 'v=1&'.repeat(MAX_HASH_LENGTH) }, /characters long/],
      [{ hash: 'v=1\u0000' }, /control characters/],
      [{ savedAt: 'yesterday' }, /not a date/],
      [{ savedAt: 17 }, /not a date/],
      [{ v: 2 }, /format version/],
      [{ step: -1 }, /step is not a step/],
      [{ step: 1.5 }, /step is not a step/],
      [{ scrubStep: 'x' }, /scrubbed step/],
      [{ interventions: 'none' }, /not an object/],
      [{ interventions: { featureAblations: [], pairsOff: [-1], neuronAblations: [] } }, /CLT blocks off/],
      [{ interventions: { featureAblations: [{ kind: 'xyz', layer: 0, feature: 0 }], pairsOff: [], neuronAblations: [] } }, /feature ablations/],
      [{ interventions: { featureAblations: [], pairsOff: [], neuronAblations: [{ layer: 0 }] } }, /neuron ablations/],
      [{ interventions: { featureAblations: [], pairsOff: Array(MAX_INTERVENTIONS + 1).fill(0), neuronAblations: [] } }, /limit/],
    ];
    for (const [patch, why] of cases) {
      const r = readRecord(RECORD_PREFIX + 'a1', { ...good(), ...patch });
      expect(r.ok, JSON.stringify(patch).slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.message).toMatch(why);
    }
  });

  it('cleans names and drops a leading # from hashes', () => {
    const r = readRecord(RECORD_PREFIX + 'a1', { ...good(), name: ' two\n  lines ', hash: '#v=1' });
    expect(r.ok && r.value.name).toBe('two lines');
    expect(r.ok && r.value.hash).toBe('v=1');
  });

  it('never throws, whatever is stored', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), fc.anything(), (key, value) => {
        const r = readRecord(key, value);
        if (!r.ok) expect(r.message.length).toBeGreaterThan(0);
      }),
    );
    fc.assert(
      fc.property(fc.record({ name: fc.anything(), hash: fc.anything(), savedAt: fc.anything(), interventions: fc.anything(), step: fc.anything() }, { requiredKeys: [] }), (patch) => {
        const r = readRecord(RECORD_PREFIX + 'a1', { ...good(), ...patch });
        if (r.ok) {
          expect(r.value.name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
          expect(r.value.hash.length).toBeLessThanOrEqual(MAX_HASH_LENGTH);
        }
      }),
    );
  });
});

describe('readLast and readInterventions', () => {
  it('reads the autosaved experiment', () => {
    const last = { v: RECORD_VERSION, hash: 'v=1&lambda=0.5', savedAt: '2024-05-01T10:00:00.000Z', scrubStep: 400 };
    expect(readLast(last)).toEqual({ ok: true, value: last });
    expect(readLast({ ...last, hash: 5 }).ok).toBe(false);
    expect(readLast('garbage').ok).toBe(false);
  });

  it('keeps only the fields it knows', () => {
    const r = readInterventions({ featureAblations: [{ kind: 'plt', layer: 1, feature: 2, extra: '<b>' }], pairsOff: [], neuronAblations: [], more: 1 });
    expect(r).toEqual({ ok: true, value: { featureAblations: [{ kind: 'plt', layer: 1, feature: 2 }], pairsOff: [], neuronAblations: [] } });
  });
});

describe('readEntries', () => {
  it('lists good records newest first and reports the others', () => {
    const older = good({ id: 'old', name: 'older', savedAt: '2024-01-01T00:00:00.000Z' });
    const newer = good({ id: 'new', name: 'newer', savedAt: '2024-06-01T00:00:00.000Z' });
    const { records, skipped } = readEntries([
      [RECORD_PREFIX + 'old', older],
      ['last', { v: 1, hash: '', savedAt: '2024-01-01T00:00:00.000Z' }],
      [RECORD_PREFIX + 'bad', { id: 'bad', name: 42 }],
      [7, 'garbage'],
      [RECORD_PREFIX + 'new', newer],
    ]);
    expect(records.map((r) => r.name)).toEqual(['newer', 'older']);
    expect(skipped.map((s) => s.key)).toEqual([RECORD_PREFIX + 'bad', 7]);
    expect(skipped[0].message).toMatch(/^'bad': its id does not match|^'bad': its name is not text/);
  });

  it('orders any records totally, newest first', () => {
    const iso = fc.integer({ min: 0, max: 4e12 }).map((t) => new Date(t).toISOString());
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.uuid(), name: fc.string({ minLength: 1, maxLength: 10 }), savedAt: iso }), { maxLength: 30 }), (rows) => {
        const records = rows.map((r) => good(r));
        const sorted = [...records].sort(newestFirst);
        for (let k = 1; k < sorted.length; k++) {
          expect(Date.parse(sorted[k - 1].savedAt)).toBeGreaterThanOrEqual(Date.parse(sorted[k].savedAt));
        }
        expect([...records].reverse().sort(newestFirst)).toEqual(sorted);
      }),
    );
  });
});

describe('names', () => {
  it('bounds and cleans names', () => {
    expect(cleanName('')).toEqual({ ok: false, message: 'Give the experiment a name.' });
    expect(cleanName('a\tb\u0000c')).toEqual({ ok: true, value: 'a b c' });
    expect(cleanName('x'.repeat(MAX_NAME_LENGTH)).ok).toBe(true);
    expect(cleanName('x'.repeat(MAX_NAME_LENGTH + 1)).ok).toBe(false);
  });

  it('suggests a name from the config, always a valid one', () => {
    expect(suggestName(DEFAULT_EXPERIMENT)).toBe('λ 0.3 · l1 · seed 0');
    expect(suggestName({ ...DEFAULT_EXPERIMENT, lambda: 0.1, norm: 'sum', cuts: [{ dims: [4, 5, 6, 7], layer: 1 }] })).toBe('λ 0.1 · l1 · seed 0 · norm sum · cut efgh>1');
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (circuit) => {
      expect(cleanName(suggestName({ ...DEFAULT_EXPERIMENT, circuit })).ok).toBe(true);
    }));
  });
});

describe('display helpers', () => {
  it('summarizes a hash through the URL parser', () => {
    expect(summarize('v=1&seed=2&lambda=0.1&steps=2000&cut=efgh%3E1')).toBe('λ 0.1 · l1 · norm concat · seed 2 · 2,000 steps · cut efgh>1');
    // A hash the parser refuses parts of still summarizes, with the defaults.
    expect(summarize('lambda=banana&zzz=<b>')).toBe('λ 0.3 · l1 · norm concat · seed 0 · 15,000 steps');
  });

  it('says when, relative to now while recent', () => {
    const now = Date.parse('2024-05-01T12:00:00.000Z');
    expect(formatWhen('2024-05-01T11:59:50.000Z', now)).toBe('just now');
    expect(formatWhen('2024-05-01T11:50:00.000Z', now)).toBe('10 min ago');
    expect(formatWhen('2024-05-01T09:00:00.000Z', now)).toBe('3 h ago');
    expect(formatWhen('2024-01-01T09:00:00.000Z', now)).toMatch(/2024/);
  });

  it('drops interventions that do not fit the model shown', () => {
    const model = { layers: [{ hidden: 4 }, { hidden: 2 }] };
    const fitted = fitInterventions(
      {
        featureAblations: [{ kind: 'clt', layer: 0, feature: 3 }, { kind: 'clt', layer: 2, feature: 0 }, { kind: 'plt', layer: 1, feature: 8 }],
        pairsOff: [0, 2, 3],
        neuronAblations: [{ layer: 1, neuron: 1 }, { layer: 1, neuron: 2 }, { layer: 5, neuron: 0 }],
      },
      model, { features: 8, window: 0 }, 3,
    );
    expect(fitted).toEqual({
      featureAblations: [{ kind: 'clt', layer: 0, feature: 3 }],
      pairsOff: [0, 2],
      neuronAblations: [{ layer: 1, neuron: 1 }],
    });
  });
});

describe('modelNote', () => {
  it('warns only when the hash cannot rebuild the saved model', () => {
    expect(modelNote({ hash: 'v=1', model: '(a XOR b) AND (c XOR d)' })).toBeNull();
    expect(modelNote({ hash: 'v=1', model: '' })).toBeNull();
    expect(modelNote({ hash: 'v=1', model: 'my-mlp' })).toMatch(/saved on 'my-mlp'.*Upload the same file/);
  });
});

describe('readHash', () => {
  it('takes text only', () => {
    expect(readHash('#v=1')).toEqual({ ok: true, value: 'v=1' });
    expect(readHash(null).ok).toBe(false);
  });
});

describe('pickAutosave', () => {
  const last = (savedAt: string, hash = 'v=1&lambda=0.1') => ({ v: RECORD_VERSION, hash, savedAt });
  const at = (minute: number) => new Date(Date.UTC(2024, 4, 1, 12, minute)).toISOString();

  it("restores this tab's own autosave over a newer one of another tab", () => {
    const pick = pickAutosave([[`${LAST_PREFIX}a`, last(at(1), 'v=1&lambda=1')], [`${LAST_PREFIX}b`, last(at(5), 'v=1&lambda=5')]], 'a');
    expect(pick.restore).toEqual({ tab: 'a', last: last(at(1), 'v=1&lambda=1') });
    expect(pick.broken).toBeNull();
  });

  it('restores the most recent tab when this tab has none, the old shared slot included', () => {
    const all: [IDBValidKey, unknown][] = [[`${LAST_PREFIX}a`, last(at(1))], [LAST_KEY, last(at(9), 'v=1&lambda=9')], [`${LAST_PREFIX}b`, last(at(5))]];
    expect(pickAutosave(all, 'new').restore).toEqual({ tab: '', last: last(at(9), 'v=1&lambda=9') });
    expect(pickAutosave([], 'new')).toEqual({ restore: null, broken: null, prune: [] });
  });

  it("reports this tab's broken autosave rather than restoring another's; others' only when nothing else is left", () => {
    const broken = { v: 1, hash: 17, savedAt: 'never' };
    const own = pickAutosave([[`${LAST_PREFIX}a`, broken], [`${LAST_PREFIX}b`, last(at(5))]], 'a');
    expect(own.restore).toBeNull();
    expect(own.broken).toMatch(/hash is not text/);
    const other = pickAutosave([[`${LAST_PREFIX}b`, broken], [`${LAST_PREFIX}c`, last(at(5))]], 'a');
    expect(other.restore?.tab).toBe('c');
    expect(other.broken).toBeNull();
    expect(pickAutosave([[`${LAST_PREFIX}b`, broken]], 'a').broken).toMatch(/hash is not text/);
  });

  it(`keeps the ${MAX_RECENT} newest autosaves and prunes the rest`, () => {
    const all: [IDBValidKey, unknown][] = Array.from({ length: MAX_RECENT + 3 }, (_, k) => [`${LAST_PREFIX}t${k}`, last(at(k))]);
    const pick = pickAutosave(all, 'none');
    expect(pick.restore?.tab).toBe(`t${MAX_RECENT + 2}`);
    expect(pick.prune).toEqual([`${LAST_PREFIX}t2`, `${LAST_PREFIX}t1`, `${LAST_PREFIX}t0`]);
  });

  it('ignores saved experiments', () => {
    expect(pickAutosave([[`${RECORD_PREFIX}a1`, good()]], 'a').restore).toBeNull();
  });
});

describe('changedSince', () => {
  it('says what another tab changed, or null', () => {
    expect(changedSince(good(), good())).toBeNull();
    expect(changedSince(good(), good({ name: 'renamed' }))).toBe('renamed to “renamed”');
    expect(changedSince(good(), good({ hash: 'v=1&lambda=2' }))).toBe('its settings changed');
    expect(changedSince(good(), good({ name: 'b', scrubStep: 3 }))).toBe('renamed to “b” and its settings changed');
  });
});

describe('readEntries', () => {
  it("skips every tab's autosave, not only the shared slot", () => {
    const r = readEntries([[`${RECORD_PREFIX}a1`, good()], [LAST_KEY, { v: 1 }], [`${LAST_PREFIX}tab`, { v: 1 }]]);
    expect(r.records.map((x) => x.id)).toEqual(['a1']);
    expect(r.skipped).toEqual([]);
  });
});
