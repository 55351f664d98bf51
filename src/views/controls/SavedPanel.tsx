/**
 * Saved experiments: name and save what the page shows (config, cuts, interventions, graph
 * view), then list, reopen, rename and delete them. They live in this browser's IndexedDB;
 * when it is unavailable the panel says so and the rest of the page goes on.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import {
  MAX_NAME_LENGTH, MAX_SAVED, applyState, formatFull, formatWhen, list, modelNote, onOtherTabs, otherTabs, remove, removeKeys, rename,
  reread, rereadTab, save, suggestName, summarize, useAutosave, type SavedExperiment, type SavedMessage, type SkippedEntry, type TabAutosave,
} from '../../state/saved.ts';
import { useStore } from '../../state/store.ts';
import { useModel } from '../../state/useModel.ts';
import '../saved.css';

/** What a row asks of the panel; one object for the panel's life, so rows re-render only when their record does. */
interface RowActions {
  /** Re-reads the list (another tab may have changed it). */
  refresh: () => void;
  /** An action went through: clears the last failure and re-reads the list. */
  done: () => void;
  /** A failure (IndexedDB, a refusal). */
  fail: (message: string) => void;
  /** News about the list: another tab changed or removed a record first. */
  tell: (message: string) => void;
}

/** Opens a state and says on the page what was opened; `what` names it ("“collapse”", "the experiment of another tab"). */
function openState(state: Parameters<typeof applyState>[0], what: string, extra = ''): void {
  const generation = useStore.getState().generation;
  applyState(state, () => {
    const s = useStore.getState();
    const run = s.generation !== generation ? `the run restarted from seed ${s.config.seed}` : 'the run goes on';
    useStore.setState({ notice: `Opened ${what}; ${run}. ${extra}`.trim() });
  });
}

/** One saved experiment's row: open, rename, delete (asked once more, inline). Each re-reads the record first. */
const SavedRow = memo(function SavedRow({ record, actions }: { record: SavedExperiment; actions: RowActions }) {
  // A rename or delete acts on the record as it was listed when the user began it: if another
  // tab changes it meanwhile, the stored record no longer matches and the action is refused.
  const [confirming, setConfirming] = useState<SavedExperiment | null>(null);
  const [draft, setDraft] = useState<{ text: string; from: SavedExperiment } | null>(null);
  const summary = useMemo(() => summarize(record.hash), [record.hash]);

  const doRename = async (): Promise<void> => {
    if (draft === null) return;
    const r = await rename(draft.from, draft.text);
    if (!r.ok) {
      if (!r.stale) return actions.fail(r.message);
      setDraft(null);
      actions.tell(r.message);
      return actions.refresh();
    }
    setDraft(null);
    actions.done();
  };
  const onRenameKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') void doRename();
    if (e.key === 'Escape') setDraft(null);
  };
  const doOpen = async (): Promise<void> => {
    const r = await reread(record);
    if (!r.ok) {
      if (!r.gone) return actions.fail(r.message);
      actions.tell(`${r.message} It was not opened.`);
      return actions.refresh();
    }
    const current = r.value;
    if (r.changed) {
      actions.tell(`“${record.name}” was ${r.changed} in another tab; this opened it as it is now.`);
      actions.refresh();
    }
    openState(current, `“${current.name}” (saved ${formatWhen(current.savedAt)})`, modelNote(current) ?? '');
  };
  const doDelete = async (): Promise<void> => {
    if (confirming === null) return;
    const r = await remove(confirming);
    if (!r.ok) {
      if (!r.stale) return actions.fail(r.message);
      setConfirming(null);
      actions.tell(r.message);
      return actions.refresh();
    }
    actions.done();
  };

  return (
    <li className="saved-item" data-testid="saved-item" data-name={record.name}>
      {draft === null ? (
        <b className="saved-item-name">{record.name}</b>
      ) : (
        <input
          className="saved-rename"
          data-testid="saved-rename-input"
          aria-label={`new name for ${record.name}`}
          value={draft.text}
          maxLength={MAX_NAME_LENGTH}
          autoFocus
          onChange={(e) => setDraft({ ...draft, text: e.target.value })}
          onKeyDown={onRenameKey}
        />
      )}
      <small className="saved-item-meta">
        <time dateTime={record.savedAt} title={formatFull(record.savedAt)}>{formatWhen(record.savedAt)}</time>
        {record.step !== undefined ? ` · step ${record.step.toLocaleString('en-US')}` : ''}
        {record.scrubStep !== undefined ? ' (scrubbed)' : ''}
      </small>
      <small className="saved-item-meta" data-testid="saved-summary">{summary}</small>
      {confirming !== null ? (
        <span className="saved-actions saved-confirm" role="group" aria-label={`delete ${record.name}?`}>
          <span>Delete it?</span>
          <button className="saved-danger" data-testid="saved-delete-confirm" onClick={() => void doDelete()}>delete</button>
          <button data-testid="saved-delete-cancel" onClick={() => setConfirming(null)} autoFocus>keep</button>
        </span>
      ) : draft !== null ? (
        <span className="saved-actions">
          <button data-testid="saved-rename-save" onClick={() => void doRename()}>rename</button>
          <button onClick={() => setDraft(null)}>cancel</button>
        </span>
      ) : (
        <span className="saved-actions">
          <button data-testid="saved-open" onClick={() => void doOpen()} aria-label={`open ${record.name}`}>open</button>
          <button data-testid="saved-rename" onClick={() => setDraft({ text: record.name, from: record })} aria-label={`rename ${record.name}`}>rename</button>
          <button data-testid="saved-delete" onClick={() => setConfirming(record)} aria-label={`delete ${record.name}`}>delete</button>
        </span>
      )}
    </li>
  );
});

/** Another tab's autosaved experiment, openable. */
const RecentRow = memo(function RecentRow({ entry, actions }: { entry: TabAutosave; actions: RowActions }) {
  const summary = useMemo(() => summarize(entry.last.hash), [entry.last.hash]);
  const doOpen = async (): Promise<void> => {
    const r = await rereadTab(entry.tab);
    if (!r.ok) {
      actions.tell(`${r.message} It was not opened.`);
      return actions.refresh();
    }
    openState(r.value, `the experiment autosaved in another tab (${formatWhen(r.value.savedAt)})`);
  };
  return (
    <li className="saved-item" data-testid="recent-item" data-hash={entry.last.hash}>
      <small className="saved-item-meta">
        another tab · <time dateTime={entry.last.savedAt} title={formatFull(entry.last.savedAt)}>{formatWhen(entry.last.savedAt)}</time>
        {entry.last.scrubStep !== undefined ? ' (scrubbed)' : ''}
      </small>
      <small className="saved-item-meta" data-testid="recent-summary">{summary}</small>
      <span className="saved-actions">
        <button data-testid="recent-open" onClick={() => void doOpen()} aria-label={`open the experiment of another tab: ${summary}`}>open</button>
      </span>
    </li>
  );
});

/** A message from another tab, as the panel says it. */
function describeMessage(m: SavedMessage): string | null {
  if (m.kind === 'saved') return `Another tab saved “${m.name}”.`;
  if (m.kind === 'renamed') return `Another tab renamed “${m.from}” to “${m.name}”.`;
  if (m.kind === 'deleted') return `Another tab deleted “${m.name}”.`;
  if (m.kind === 'cleaned') return 'Another tab removed the unreadable entries.';
  return null;
}

export function SavedPanel() {
  const config = useStore((s) => s.config);
  const model = useModel();
  const autosave = useAutosave();
  const [records, setRecords] = useState<SavedExperiment[] | null>(null);
  const [skipped, setSkipped] = useState<SkippedEntry[]>([]);
  // A failed action's message, and why the list cannot be read: kept apart, so that a list
  // refreshed by another tab's message does not wipe the reason an action was refused.
  const [error, setError] = useState<string | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [news, setNews] = useState<string | null>(null);
  const [recent, setRecent] = useState<TabAutosave[]>([]);
  const [typed, setTyped] = useState<string | null>(null);
  const suggested = suggestName(config, model.dimNames);
  const name = typed ?? suggested;

  // Reads answer out of order when tabs change things quickly: only the latest read is shown.
  const reads = useRef(0);
  const refresh = useCallback(async (): Promise<void> => {
    const n = ++reads.current;
    const r = await list();
    if (n !== reads.current) return;
    if (!r.ok) {
      setListError(r.message);
      setRecords([]);
      return;
    }
    setListError(null);
    setRecords(r.value.records);
    setSkipped(r.value.skipped);
  }, []);
  const refreshRecent = useCallback(async (): Promise<void> => {
    const r = await otherTabs();
    if (r.ok) setRecent(r.value);
  }, []);
  const actions = useMemo<RowActions>(() => ({
    refresh: () => void refresh(),
    done: () => {
      setError(null);
      void refresh();
    },
    fail: (message) => setError(message),
    tell: (message) => setNews(message),
  }), [refresh]);
  useEffect(() => {
    void refresh();
    void refreshRecent();
    // Each save, rename and delete in another tab refreshes the list; each autosave, the recent list.
    return onOtherTabs((m) => {
      if (m.kind === 'autosaved') return void refreshRecent();
      setNews(describeMessage(m));
      void refresh();
    });
  }, [refresh, refreshRecent]);
  useEffect(() => {
    if (records === null) return;
    performance.clearMarks('saved:drawn');
    performance.mark('saved:drawn', { detail: records.length });
  }, [records]);

  const onSave = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const r = await save(name.trim() === '' ? suggested : name);
    if (!r.ok) {
      setError(r.message);
      // Another tab may have filled the store: show what it holds.
      await refresh();
      return;
    }
    setError(null);
    setTyped(null);
    setStatus(`Saved “${r.value.name}”.`);
    await refresh();
  };
  const clearSkipped = async (): Promise<void> => {
    const r = await removeKeys(skipped.map((s) => s.key));
    if (!r.ok) setError(r.message);
    await refresh();
  };

  const full = records !== null && records.length >= MAX_SAVED;
  return (
    <section className="panel saved" data-testid="saved-panel" aria-label="Saved experiments">
      <h2>Saved experiments</h2>
      <form className="saved-form" onSubmit={(e) => void onSave(e)}>
        <label className="field">
          <span>name</span>
          <input
            data-testid="saved-name"
            value={name}
            maxLength={MAX_NAME_LENGTH}
            onChange={(e) => setTyped(e.target.value)}
            onFocus={(e) => e.target.select()}
          />
        </label>
        <button type="submit" data-testid="saved-save" disabled={full}>save</button>
      </form>
      <p className="hint">
        Kept in this browser: settings, cuts, ablations and graph view. Up to {MAX_SAVED} experiments, names up to {MAX_NAME_LENGTH} characters.
      </p>
      {(error || listError || skipped.length > 0) && (
        <div className="saved-error" data-testid="saved-error" role="alert">
          {listError && <p>{listError}</p>}
          {error && error !== listError && <p>{error}</p>}
          {skipped.length > 0 && (
            <>
              <p>
                {skipped.length} saved entr{skipped.length === 1 ? 'y' : 'ies'} could not be read and {skipped.length === 1 ? 'is' : 'are'} not listed:
              </p>
              <ul>
                {skipped.slice(0, 5).map((s, k) => <li key={k}>{s.message}</li>)}
                {skipped.length > 5 && <li>…and {skipped.length - 5} more</li>}
              </ul>
              <button data-testid="saved-clear-bad" onClick={() => void clearSkipped()}>remove unreadable entries</button>
            </>
          )}
        </div>
      )}
      <p className="sr-only" role="status">{status}</p>
      {news && (
        <p className="hint saved-news" data-testid="saved-notice" role="status">
          {news} <button className="saved-dismiss" onClick={() => setNews(null)} aria-label="dismiss this notice">×</button>
        </p>
      )}
      {records === null ? (
        <p className="hint">reading saved experiments…</p>
      ) : records.length === 0 ? (
        <p className="hint" data-testid="saved-empty">No saved experiments yet. Name this one and save it to come back to it later.</p>
      ) : (
        <ul className="saved-list" data-testid="saved-list" aria-label={`${records.length} saved experiments`}>
          {records.map((r) => (
            <SavedRow key={r.id} record={r} actions={actions} />
          ))}
        </ul>
      )}
      {full && <p className="hint saved-full" data-testid="saved-full">{MAX_SAVED} saved: delete one to save another.</p>}
      {recent.length > 0 && (
        <>
          <h3 className="saved-recent-title">Recent, in other tabs</h3>
          <ul className="saved-list saved-recent" data-testid="recent-list" aria-label={`${recent.length} experiments autosaved in other tabs`}>
            {recent.map((e) => <RecentRow key={e.tab} entry={e} actions={actions} />)}
          </ul>
        </>
      )}
      {autosave.error ? (
        <p className="hint saved-autosave-off" data-testid="saved-autosave" data-state="off">{autosave.error}</p>
      ) : autosave.savedAt && (
        <p className="hint" data-testid="saved-autosave" data-state="on" data-hash={autosave.hash ?? ''} data-scrub={autosave.scrubStep ?? 'live'}>
          This experiment is autosaved; open the page without a link to come back to it.
        </p>
      )}
    </section>
  );
}
