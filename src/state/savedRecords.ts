/**
 * The records of saved experiments and the pure checks they pass through. Everything read
 * back from IndexedDB is untrusted: these functions never throw, and say what is wrong in
 * words; saved.ts does the storing.
 */
import type { ExperimentConfig } from '../core/config.ts';
import type { Result } from '../core/result.ts';
import type { FeatureAblation } from './store.ts';
import { CONTROL_CHARS, quote } from '../core/text.ts';
import { MAX_INTERVENTIONS, type SavedInterventions } from './interventionCodec.ts';
import { resolveModel } from './model.ts';
import { formatCuts, parseHash } from './url.ts';

export { fitInterventions, MAX_INTERVENTIONS, type SavedInterventions } from './interventionCodec.ts';

/** Most experiments one browser keeps; saving another asks the user to delete one first. */
export const MAX_SAVED = 200;
/** Longest experiment name. */
export const MAX_NAME_LENGTH = 80;
/** Longest hash kept: cuts, circuit and graph state at their own limits, with room to spare. */
export const MAX_HASH_LENGTH = 12_000;
/** The record format this code writes and reads. */
export const RECORD_VERSION = 1;
/** The key of the autosaved experiment written by earlier versions, one for all tabs; still read. */
export const LAST_KEY = 'last';
/** Each tab autosaves under this prefix and its tab id. */
export const LAST_PREFIX = 'last:';
/** Most tabs' autosaves kept; older ones are deleted when a page opens. */
export const MAX_RECENT = 8;
/** Saved experiments are stored under this prefix and their id. */
export const RECORD_PREFIX = 'exp:';



/** The state an experiment restores: its hash (no '#') and scrubbed step. */
export interface ExperimentState {
  hash: string;
  /**
   * Written by earlier versions of the page next to a hash that carries the same interventions;
   * still checked on read (a record that fails is suspect), never applied.
   */
  interventions?: SavedInterventions;
  /** The step the time-travel slider showed; absent when it showed the live run. */
  scrubStep?: number;
}

/** A named, saved experiment. */
export interface SavedExperiment extends ExperimentState {
  v: typeof RECORD_VERSION;
  id: string;
  name: string;
  /** ISO date-time. */
  savedAt: string;
  /** The training step shown when it was saved. */
  step?: number;
  /** The ground-truth model's name (its formula). */
  model: string;
}

/** The experiment the page autosaves, brought back when the page opens without a hash. */
export interface LastExperiment extends ExperimentState {
  v: typeof RECORD_VERSION;
  savedAt: string;
}

/** An entry of the store that could not be read, and why. */
export interface SkippedEntry {
  key: IDBValidKey;
  message: string;
}


/** A name the user typed, cleaned (control characters dropped, spaces collapsed) and bounded. */
export function cleanName(text: string): Result<string> {
  const name = text.replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim();
  if (name === '') return { ok: false, message: 'Give the experiment a name.' };
  if (name.length > MAX_NAME_LENGTH) {
    return { ok: false, message: `Names are at most ${MAX_NAME_LENGTH} characters; this one has ${name.length}.` };
  }
  return { ok: true, value: name };
}

/** The default name for a config: its λ, penalty, seed and what departs from the write-up. */
export function suggestName(config: ExperimentConfig, dimNames?: readonly string[]): string {
  const parts = [`λ ${config.lambda}`, config.penalty, `seed ${config.seed}`];
  if (config.norm !== 'concat') parts.push(`norm ${config.norm}`);
  if (config.circuit !== '') parts.push(config.circuit.length > 24 ? `${config.circuit.slice(0, 24)}…` : config.circuit);
  if (config.cuts.length > 0) parts.push(`cut ${formatCuts(config.cuts, dimNames)}`);
  const name = parts.join(' · ');
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}

/** A hash read back: text, at most MAX_HASH_LENGTH, no control characters; a leading '#' is dropped. */
export function readHash(value: unknown): Result<string> {
  if (typeof value !== 'string') return { ok: false, message: 'its hash is not text' };
  const hash = value.replace(/^#/, '');
  if (hash.length > MAX_HASH_LENGTH) return { ok: false, message: `its hash is ${hash.length} characters long (limit ${MAX_HASH_LENGTH})` };
  if (new RegExp(CONTROL_CHARS.source).test(hash)) return { ok: false, message: 'its hash holds control characters' };
  return { ok: true, value: hash };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65_535;

/** Reads a list whose every item must pass `item`; a bad item fails the whole list. */
function readList<T>(value: unknown, what: string, item: (v: unknown) => T | null): Result<T[]> {
  if (!Array.isArray(value)) return { ok: false, message: `${what} is not a list` };
  if (value.length > MAX_INTERVENTIONS) return { ok: false, message: `${what} has ${value.length} entries (limit ${MAX_INTERVENTIONS})` };
  const out: T[] = [];
  for (const v of value) {
    const read = item(v);
    if (read === null) return { ok: false, message: `${what} holds an entry that is not valid` };
    out.push(read);
  }
  return { ok: true, value: out };
}

/** Interventions read back; indices are checked against the model when they are applied. */
export function readInterventions(value: unknown): Result<SavedInterventions> {
  if (!isRecord(value)) return { ok: false, message: 'its interventions are not an object' };
  const features = readList(value.featureAblations, 'feature ablations', (v): FeatureAblation | null =>
    isRecord(v) && (v.kind === 'clt' || v.kind === 'plt') && isIndex(v.layer) && isIndex(v.feature)
      ? { kind: v.kind, layer: v.layer, feature: v.feature }
      : null);
  if (!features.ok) return features;
  const pairs = readList(value.pairsOff, 'CLT blocks off', (v) => (isIndex(v) ? v : null));
  if (!pairs.ok) return pairs;
  const neurons = readList(value.neuronAblations, 'neuron ablations', (v) =>
    isRecord(v) && isIndex(v.layer) && isIndex(v.neuron) ? { layer: v.layer, neuron: v.neuron } : null);
  if (!neurons.ok) return neurons;
  return { ok: true, value: { featureAblations: features.value, pairsOff: pairs.value, neuronAblations: neurons.value } };
}

const isStep = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e9;

/** The fields shared by saved and last records. */
function readState(value: Record<string, unknown>): Result<ExperimentState & { savedAt: string }> {
  if (value.v !== RECORD_VERSION) return { ok: false, message: `its format version ${quote(String(value.v))} is not ${RECORD_VERSION}` };
  const hash = readHash(value.hash);
  if (!hash.ok) return hash;
  if (typeof value.savedAt !== 'string' || value.savedAt.length > 40 || Number.isNaN(Date.parse(value.savedAt))) {
    return { ok: false, message: 'its save date is not a date' };
  }
  const state: ExperimentState & { savedAt: string } = { hash: hash.value, savedAt: new Date(value.savedAt).toISOString() };
  if (value.interventions !== undefined) {
    const iv = readInterventions(value.interventions);
    if (!iv.ok) return iv;
    state.interventions = iv.value;
  }
  if (value.scrubStep !== undefined) {
    if (!isStep(value.scrubStep)) return { ok: false, message: 'its scrubbed step is not a step' };
    state.scrubStep = value.scrubStep;
  }
  return { ok: true, value: state };
}

/** A saved experiment read back from under `key`. */
export function readRecord(key: IDBValidKey, value: unknown): Result<SavedExperiment> {
  if (!isRecord(value)) return { ok: false, message: 'it is not a saved experiment' };
  if (typeof value.id !== 'string' || value.id.length === 0 || value.id.length > 64 || key !== RECORD_PREFIX + value.id) {
    return { ok: false, message: 'its id does not match where it is stored' };
  }
  if (typeof value.name !== 'string') return { ok: false, message: 'its name is not text' };
  const name = cleanName(value.name);
  if (!name.ok) return { ok: false, message: `its name is not valid (${name.message})` };
  const model = typeof value.model === 'string' ? value.model.replace(CONTROL_CHARS, ' ').slice(0, 300) : '';
  const state = readState(value);
  if (!state.ok) return state;
  const record: SavedExperiment = { v: RECORD_VERSION, id: value.id, name: name.value, model, ...state.value };
  if (value.step !== undefined) {
    if (!isStep(value.step)) return { ok: false, message: 'its step is not a step' };
    record.step = value.step;
  }
  return { ok: true, value: record };
}

/** The autosaved experiment read back. */
export function readLast(value: unknown): Result<LastExperiment> {
  if (!isRecord(value)) return { ok: false, message: 'it is not an experiment' };
  const state = readState(value);
  return state.ok ? { ok: true, value: { v: RECORD_VERSION, ...state.value } } : state;
}

/** Whether `key` holds an autosave (a tab's, or the one shared slot of earlier versions). */
export function isLastKey(key: IDBValidKey): boolean {
  return key === LAST_KEY || (typeof key === 'string' && key.startsWith(LAST_PREFIX));
}

/** One tab's autosave: the tab (its id; '' for the shared slot of earlier versions) and the experiment. */
export interface TabAutosave {
  tab: string;
  last: LastExperiment;
}

/** What a page opened without a link does with the autosaves it finds. */
export interface AutosavePick {
  /** The experiment to restore: this tab's own (a reload), else the most recently autosaved. */
  restore: TabAutosave | null;
  /** Why the autosave this page would restore cannot be read (null when none is broken, or another one is restored). */
  broken: string | null;
  /** Keys of autosaves past the MAX_RECENT newest, to delete. */
  prune: IDBValidKey[];
}

/**
 * Picks the autosave to restore from the store's autosave entries: this tab's own when it has
 * one (a broken one is reported, not replaced by another tab's), else the newest readable one.
 * Unreadable entries of other tabs are reported only when nothing else can be restored.
 */
export function pickAutosave(all: readonly [IDBValidKey, unknown][], ownTab: string): AutosavePick {
  const good: (TabAutosave & { key: IDBValidKey })[] = [];
  let broken: string | null = null;
  let ownBroken: string | null = null;
  for (const [key, value] of all) {
    if (!isLastKey(key)) continue;
    const tab = key === LAST_KEY ? '' : String(key).slice(LAST_PREFIX.length);
    const read = readLast(value);
    if (read.ok) good.push({ key, tab, last: read.value });
    else if (tab === ownTab) ownBroken = read.message;
    else broken ??= read.message;
  }
  good.sort((a, b) => b.last.savedAt.localeCompare(a.last.savedAt) || a.tab.localeCompare(b.tab));
  const prune = good.slice(MAX_RECENT).map((g) => g.key);
  const own = good.find((g) => g.tab === ownTab);
  const pick = own ?? (ownBroken === null ? good[0] : undefined);
  return {
    restore: pick ? { tab: pick.tab, last: pick.last } : null,
    broken: pick ? null : ownBroken ?? broken,
    prune,
  };
}

/**
 * How the stored record differs from the one a list showed, in words ("renamed to 'b'"), or
 * null when it is the same. Another tab may have renamed or replaced it since the list was drawn.
 */
export function changedSince(listed: SavedExperiment, stored: SavedExperiment): string | null {
  const changes: string[] = [];
  if (stored.name !== listed.name) changes.push(`renamed to “${stored.name}”`);
  if (stored.hash !== listed.hash || stored.scrubStep !== listed.scrubStep || stored.savedAt !== listed.savedAt || stored.step !== listed.step) {
    changes.push('its settings changed');
  }
  return changes.length === 0 ? null : changes.join(' and ');
}

/** Newest first; equal dates by name, so the order is total. */
export function newestFirst(a: SavedExperiment, b: SavedExperiment): number {
  return b.savedAt.localeCompare(a.savedAt) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

/** How an entry's key reads in a message. */
export function keyLabel(key: IDBValidKey): string {
  if (typeof key === 'string') return quote(key.startsWith(RECORD_PREFIX) ? key.slice(RECORD_PREFIX.length) : key, 24);
  return typeof key === 'number' ? String(key) : 'an entry with an unusual key';
}

/** Splits the store's entries into valid saved experiments (newest first) and skipped ones. */
export function readEntries(all: readonly [IDBValidKey, unknown][]): { records: SavedExperiment[]; skipped: SkippedEntry[] } {
  const records: SavedExperiment[] = [];
  const skipped: SkippedEntry[] = [];
  for (const [key, value] of all) {
    if (isLastKey(key)) continue;
    const read = readRecord(key, value);
    if (read.ok) records.push(read.value);
    else skipped.push({ key, message: `${keyLabel(key)}: ${read.message}` });
  }
  return { records: records.sort(newestFirst), skipped };
}

/** A hash's key settings in one line, for the list. */
export function summarize(hash: string): string {
  const first = parseHash(hash).config;
  const { model, problem } = resolveModel(first.circuit);
  const config = problem ? first : parseHash(hash, model.dimNames, model.layers.length, model.n).config;
  const parts = [`λ ${config.lambda}`, config.penalty, `norm ${config.norm}`, `seed ${config.seed}`, `${config.steps.toLocaleString('en-US')} steps`];
  if (config.cuts.length > 0) parts.push(`cut ${formatCuts(config.cuts, problem ? undefined : model.dimNames)}`);
  return parts.join(' · ');
}

/**
 * Why a reopened experiment may not look as saved: it was saved on a model its hash cannot
 * rebuild (an uploaded ONNX file, whose weights are not saved). Null when the hash rebuilds it.
 */
export function modelNote(record: Pick<SavedExperiment, 'hash' | 'model'>): string | null {
  const shown = resolveModel(parseHash(record.hash).config.circuit);
  if (record.model === '' || shown.problem || shown.name === record.model) return null;
  return `It was saved on ${quote(record.model, 60)}, which a saved experiment cannot carry; this shows ${quote(shown.name, 60)}. Upload the same file to work on it again.`;
}

/*
 * One formatter each, made once: toLocaleString with options builds a new Intl.DateTimeFormat
 * on every call (about 1 ms in Chromium), and a list of 200 rows formats two dates a row.
 */
let shortDate: Intl.DateTimeFormat | null = null;
let longDate: Intl.DateTimeFormat | null = null;

/** A date in full, as the row's tooltip shows it. */
export function formatFull(iso: string): string {
  longDate ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
  return longDate.format(Date.parse(iso));
}

/** When a record was saved, relative to `now` while recent. */
export function formatWhen(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  const s = Math.round((now - t) / 1000);
  if (s < 45 && s > -60) return 'just now';
  if (s >= 0 && s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s >= 0 && s < 86_400) return `${Math.round(s / 3600)} h ago`;
  shortDate ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return shortDate.format(t);
}
