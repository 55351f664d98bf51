/**
 * The run controller: connects the store to the training worker and the URL. Snapshots go to
 * the snapshot lane (`snapshots.ts`), which batches them per animation frame outside React.
 */
import type { ExperimentConfig } from '../core/config.ts';
import type { TrainerClient } from '../worker/client.ts';
import type { Fault, WorkerEvent } from '../worker/protocol.ts';
import { interventionsChanged } from './interventionCodec.ts';
import { useGraphStore } from './graphStore.ts';
import { currentLink, keepLinkedMax, setLinkOpener } from './link.ts';
import { readLink, type ViewKeys } from './url.ts';
import { initialPace, PACE_KEY, speedFor, type Pace } from './pace.ts';
import { useStore } from './store.ts';
import { snapshotLane, type SnapshotLane } from './snapshots.ts';
import { uploadFlow, type UploadFlow } from './uploads.ts';

export interface RunController {
  play: () => void;
  pause: () => void;
  stepBy: (count: number) => void;
  reset: () => void;
  /** Sets the pace (remembered in this browser when it is `watch` or full speed). */
  setSpeed: (speed: Pace) => void;
  /** Loads a user's ONNX model (see uploads.ts). */
  uploads: UploadFlow;
  dispose: () => void;
}

export function startRunner(client: TrainerClient, win: Window = window, lane: SnapshotLane = snapshotLane): RunController {
  const store = useStore;
  /** A new run: the lane accepts only its snapshots from now on. */
  const begin = () => {
    store.getState().clearRun();
    lane.begin(client.run);
  };

  /** The share of full speed last sent to the worker; the watch pace changes it as the run goes. */
  let sentSpeed = 0;
  const pace = () => {
    const speed = speedFor(store.getState().speed, lane.getState().live);
    if (speed !== sentSpeed) {
      sentSpeed = speed;
      client.setSpeed(speed);
    }
  };

  // The watch pace follows the live snapshot: re-send the speed once per lane frame.
  const unsubLane = lane.subscribe((_, change) => {
    if (change === 'frame' || change === 'stop') pace();
  });

  // An accepted upload is a new run: nothing of the old one may land after the switch.
  const uploads = uploadFlow(client, () => lane.begin(client.run));

  const onEvent = (e: WorkerEvent) => {
    if (uploads.handle(e)) return;
    const s = store.getState();
    switch (e.type) {
      case 'snapshot':
        lane.push(e.run, e.snapshot, e.history);
        break;
      case 'status':
        lane.setTraining(e.status === 'training');
        s.setRun({ status: e.status, step: e.step, engine: e.engine, message: e.message ?? null });
        if (e.notice) store.setState({ notice: e.notice });
        break;
      case 'error':
        s.setRun({ status: 'error', message: e.message });
        break;
      case 'crashed':
        resume(e.message);
        break;
    }
  };

  /** The worker crashed: a fresh one continues from the newest snapshot the page holds. */
  const resume = (why: string) => {
    lane.flush();
    const s = store.getState();
    const last = lane.getState().live ?? lane.getState().history.at(-1) ?? null;
    s.setRun({ message: `${why} Resuming the run in a fresh worker…` });
    if (!last) {
      client.setConfig(s.config);
      lane.adopt(client.run);
      return;
    }
    const then = s.status === 'training' ? 'training' : 'paused';
    sentSpeed = speedFor(s.speed, last);
    lane.adopt(client.resume(s.config, { step: last.step, params: last.members.map((m) => m.params), padded: last.members.map((m) => m.padded ?? null) }, then, sentSpeed));
  };
  const unsubscribe = client.onEvent(onEvent);

  const restart = (config: ExperimentConfig) => {
    client.setConfig(config);
    begin();
  };

  // The URL mirrors the config; opening a URL replays it (url.ts readLink and writeLink own the whole hash).
  /** Puts the link on the page: graph view, config and interventions (fitted to its model), with every problem found. */
  const fromUrl = (): ViewKeys => {
    const link = readLink(win.location.hash);
    useGraphStore.getState().replaceGraphState(link.graph);
    store.getState().replaceConfig(link.config, link.problems);
    // After the config: a restart it causes clears the interventions and the scrubbed step.
    store.setState(link.interventions);
    if (link.view.at !== null) store.getState().scrubTo(link.view.at);
    if (link.view.speed !== null) {
      // A link's `speed=max` stays in the hash while the pace is still full speed.
      keepLinkedMax(link.view.speed === 'max');
      store.getState().setSpeed(link.view.speed === 'max' ? 1 : 'watch');
    }
    return link.view;
  };
  keepLinkedMax(false);
  const linkedView = fromUrl();
  store.getState().setSpeed(initialPace(linkedView.speed, readStored(win)));
  let lastHash = '';
  const writeUrl = () => {
    const hash = `#${currentLink()}`;
    if (hash !== lastHash) {
      lastHash = hash;
      if (win.location.hash !== hash) win.history.replaceState(null, '', hash);
    }
  };
  writeUrl();
  const onHashChange = () => {
    if (win.location.hash === lastHash) return;
    fromUrl();
    pace();
  };
  win.addEventListener('hashchange', onHashChange);
  // A saved experiment opens through here, not through the location bar: the page takes it at once.
  setLinkOpener((body) => {
    const hash = `#${body}`;
    if (win.location.hash !== hash) win.history.pushState(null, '', hash);
    lastHash = '';
    fromUrl();
    pace();
    writeUrl();
  });

  const unsubGraph = useGraphStore.subscribe(() => writeUrl());
  const unsubStore = store.subscribe((s, prev) => {
    if (s.config !== prev.config || interventionsChanged(s, prev)) writeUrl();
    if (s.generation !== prev.generation) restart(s.config);
  });

  sentSpeed = speedFor(store.getState().speed, null);
  client.start(store.getState().config, sentSpeed);
  // A link's `at` has set the scrubbed step already.
  lane.begin(client.run, store.getState().scrubStep);
  // Fault injection for the reliability tests: `transcoderLab.injectFault('crash')` in the console.
  Object.assign(win, { transcoderLab: { injectFault: (fault: Fault) => client.fault(fault) } });

  return {
    play: () => client.play(),
    pause: () => client.pause(),
    stepBy: (count) => client.step(count),
    reset: () => {
      client.reset();
      begin();
    },
    setSpeed: (speed) => {
      keepLinkedMax(false);
      store.getState().setSpeed(speed);
      if (speed === 'watch' || speed === 1) writeStored(win, speed === 1 ? 'max' : 'watch');
      writeUrl();
      pace();
    },
    uploads,
    dispose: () => {
      unsubscribe();
      unsubStore();
      unsubGraph();
      unsubLane();
      win.removeEventListener('hashchange', onHashChange);
      setLinkOpener(null);
      lane.dispose();
    },
  };
}

/** The reader's stored pace, or null where storage is unavailable. */
function readStored(win: Window): string | null {
  try {
    return win.localStorage.getItem(PACE_KEY);
  } catch {
    return null;
  }
}

function writeStored(win: Window, value: 'watch' | 'max'): void {
  try {
    win.localStorage.setItem(PACE_KEY, value);
  } catch {
    // Private windows may refuse storage; the choice then lasts for this page only.
  }
}
