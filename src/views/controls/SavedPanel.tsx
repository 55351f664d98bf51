/**
 * Saved experiments: name and save what the page shows (config, cuts, interventions, graph
 * view), then list, reopen, rename and delete them. They live in this browser's IndexedDB;
 * when it is unavailable the panel says so and the rest of the page goes on.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import {
  MAX_NAME_LENGTH, MAX_SAVED, applyState, formatWhen, list, modelNote, remove, removeKeys, rename, save, suggestName, summarize,
  useAutosave, type SavedExperiment, type SkippedEntry,
} from '../../state/saved.ts';
import { useStore } from '../../state/store.ts';
import { useModel } from '../../state/useModel.ts';
import '../saved.css';

/** One saved experiment's row: open, rename, delete (asked once more, inline). */
function SavedRow({ record, onChanged, onError }: { record: SavedExperiment; onChanged: () => void; onError: (m: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [draft, setDraft] = useState<string | null>(null);
  const summary = useMemo(() => summarize(record.hash), [record.hash]);

  const doRename = async (): Promise<void> => {
    if (draft === null) return;
    const r = await rename(record.id, draft);
    if (!r.ok) return onError(r.message);
    setDraft(null);
    onChanged();
  };
  const onRenameKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') void doRename();
    if (e.key === 'Escape') setDraft(null);
  };
  const doOpen = (): void => {
    const generation = useStore.getState().generation;
    applyState(record, window, () => {
      const s = useStore.getState();
      const run = s.generation !== generation ? `the run restarted from seed ${s.config.seed}` : 'the run goes on';
      useStore.setState({ notice: `Opened “${record.name}” (saved ${formatWhen(record.savedAt)}); ${run}. ${modelNote(record) ?? ''}`.trim() });
    });
  };
  const doDelete = async (): Promise<void> => {
    const r = await remove(record.id);
    if (!r.ok) return onError(r.message);
    onChanged();
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
          value={draft}
          maxLength={MAX_NAME_LENGTH}
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onRenameKey}
        />
      )}
      <small className="saved-item-meta">
        <time dateTime={record.savedAt} title={new Date(record.savedAt).toLocaleString()}>{formatWhen(record.savedAt)}</time>
        {record.step !== undefined ? ` · step ${record.step.toLocaleString('en-US')}` : ''}
        {record.scrubStep !== undefined ? ' (scrubbed)' : ''}
      </small>
      <small className="saved-item-meta" data-testid="saved-summary">{summary}</small>
      {confirming ? (
        <span className="saved-actions saved-confirm" role="group" aria-label={`delete ${record.name}?`}>
          <span>Delete it?</span>
          <button className="saved-danger" data-testid="saved-delete-confirm" onClick={() => void doDelete()}>delete</button>
          <button data-testid="saved-delete-cancel" onClick={() => setConfirming(false)} autoFocus>keep</button>
        </span>
      ) : draft !== null ? (
        <span className="saved-actions">
          <button data-testid="saved-rename-save" onClick={() => void doRename()}>rename</button>
          <button onClick={() => setDraft(null)}>cancel</button>
        </span>
      ) : (
        <span className="saved-actions">
          <button data-testid="saved-open" onClick={doOpen} aria-label={`open ${record.name}`}>open</button>
          <button data-testid="saved-rename" onClick={() => setDraft(record.name)} aria-label={`rename ${record.name}`}>rename</button>
          <button data-testid="saved-delete" onClick={() => setConfirming(true)} aria-label={`delete ${record.name}`}>delete</button>
        </span>
      )}
    </li>
  );
}

export function SavedPanel() {
  const config = useStore((s) => s.config);
  const model = useModel();
  const autosave = useAutosave();
  const [records, setRecords] = useState<SavedExperiment[] | null>(null);
  const [skipped, setSkipped] = useState<SkippedEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [typed, setTyped] = useState<string | null>(null);
  const suggested = suggestName(config, model.dimNames);
  const name = typed ?? suggested;

  const refresh = useCallback(async (): Promise<void> => {
    const r = await list();
    if (!r.ok) {
      setError(r.message);
      setRecords([]);
      return;
    }
    setError(null);
    setRecords(r.value.records);
    setSkipped(r.value.skipped);
  }, []);
  useEffect(() => void refresh(), [refresh]);

  const onSave = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const r = await save(name.trim() === '' ? suggested : name);
    if (!r.ok) {
      setError(r.message);
      return;
    }
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
      {(error || skipped.length > 0) && (
        <div className="saved-error" data-testid="saved-error" role="alert">
          {error && <p>{error}</p>}
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
      {records === null ? (
        <p className="hint">reading saved experiments…</p>
      ) : records.length === 0 ? (
        <p className="hint" data-testid="saved-empty">No saved experiments yet. Name this one and save it to come back to it later.</p>
      ) : (
        <ul className="saved-list" data-testid="saved-list" aria-label={`${records.length} saved experiments`}>
          {records.map((r) => (
            <SavedRow key={r.id} record={r} onChanged={() => void refresh()} onError={setError} />
          ))}
        </ul>
      )}
      {full && <p className="hint saved-full">{MAX_SAVED} saved: delete one to save another.</p>}
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
