import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startRunner } from '../state/runner.ts';
import { lastToRestore, startAutosave } from '../state/autosave.ts';
import { formatWhen, restoreExtras } from '../state/saved.ts';
import { useStore } from '../state/store.ts';
import { TrainerClient } from '../worker/client.ts';
import { App } from './App.tsx';
import './app.css';

/** Ends the current task: start-up runs as a few short tasks, so the page answers between them. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function main(): Promise<void> {
  const hadHash = window.location.hash.replace(/^#/, '') !== '';
  const restored = await lastToRestore();
  const last = restored.ok ? restored.value : null;
  // The runner replays the hash, as for a link.
  if (last) window.history.replaceState(null, '', `#${last.hash}`);
  await nextTask();
  const runner = startRunner(new TrainerClient());
  // A record that cannot be read is news; storage that cannot be used, the saved panel reports.
  if (!restored.ok && !restored.unavailable) useStore.getState().reportProblem(restored.message);
  if (last) {
    restoreExtras(last);
    const where = last.otherTab ? ' in another tab' : '';
    useStore.setState({ notice: `Restored your last experiment (autosaved ${formatWhen(last.savedAt)}${where}). Open a link or a saved experiment to work on another.` });
  }
  const openedEmpty = last === null && !hadHash;
  startAutosave(!openedEmpty);
  await nextTask();

  // The first render as a transition: React builds the page in short slices instead of one long task.
  const root = createRoot(document.getElementById('root')!);
  startTransition(() =>
    root.render(
      <StrictMode>
        <App runner={runner} />
      </StrictMode>,
    ),
  );
}

void main();
