/**
 * The page's link to IndexedDB at start-up: bring back the last experiment when the page opens
 * without a link, then keep the experiment on the page autosaved.
 */
import { useGraphStore } from './graphStore.ts';
import { interventionsChanged } from './interventionCodec.ts';
import { currentState, lastExperiment, rememberLast, useAutosave, type LastResult } from './saved.ts';
import { useStore } from './store.ts';

/** The longest the page waits for IndexedDB before it starts without the last experiment. */
const RESTORE_TIMEOUT_MS = 1000;
/** Autosave waits for this long a pause in changes. */
const AUTOSAVE_DELAY_MS = 300;

/** The autosaved experiment, when the page was opened without a hash (a link always wins), or why it is not. */
export async function lastToRestore(): Promise<LastResult> {
  if (window.location.hash.replace(/^#/, '') !== '') return { ok: true, value: null };
  const last = await lastExperiment(RESTORE_TIMEOUT_MS);
  return last.ok && last.value?.hash === '' ? { ok: true, value: null } : last;
}

/**
 * Keeps the experiment on the page autosaved: after each pause in changes, and when the page is
 * hidden. `now` writes the opening state at once; without it the remembered experiment is kept
 * until the user changes something (a restore that failed must not overwrite it with the defaults).
 */
export function startAutosave(now: boolean): void {
  let timer = 0;
  let written = '';
  const write = () => {
    window.clearTimeout(timer);
    timer = 0;
    const state = currentState();
    const key = JSON.stringify(state);
    if (key === written) return;
    written = key;
    void rememberLast(state).then((r) =>
      useAutosave.setState(r.ok ? { savedAt: r.value.savedAt, hash: r.value.hash, scrubStep: r.value.scrubStep ?? null, error: null } : { error: `Autosave is off: ${r.message}` }),
    );
  };
  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(write, AUTOSAVE_DELAY_MS);
  };
  // Snapshots stream into the store many times a second; only what an experiment holds schedules a write.
  useStore.subscribe((s, p) => {
    if (s.config !== p.config || interventionsChanged(s, p) || s.scrubStep !== p.scrubStep) schedule();
  });
  useGraphStore.subscribe(schedule);
  window.addEventListener('pagehide', write);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') write();
  });
  if (now) schedule();
  else written = JSON.stringify(currentState());
}

