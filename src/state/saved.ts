/**
 * Saved experiments, kept in this browser's IndexedDB (idb-keyval, store
 * 'transcoder-lab'/'experiments'). An experiment is its link (url.ts writeLink: config, cuts,
 * interventions, input and graph view) plus the one thing the link does not hold: the scrubbed step.
 * A record that does not validate (savedRecords.ts) is skipped and reported, and a reopened
 * hash goes through the page's URL parser. Every operation returns a Result and none throws,
 * so a missing or broken IndexedDB leaves the page working.
 */
import { createStore, delMany, entries, get, promisifyRequest, set, type UseStore } from 'idb-keyval';
import { create } from 'zustand';
import type { Result } from '../core/result.ts';
import { currentLink, openLink } from './link.ts';
import { resolveModel } from './model.ts';
import { useStore } from './store.ts';
import { snapshotLane } from './snapshots.ts';
import {
  LAST_KEY, LAST_PREFIX, MAX_SAVED, RECORD_PREFIX, RECORD_VERSION, changedSince, cleanName, pickAutosave, readEntries, readHash, readLast,
  readRecord, type ExperimentState, type LastExperiment, type SavedExperiment, type SkippedEntry, type TabAutosave,
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
  // For scripts/benchSaved.ts: when the read began (the panel marks when it drew the list).
  performance.clearMarks('saved:list');
  performance.mark('saved:list');
  return attempt(async (store) => readEntries(await entries(store)));
}

/** The state the page shows now: its link (which carries the interventions too) and the scrubbed step. */
export function currentState(): ExperimentState {
  const { scrubStep } = useStore.getState();
  const hash = currentLink();
  return scrubStep === null ? { hash } : { hash, scrubStep };
}

function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${(performance.now() * 1000).toString(36).replace('.', '')}`;
}

/** Every key from `prefix` up to the end of the keys that start with it. */
const under = (prefix: string) => IDBKeyRange.bound(prefix, `${prefix}\uffff`);

/**
 * One IndexedDB transaction: `body` reads and writes through the store and its result is
 * returned once the transaction has committed. Requests chain through promise reactions, which
 * run while the transaction is still active.
 */
function transact<T>(mode: IDBTransactionMode, body: (os: IDBObjectStore) => Promise<T>): (store: UseStore) => Promise<T> {
  return (store) => store(mode, async (os) => {
    const committed = promisifyRequest(os.transaction);
    // A body that refuses leaves the transaction to commit nothing; its outcome is the refusal.
    committed.catch(() => undefined);
    const value = await body(os);
    await committed;
    return value;
  });
}

/** What one tab tells the others about its saved experiments and autosave. */
export type SavedMessage =
  | { kind: 'saved' | 'deleted'; id: string; name: string }
  | { kind: 'renamed'; id: string; name: string; from: string }
  | { kind: 'cleaned' | 'autosaved' };

/** The channel every tab of this page shares; null where BroadcastChannel is missing. */
let channel: BroadcastChannel | null | undefined;
const CHANNEL = 'transcoder-lab-saved';
function sharedChannel(): BroadcastChannel | null {
  if (channel === undefined) channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  return channel;
}

/** Tells the other tabs (never this one) what changed. */
export function announce(message: SavedMessage): void {
  try {
    sharedChannel()?.postMessage(message);
  } catch {
    // A closed channel: the other tabs find out on their next read.
  }
}

/** Calls `listener` with each message from another tab; returns the unsubscribe. */
export function onOtherTabs(listener: (message: SavedMessage) => void): () => void {
  const ch = sharedChannel();
  if (!ch) return () => undefined;
  const handle = (e: MessageEvent) => {
    const m: unknown = e.data;
    if (typeof m === 'object' && m !== null && typeof (m as { kind?: unknown }).kind === 'string') listener(m as SavedMessage);
  };
  ch.addEventListener('message', handle);
  return () => ch.removeEventListener('message', handle);
}

/** Saves the current experiment under `name`; refuses past MAX_SAVED, counted in the same transaction as the write. */
export async function save(name: string, state: ExperimentState = currentState(), model?: string): Promise<Result<SavedExperiment>> {
  const clean = cleanName(name);
  if (!clean.ok) return clean;
  const hash = readHash(state.hash);
  if (!hash.ok) return { ok: false, message: `This experiment cannot be saved: ${hash.message}.` };
  const s = useStore.getState();
  const shown = resolveModel(s.config.circuit, s.uploadedModel);
  const record: SavedExperiment = {
    v: RECORD_VERSION, id: newId(), name: clean.value, ...state, hash: hash.value, savedAt: new Date().toISOString(),
    step: snapshotLane.getState().shown?.step ?? 0, model: model ?? (shown.problem ? '' : shown.name),
  };
  // Two tabs saving at MAX_SAVED - 1: their read-write transactions run one after the other, so the second counts the first's record.
  const done = await attempt(transact('readwrite', async (os) => {
    const count = await promisifyRequest(os.count(under(RECORD_PREFIX)));
    if (count >= MAX_SAVED) throw new Refusal(`You have ${count} saved experiments, the most this page keeps (${MAX_SAVED}); delete one to save another.`);
    os.put(record, RECORD_PREFIX + record.id);
    return record;
  }));
  if (done.ok) announce({ kind: 'saved', id: record.id, name: record.name });
  return done;
}

/** Reads one saved experiment back, validated. */
export async function load(id: string): Promise<Result<SavedExperiment>> {
  const got = await attempt((store) => get<unknown>(RECORD_PREFIX + id, store));
  if (!got.ok) return got;
  return readStored(id, got.value);
}

function readStored(id: string, value: unknown): Result<SavedExperiment> {
  if (value === undefined) return { ok: false, message: 'That experiment is no longer saved (deleted in another tab?).' };
  const read = readRecord(RECORD_PREFIX + id, value);
  return read.ok ? read : { ok: false, message: `That saved experiment cannot be read: ${read.message}.` };
}

/** A listed experiment read again: as stored now, and how it changed since it was listed (null if it did not). */
export type Reread = { ok: true; value: SavedExperiment; changed: string | null } | { ok: false; message: string; gone: boolean };

/** Reads a listed experiment again before acting on it: another tab may have renamed or deleted it. */
export async function reread(listed: SavedExperiment): Promise<Reread> {
  const got = await attempt((store) => get<unknown>(RECORD_PREFIX + listed.id, store));
  if (!got.ok) return { ...got, gone: false };
  if (got.value === undefined) return { ok: false, message: `“${listed.name}” was deleted in another tab.`, gone: true };
  const read = readStored(listed.id, got.value);
  return read.ok ? { ...read, changed: changedSince(listed, read.value) } : { ...read, gone: false };
}

/** An action on a listed experiment that another tab got to first: why it was not done. */
class Stale extends Refusal {}

/** Reads `listed` again inside the transaction `os`; throws Stale when another tab deleted or changed it. */
async function unchanged(os: IDBObjectStore, listed: SavedExperiment, doing: string): Promise<SavedExperiment> {
  const value: unknown = await promisifyRequest(os.get(RECORD_PREFIX + listed.id));
  if (value === undefined) throw new Stale(`“${listed.name}” was deleted in another tab, so it was not ${doing}.`);
  const read = readStored(listed.id, value);
  if (!read.ok) throw new Refusal(read.message);
  const changed = changedSince(listed, read.value);
  if (changed) throw new Stale(`“${listed.name}” was ${changed} in another tab, so it was not ${doing}; the list now shows it as it is. Try again if you still want to.`);
  return read.value;
}

/** What an action on a listed experiment came to; `stale` when another tab had changed or removed it first. */
export type Acted<T> = { ok: true; value: T } | { ok: false; message: string; stale: boolean };

async function act<T>(op: (store: UseStore) => Promise<T>): Promise<Acted<T>> {
  let stale = false;
  const r = await attempt(async (store) => {
    try {
      return await op(store);
    } catch (error) {
      stale = error instanceof Stale;
      throw error;
    }
  });
  return r.ok ? r : { ...r, stale };
}

/** Deletes a listed experiment, unless another tab deleted or changed it since it was listed. */
export async function remove(listed: SavedExperiment): Promise<Acted<void>> {
  const done = await act(transact('readwrite', async (os) => {
    await unchanged(os, listed, 'deleted');
    os.delete(RECORD_PREFIX + listed.id);
  }));
  if (done.ok) announce({ kind: 'deleted', id: listed.id, name: listed.name });
  return done;
}

/** Deletes entries that could not be read (their keys as listed). */
export async function removeKeys(keys: readonly IDBValidKey[]): Promise<Result<void>> {
  const done = await attempt((store) => delMany([...keys], store));
  if (done.ok) announce({ kind: 'cleaned' });
  return done;
}

/** Renames a listed experiment in one transaction, unless another tab renamed, changed or deleted it since it was listed. */
export async function rename(listed: SavedExperiment, name: string): Promise<Acted<SavedExperiment>> {
  const clean = cleanName(name);
  if (!clean.ok) return { ...clean, stale: false };
  const done = await act(transact('readwrite', async (os) => {
    const stored = await unchanged(os, listed, 'renamed');
    const renamed = { ...stored, name: clean.value };
    os.put(renamed, RECORD_PREFIX + listed.id);
    return renamed;
  }));
  if (done.ok) announce({ kind: 'renamed', id: listed.id, name: done.value.name, from: listed.name });
  return done;
}

/** This tab's id, kept in sessionStorage so that a reload keeps it; each tab has its own autosave. */
const TAB_KEY = 'transcoder-lab-tab';
let fallbackTab: string | null = null;
export function tabId(): string {
  try {
    let id = window.sessionStorage.getItem(TAB_KEY);
    if (!id) {
      id = newId();
      window.sessionStorage.setItem(TAB_KEY, id);
    }
    return id;
  } catch {
    fallbackTab ??= newId();
    return fallbackTab;
  }
}

/** Autosaves the experiment the page shows under this tab's id, to come back after a reload. */
export async function rememberLast(state: ExperimentState = currentState()): Promise<Result<LastExperiment>> {
  const last: LastExperiment = { v: RECORD_VERSION, ...state, savedAt: new Date().toISOString() };
  const done = await attempt(async (store) => {
    await set(LAST_PREFIX + tabId(), last, store);
    return last;
  });
  if (done.ok) announce({ kind: 'autosaved' });
  return done;
}

/** The autosave to restore (null if none), and whose; a failure says whether IndexedDB itself is unavailable. */
export type LastResult = { ok: true; value: (LastExperiment & { otherTab: boolean }) | null } | { ok: false; message: string; unavailable: boolean };

/** Every autosave entry: each tab's, and the shared slot of earlier versions. */
function autosaves(): (store: UseStore) => Promise<[IDBValidKey, unknown][]> {
  return transact('readonly', async (os) => {
    const [ks, vs, old] = await Promise.all([
      promisifyRequest(os.getAllKeys(under(LAST_PREFIX))), promisifyRequest(os.getAll(under(LAST_PREFIX))), promisifyRequest(os.get(LAST_KEY)),
    ]);
    const all: [IDBValidKey, unknown][] = ks.map((k, i) => [k, vs[i]]);
    return old === undefined ? all : [...all, [LAST_KEY, old]];
  });
}

/**
 * The experiment a page opened without a link restores: this tab's own autosave (a reload),
 * else the most recent of any tab. Autosaves beyond the newest MAX_RECENT are deleted.
 */
export async function lastExperiment(ms = OP_TIMEOUT_MS): Promise<LastResult> {
  const got = await attempt(autosaves(), ms);
  if (!got.ok) return { ...got, unavailable: true };
  const pick = pickAutosave(got.value, tabId());
  if (pick.prune.length > 0) void attempt((store) => delMany(pick.prune, store));
  if (pick.broken !== null) return { ok: false, message: `Your last experiment could not be restored: ${pick.broken}.`, unavailable: false };
  if (pick.restore === null) return { ok: true, value: null };
  return { ok: true, value: { ...pick.restore.last, otherTab: pick.restore.tab !== tabId() } };
}

/** The other tabs' autosaves, newest first, for the panel's "recent" list. */
export async function otherTabs(): Promise<Result<TabAutosave[]>> {
  const got = await attempt(autosaves());
  if (!got.ok) return got;
  const own = tabId();
  const out: TabAutosave[] = [];
  for (const [key, value] of got.value) {
    const tab = key === LAST_KEY ? '' : String(key).slice(LAST_PREFIX.length);
    const read = readLast(value);
    if (tab !== own && read.ok && read.value.hash !== '') out.push({ tab, last: read.value });
  }
  return { ok: true, value: out.sort((a, b) => b.last.savedAt.localeCompare(a.last.savedAt)) };
}

/** Reads another tab's autosave again before opening it (that tab may have moved on, or been closed long ago and pruned). */
export async function rereadTab(tab: string): Promise<Result<LastExperiment>> {
  const got = await attempt((store) => get<unknown>(tab === '' ? LAST_KEY : LAST_PREFIX + tab, store));
  if (!got.ok) return got;
  if (got.value === undefined) return { ok: false, message: 'That tab’s experiment is no longer kept.' };
  const read = readLast(got.value);
  return read.ok ? read : { ok: false, message: `That tab’s experiment cannot be read: ${read.message}.` };
}

/** What the hash does not replay: the scrubbed step. */
export function restoreExtras(state: ExperimentState): void {
  if (state.scrubStep !== undefined) useStore.getState().scrubTo(state.scrubStep);
}

/**
 * Opens a state: the runner takes its link at once (state/link.ts `openLink`), then the extras
 * apply and `then` runs. Without a runner (nothing to train it), only the extras apply.
 */
export function applyState(state: ExperimentState, then?: () => void): void {
  openLink(state.hash);
  restoreExtras(state);
  then?.();
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
