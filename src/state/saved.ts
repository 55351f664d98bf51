/**
 * Saved experiments, kept in this browser's IndexedDB (idb-keyval, store
 * 'transcoder-lab'/'experiments'). An experiment is its location hash (config, cuts,
 * interventions, input and graph view) plus the one thing the hash does not hold: the scrubbed step.
 * A record that does not validate (savedRecords.ts) is skipped and reported, and a reopened
 * hash goes through the page's URL parser. Every operation returns a Result and none throws,
 * so a missing or broken IndexedDB leaves the page working.
 */
import { createStore, del, delMany, entries, get, keys, set, type UseStore } from 'idb-keyval';
import { create } from 'zustand';
import { modelForCircuit } from '../core/model/presets.ts';
import type { Result } from '../core/result.ts';
import { shownSnapshot, useStore } from './store.ts';
import {
  LAST_KEY, MAX_SAVED, RECORD_PREFIX, RECORD_VERSION, cleanName, readEntries, readHash, readLast, readRecord,
  type ExperimentState, type LastExperiment, type SavedExperiment, type SkippedEntry,
} from './savedRecords.ts';

export * from './savedRecords.ts';

/** How long one IndexedDB operation may take before the page gives up on it. */
const OP_TIMEOUT_MS = 4000;

let db: UseStore | null = null;

/** A refusal whose message is shown as it is (a limit reached, a time-out). */
class Refusal extends Error {}

/** What went wrong with IndexedDB, in words a person can act on. */
export function explain(error: unknown): string {
  if (error instanceof Refusal) return error.message;
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'QuotaExceededError') return 'The browser has no storage left for this page (quota exceeded); delete saved experiments or free space.';
  const why = name ? ` (${name})` : '';
  return `This browser does not let the page use IndexedDB${why}: private browsing, or storage blocked for this site, so experiments cannot be saved here. The page still works; share links instead.`;
}

/** Runs one IndexedDB operation with a time limit; never throws. */
async function attempt<T>(op: (store: UseStore) => Promise<T>, ms = OP_TIMEOUT_MS): Promise<Result<T>> {
  let timer = 0;
  try {
    db ??= createStore('transcoder-lab', 'experiments');
    const store = db;
    const late = new Promise<never>((_, reject) => {
      timer = window.setTimeout(() => reject(new Refusal(`IndexedDB did not answer within ${ms / 1000} s; try again.`)), ms);
    });
    return { ok: true, value: await Promise.race([op(store), late]) };
  } catch (error) {
    // A store that failed to open is made afresh next time.
    if (!(error instanceof Refusal)) db = null;
    return { ok: false, message: explain(error) };
  } finally {
    window.clearTimeout(timer);
  }
}

/** Every valid saved experiment, newest first, and the entries that could not be read. */
export function list(): Promise<Result<{ records: SavedExperiment[]; skipped: SkippedEntry[] }>> {
  return attempt(async (store) => readEntries(await entries(store)));
}

/** The state the page shows now: the hash (which carries the interventions too) and the scrubbed step. */
export function currentState(win: Window = window): ExperimentState {
  const { scrubStep } = useStore.getState();
  const hash = win.location.hash.replace(/^#/, '');
  return scrubStep === null ? { hash } : { hash, scrubStep };
}

function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${(performance.now() * 1000).toString(36).replace('.', '')}`;
}

/** Saves the current experiment under `name`; refuses past MAX_SAVED. */
export async function save(name: string, state: ExperimentState = currentState(), model?: string): Promise<Result<SavedExperiment>> {
  const clean = cleanName(name);
  if (!clean.ok) return clean;
  const hash = readHash(state.hash);
  if (!hash.ok) return { ok: false, message: `This experiment cannot be saved: ${hash.message}.` };
  const s = useStore.getState();
  const built = modelForCircuit(s.config.circuit);
  const record: SavedExperiment = {
    v: RECORD_VERSION, id: newId(), name: clean.value, ...state, hash: hash.value, savedAt: new Date().toISOString(),
    step: shownSnapshot(s)?.step ?? 0, model: model ?? s.uploadedModel?.name ?? (built.ok ? built.value.name : ''),
  };
  return attempt(async (store) => {
    const count = (await keys(store)).filter((k) => typeof k === 'string' && k.startsWith(RECORD_PREFIX)).length;
    if (count >= MAX_SAVED) throw new Refusal(`You have ${count} saved experiments, the most this page keeps (${MAX_SAVED}); delete one to save another.`);
    await set(RECORD_PREFIX + record.id, record, store);
    return record;
  });
}

/** Reads one saved experiment back, validated. */
export async function load(id: string): Promise<Result<SavedExperiment>> {
  const got = await attempt((store) => get<unknown>(RECORD_PREFIX + id, store));
  if (!got.ok) return got;
  if (got.value === undefined) return { ok: false, message: 'That experiment is no longer saved (deleted in another tab?).' };
  const read = readRecord(RECORD_PREFIX + id, got.value);
  return read.ok ? read : { ok: false, message: `That saved experiment cannot be read: ${read.message}.` };
}

/** Deletes one saved experiment. */
export function remove(id: string): Promise<Result<void>> {
  return attempt((store) => del(RECORD_PREFIX + id, store));
}

/** Deletes entries that could not be read (their keys as listed). */
export function removeKeys(keys: readonly IDBValidKey[]): Promise<Result<void>> {
  return attempt((store) => delMany([...keys], store));
}

/** Renames one saved experiment. */
export async function rename(id: string, name: string): Promise<Result<SavedExperiment>> {
  const clean = cleanName(name);
  if (!clean.ok) return clean;
  const record = await load(id);
  if (!record.ok) return record;
  const renamed = { ...record.value, name: clean.value };
  const done = await attempt((store) => set(RECORD_PREFIX + id, renamed, store));
  return done.ok ? { ok: true, value: renamed } : done;
}

/** Autosaves the experiment the page shows, to come back after a reload. */
export function rememberLast(state: ExperimentState = currentState()): Promise<Result<LastExperiment>> {
  const last: LastExperiment = { v: RECORD_VERSION, ...state, savedAt: new Date().toISOString() };
  return attempt(async (store) => {
    await set(LAST_KEY, last, store);
    return last;
  });
}

/** The autosaved experiment (null if none); a failure says whether IndexedDB itself is unavailable. */
export type LastResult = { ok: true; value: LastExperiment | null } | { ok: false; message: string; unavailable: boolean };

/** Reads the autosaved experiment back, validated. */
export async function lastExperiment(ms = OP_TIMEOUT_MS): Promise<LastResult> {
  const got = await attempt((store) => get<unknown>(LAST_KEY, store), ms);
  if (!got.ok) return { ...got, unavailable: true };
  if (got.value === undefined) return { ok: true, value: null };
  const read = readLast(got.value);
  return read.ok ? read : { ok: false, message: `Your last experiment could not be restored: ${read.message}.`, unavailable: false };
}

/** What the hash does not replay: the scrubbed step. */
export function restoreExtras(state: ExperimentState): void {
  if (state.scrubStep !== undefined) useStore.getState().scrubTo(state.scrubStep);
}

/**
 * Opens a state: the hash replays through the runner's hashchange handler, then the extras
 * apply and `then` runs.
 */
export function applyState(state: ExperimentState, win: Window = window, then?: () => void): void {
  const before = win.location.hash;
  const after = () => {
    restoreExtras(state);
    then?.();
  };
  // Listeners run in the order added: the runner's, added at start-up, has replayed the hash by now.
  win.addEventListener('hashchange', after, { once: true });
  win.location.hash = state.hash;
  if (win.location.hash === before) {
    win.removeEventListener('hashchange', after);
    after();
  }
}

/** What the autosave did last, for the panel. */
export interface AutosaveStatus {
  /** When the last experiment was last written (ISO), its hash and scrubbed step. */
  savedAt: string | null;
  hash: string | null;
  scrubStep: number | null;
  /** Why autosave failed, or null. */
  error: string | null;
}

/** The autosave's status, written by the app's start-up code and shown in the saved panel. */
export const useAutosave = create<AutosaveStatus>()(() => ({ savedAt: null, hash: null, scrubStep: null, error: null }));
