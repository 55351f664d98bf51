/**
 * A six-step guided tour of the finding, in a small non-modal dialog: each step scrolls its
 * targets into view and outlines them, the dialog moves to the corner that covers least of
 * them, and each step has a "show me" that does it for the reader.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type MouseEvent, type ReactNode, type RefObject } from 'react';
import { interventionReport } from '../core/metrics/interventionReport.ts';
import { outputClasses, type BaseModel } from '../core/model/baseModel.ts';
import { cleanForward, sharedModelData, transcoderLayout } from '../core/run.ts';
import { useStore, type Store } from '../state/store.ts';
import type { RunSnapshot } from '../core/snapshot.ts';
import { snapshotLane } from '../state/snapshots.ts';
import { useModel } from '../state/useModel.ts';
import { cutTestId, handOffs } from './ModelDiagram.tsx';
import { CheckIcon } from './icons.tsx';
import { bestCorner, type Corner } from './tourPlacement.ts';
import './tour.css';

/** What a step may show or do, read fresh on every render. */
interface TourContext {
  store: Store;
  model: BaseModel;
  /** The hand-off into layer 1 that the diagram's widest cut button removes, if the model has one. */
  handOff: { dims: number[]; testId: string } | null;
}

interface TourStep {
  title: string;
  /** data-testids to outline; the first one found is scrolled into view. */
  targets: (c: TourContext) => string[];
  body: (c: TourContext) => ReactNode;
  /** A "do it" button: what it does, whether it is done already, and (optionally) whether to offer it at all. */
  action?: {
    label: string;
    doneLabel: string;
    run: (c: TourContext) => void;
    done: (c: TourContext) => boolean;
    show?: (c: TourContext) => boolean;
  };
  /** The button offered where `action.show` says no. */
  alternative?: NonNullable<TourStep['action']>;
}

/** The CLT's and PLT's L0 at layer 1 in the shown snapshot, as text. */
function layerOneL0(): string {
  const snap = snapshotLane.getState().shown;
  if (!snap) return 'no snapshot yet';
  const parts = snap.members.map((m) => `${m.kind.toUpperCase()} ${m.metrics.l0[1] === undefined ? '—' : m.metrics.l0[1].toFixed(2)}`);
  return `layer-1 L0 at step ${snap.step}: ${parts.join(', ')}`;
}

/** A number a view shows, read from its data-value; null where the view is not on the page. */
function pageValue(testId: string): number | null {
  const v = find(testId)?.getAttribute('data-value');
  return v === null || v === undefined || v === '' ? null : Number(v);
}

/**
 * What the cuts did, in the words of effect recall (SPEC §4): read from the interventions view's
 * changed-count and followed-KIND where it shows them, else computed from the shown snapshot.
 */
function effectText(store: Store, model: BaseModel): string | null {
  const shownChanged = pageValue('changed-count');
  const counts = shownChanged !== null
    ? (['clt', 'plt'] as const).map((kind) => ({ kind, followed: pageValue(`followed-${kind}`) }))
    : null;
  let changed = shownChanged;
  let followed = counts;
  if (changed === null || !followed || followed.some((f) => f.followed === null)) {
    const snap = snapshotLane.getState().shown;
    if (!snap) return null;
    // The same report the interventions view draws (SPEC §4: changed set, followed).
    const report = interventionReport(
      model,
      sharedModelData(model),
      snap.members.map((m) => ({
        tc: { layout: transcoderLayout(m.kind, model, store.config), params: m.params },
        extra: { features: store.featureAblations.filter((a) => a.kind === m.kind), pairsOff: m.kind === 'clt' ? store.pairsOff : [] },
      })),
      store.config.cuts,
      store.neuronAblations,
    );
    changed = report.base.changedCount;
    followed = snap.members.map((m, k) => ({ kind: m.kind, followed: report.members[k].effect.followed }));
  }
  const parts = followed.map((f) => `the ${f.kind.toUpperCase()} follows ${f.followed} of them`);
  return `the real model changes on ${changed} input${changed === 1 ? '' : 's'}; ${parts.join('; ')}`;
}

/** The inputs whose real answer is TRUE, in order. */
function trueInputs(model: BaseModel): number[] {
  return outputClasses(model, cleanForward(model).resid).flatMap((t, n) => (t ? [n] : []));
}

/** The kept step from which the CLT's layer-1 L0 stays 0, or null. */
function deathStep(history: readonly RunSnapshot[]): number | null {
  let death: number | null = null;
  for (let k = history.length - 1; k >= 0; k--) {
    const l0 = history[k].members.find((m) => m.kind === 'clt')?.metrics.l0;
    if (!l0 || l0.length < 2 || l0[1] !== 0) break;
    death = history[k].step;
  }
  return death;
}

let replayTimer = 0;
/** Travels the kept steps from 0 to where layer 1 died (or to the end) in about 4 s, and stays there. */
function replayCollapse(): void {
  window.clearInterval(replayTimer);
  const { history } = snapshotLane.getState();
  const steps = history.map((h) => h.step);
  if (steps.length < 2) return;
  const end = deathStep(history) ?? steps[steps.length - 1];
  const last = steps.indexOf(end);
  const frames = 60;
  let f = 0;
  replayTimer = window.setInterval(() => {
    f++;
    // Ease out: the frames crowd in near the end, where layer 1 fades.
    const k = Math.round(last * (1 - (1 - f / frames) ** 2));
    useStore.getState().scrubTo(steps[Math.min(last, k)]);
    if (f >= frames) window.clearInterval(replayTimer);
  }, 4000 / frames);
}

/** The run's step: the lane's live snapshot while training, the last status event's otherwise. */
function runStep(s: Store): number {
  return Math.max(s.step, snapshotLane.getState().live?.step ?? 0);
}

function runState(s: Store): string {
  const step = runStep(s);
  return `Status: ${s.status}, step ${step.toLocaleString()} of ${s.config.steps.toLocaleString()}.`;
}

const STEPS: readonly TourStep[] = [
  {
    title: 'Train two replacements',
    targets: () => ['status'],
    body: ({ store }) => (
      <>
        <p>
          Two transcoders learn to stand in for the model&apos;s MLPs, from the same seed. The per-layer one (PLT) reads
          and writes a single layer. The cross-layer one (CLT) lets each feature write into every later layer too. Training
          starts on its own; wait for the status badge to read <b>done</b>.
        </p>
        <p className="tour-live">{runState(store)}</p>
        {store.config.circuit !== '' && <p className="tour-note">This tour is written for the write-up&apos;s 2-layer model.</p>}
      </>
    ),
    action: {
      label: "Use the write-up's model",
      doneLabel: "Using the write-up's model",
      show: ({ store }) => store.config.circuit !== '' || store.uploadedModel !== null,
      run: ({ store }) => store.setConfig({ circuit: '', cuts: [], input: 10 }),
      done: ({ store }) => store.config.circuit === '' && !store.uploadedModel,
    },
    // On the write-up's model, the same button trains the run again from its seed (what reset does).
    alternative: {
      label: 'Show me: train it again',
      doneLabel: 'Training',
      run: () => useStore.setState((s) => ({ generation: s.generation + 1, notice: 'The tour restarted the run from its seed.' })),
      done: ({ store }) => store.status === 'training' && runStep(store) < 200,
    },
  },
  {
    title: 'Watch layer 1 go quiet',
    targets: () => ['l0-live', 'metric-clt-l0-1', 'view-curves'],
    body: () => (
      <>
        <p>
          L0 counts the features that fire per input. The sparsity penalty charges every feature by the size of its
          decoders, and a CLT feature in layer 0 can write the final answer directly. So the CLT finds it cheaper to do
          all the work in layer 0: its layer-1 L0 (the dashed blue line) falls to <b>0</b> while the PLT&apos;s stays near 1.
          Outlined: the live L0 chart, the metric cell and the training curves.
        </p>
        <p className="tour-live">{layerOneL0()}</p>
      </>
    ),
    action: {
      label: 'Show me: replay the collapse',
      doneLabel: 'Replayed',
      run: () => replayCollapse(),
      done: () => false,
      show: () => snapshotLane.getState().history.length > 1,
    },
  },
  {
    title: 'Cut the hand-off',
    targets: ({ handOff }) => [...(handOff ? [handOff.testId] : []), 'view-interventions'],
    body: ({ store, model, handOff }) =>
      handOff ? (
        <>
          <p>
            In the real model, layer 1 reads {handOff.dims.map((d) => model.dimNames[d]).join(', ')} from layer 0. Cutting
            that hand-off breaks the real model&apos;s answer. A faithful replacement should break the same way under the
            same cut: its effect recall is the share of the changed inputs it follows. The PLT follows the broken model; the
            CLT, which never used layer 1, mostly keeps answering as before.
          </p>
          {hasCut(store, handOff.dims) && (
            <p className="tour-live" data-testid="tour-effect">
              {effectText(store, model) ?? 'waiting for the first snapshot'}
            </p>
          )}
        </>
      ) : (
        <p>This model has no hand-off into layer 1, so there is nothing to cut here.</p>
      ),
    action: {
      label: `Show me: cut it`,
      doneLabel: 'Hand-off cut',
      show: ({ handOff }) => handOff !== null,
      run: ({ store, handOff }) => {
        if (handOff && !hasCut(store, handOff.dims)) store.toggleCut(handOff.dims, 1);
      },
      done: ({ store, handOff }) => handOff !== null && hasCut(store, handOff.dims),
    },
  },
  {
    title: 'Compare the two graphs',
    targets: () => ['view-graphs'],
    body: ({ store, model }) => (
      <>
        <p>
          An attribution graph follows one input through a replacement: inputs at the bottom, active features by layer,
          the output on top. On an input whose answer is TRUE, the PLT&apos;s path climbs through a layer-1 feature, as the
          real model does; the CLT&apos;s goes from layer-0 features straight to the output. Both get the answer right, but
          only one tells the model&apos;s story.
        </p>
        <p className="tour-live">
          Shown: input {store.config.input}, answer {trueInputs(model).includes(store.config.input) ? 'TRUE' : 'FALSE'}.
        </p>
      </>
    ),
    action: {
      label: 'Show me a TRUE input',
      doneLabel: 'TRUE input shown',
      run: ({ store, model }) => {
        const list = trueInputs(model);
        const next = list.find((n) => n > store.config.input) ?? list[0];
        if (next !== undefined) store.setConfig({ input: next });
      },
      done: () => false,
      show: ({ model }) => trueInputs(model).length > 0,
    },
  },
  {
    title: 'Change how decoders are priced',
    targets: () => ['norm', 'l0-live'],
    body: ({ store }) => (
      <>
        <p>
          With the <code>concat</code> norm, a feature that writes into several layers pays for the length of all its
          decoders stacked together, which is less than the sum of their lengths: reaching far is sold at a discount. The{' '}
          <code>sum</code> norm charges each decoder in full, so skipping a layer stops being a bargain. Switching restarts
          the run: watch the live chart&apos;s dashed blue line stay above 0.
        </p>
        <p className="tour-live">Decoder norm now: {store.config.norm}. {runState(store)}</p>
        <p className="tour-live">{layerOneL0()}</p>
      </>
    ),
    action: {
      label: 'Show me: switch to sum',
      doneLabel: 'Norm is sum',
      run: ({ store }) => store.setConfig({ norm: 'sum' }),
      done: ({ store }) => store.config.norm === 'sum',
    },
  },
  {
    title: 'Watch it hold on to layer 1',
    targets: () => ['l0-live', 'metric-clt-l0-1', 'view-curves'],
    body: ({ store }) => (
      <>
        <p>
          Wait for <b>done</b> again. Under <code>sum</code> the CLT keeps some layer-1 features firing (in our calibration
          runs, every seed ended with a layer-1 L0 between about 0.75 and 1.25), so its account of the model goes through
          the middle step again. Cut the hand-off once more to test it, or try other seeds.
        </p>
        <p className="tour-live">{runState(store)}</p>
        <p className="tour-live">{layerOneL0()}</p>
      </>
    ),
    action: {
      label: 'Show me: cut the hand-off again',
      doneLabel: 'Hand-off cut',
      show: ({ handOff }) => handOff !== null,
      run: ({ store, handOff }) => {
        if (handOff && !hasCut(store, handOff.dims)) store.toggleCut(handOff.dims, 1);
      },
      done: ({ store, handOff }) => handOff !== null && hasCut(store, handOff.dims),
    },
  },
];

/** Keeps the dialog in the corner that covers least of what the step asks the reader to look at. */
function useCorner(dialog: RefObject<HTMLDivElement | null>, targets: string[]): Corner {
  const [corner, setCorner] = useState<Corner>('br');
  const key = targets.join('|');
  useLayoutEffect(() => {
    const place = () => {
      const el = dialog.current;
      if (!el) return;
      const rects = key.split('|').flatMap((id) => {
        const t = find(id);
        return t ? [t.getBoundingClientRect()] : [];
      });
      const box = el.getBoundingClientRect();
      setCorner(bestCorner(rects, box.width, box.height, window.innerWidth, window.innerHeight));
    };
    place();
    const timer = window.setInterval(place, 300);
    return () => window.clearInterval(timer);
  }, [dialog, key]);
  return corner;
}

function hasCut(store: Store, dims: readonly number[]): boolean {
  const want = [...dims].sort((a, b) => a - b).join(',');
  return store.config.cuts.some((c) => c.layer === 1 && [...c.dims].sort((a, b) => a - b).join(',') === want);
}

/** The dims handed into layer 1, as the diagram's widest cut button takes them. */
function layerOneHandOff(model: BaseModel): TourContext['handOff'] {
  const dims = handOffs(model).filter((o) => o.layer === 1).map((o) => o.dim);
  return dims.length > 0 ? { dims, testId: cutTestId(model, dims, 1) } : null;
}

function find(testId: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(testId)}"]`);
}

/** Outlines the step's targets while it is shown; targets that mount later (lazy views) are picked up. */
function useOutline(targets: string[]): void {
  const key = targets.join('|');
  useEffect(() => {
    if (!key) return;
    const ids = key.split('|');
    const marked = new Set<HTMLElement>();
    let scrolled = false;
    const mark = () => {
      for (const id of ids) {
        const el = find(id);
        if (!el || marked.has(el)) continue;
        el.classList.add('tour-target');
        marked.add(el);
        if (!scrolled) {
          scrolled = true;
          el.scrollIntoView({ block: 'center', behavior: window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
        }
      }
    };
    mark();
    const timer = window.setInterval(mark, 400);
    return () => {
      window.clearInterval(timer);
      for (const el of marked) el.classList.remove('tour-target');
    };
  }, [key]);
}

/** The header's Tour button and, while open, the tour dialog. */
export function Tour() {
  const [index, setIndex] = useState<number | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const open = index !== null;
  const close = () => {
    setIndex(null);
    opener.current?.focus();
  };
  return (
    <>
      <button ref={opener} type="button" className="tour-start" data-testid="tour-start" aria-haspopup="dialog" aria-expanded={open}
        onClick={() => (open ? close() : setIndex(0))}>
        Tour
      </button>
      {index !== null && <TourDialog index={index} onStep={setIndex} onClose={close} />}
    </>
  );
}

/** The open tour; it alone subscribes to the whole store, and only while open. */
function TourDialog({ index, onStep, onClose }: { index: number; onStep: (i: number) => void; onClose: () => void }) {
  const store = useStore();
  const model = useModel();
  const dialog = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const ctx: TourContext = { store, model, handOff: layerOneHandOff(model) };
  const step = STEPS[index];
  const targets = step.targets(ctx);
  useOutline(targets);
  const corner = useCorner(dialog, targets);
  // Numbers the tour reads off the page (effect recall) change after the views render: look again now and then.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), 500);
    return () => window.clearInterval(timer);
  }, []);
  const go = (i: number) => onStep(Math.max(0, Math.min(STEPS.length - 1, i)));
  /** Runs a button's action; a button that the action disables hands the focus to the dialog, not the page. */
  const keepFocus = (e: MouseEvent<HTMLButtonElement>, act: () => void, disables: boolean) => {
    const had = document.activeElement === e.currentTarget;
    act();
    if (had && disables) dialog.current?.focus();
  };
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  // Focus moves into the dialog when it opens; Esc closes it from anywhere on the page.
  useEffect(() => {
    dialog.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeRef.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const action = step.action && (step.action.show?.(ctx) ?? true) ? step.action : (step.alternative ?? null);
  const done = action ? action.done(ctx) : false;
  return (
    <div
      ref={dialog}
      className={`tour tour-${corner}`}
      data-corner={corner}
      role="dialog"
      aria-modal="false"
      aria-labelledby={titleId}
      data-testid="tour"
      data-value={index}
      tabIndex={-1}
      onKeyDown={(e) => {
        const tag = (e.target as HTMLElement).tagName;
        if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
        if (e.key === 'ArrowRight') go(index + 1);
        else if (e.key === 'ArrowLeft') go(index - 1);
      }}
    >
      <p className="tour-count">
        Step {index + 1} of {STEPS.length}
      </p>
      <h2 id={titleId}>{step.title}</h2>
      <div className="tour-body">{step.body(ctx)}</div>
      {action && (
        <button type="button" className="tour-do" data-testid="tour-do" disabled={done} onClick={(e) => keepFocus(e, () => action.run(ctx), true)}>
          {done ? <><CheckIcon /> {action.doneLabel}</> : action.label}
        </button>
      )}
      <div className="tour-nav">
        <button type="button" data-testid="tour-back" onClick={(e) => keepFocus(e, () => go(index - 1), index === 1)} disabled={index === 0}>
          ← Back
        </button>
        <button type="button" data-testid="tour-next" onClick={(e) => keepFocus(e, () => go(index + 1), index === STEPS.length - 2)}
          disabled={index === STEPS.length - 1}>
          Next →
        </button>
        <button type="button" data-testid="tour-close" onClick={onClose} aria-label="Close the tour">
          Close
        </button>
      </div>
      <p className="tour-keys">← → step · Esc closes</p>
    </div>
  );
}
