/**
 * A six-step guided tour of the finding, in a small non-modal dialog: each step scrolls its
 * targets into view and outlines them, and some offer to do the step for the reader.
 */
import { useEffect, useId, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import type { BaseModel } from '../core/model/baseModel.ts';
import { shownSnapshot, useStore, type Store } from '../state/store.ts';
import { useModel } from '../state/useModel.ts';
import { cutTestId, handOffs } from './ModelDiagram.tsx';
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
}

/** The CLT's and PLT's L0 at layer 1 in the shown snapshot, as text. */
function layerOneL0(s: Store): string {
  const snap = shownSnapshot(s);
  if (!snap) return 'no snapshot yet';
  const parts = snap.members.map((m) => `${m.kind.toUpperCase()} ${m.metrics.l0[1] === undefined ? '—' : m.metrics.l0[1].toFixed(2)}`);
  return `layer-1 L0 at step ${snap.step}: ${parts.join(', ')}`;
}

function runState(s: Store): string {
  return `Status: ${s.status}, step ${s.step.toLocaleString()} of ${s.config.steps.toLocaleString()}.`;
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
      run: ({ store }) => store.setConfig({ circuit: '', cuts: [], input: 0 }),
      done: ({ store }) => store.config.circuit === '' && !store.uploadedModel,
    },
  },
  {
    title: 'Watch layer 1 go quiet',
    targets: () => ['metric-clt-l0-1', 'view-curves'],
    body: ({ store }) => (
      <>
        <p>
          L0 counts the features that fire per input. The sparsity penalty charges every feature by the size of its
          decoders, and a CLT feature in layer 0 can write the final answer directly. So the CLT finds it cheaper to do
          all the work in layer 0: its layer-1 L0 falls to <b>0</b> while the PLT&apos;s stays near 1. Outlined: the
          metric cell and the training curves.
        </p>
        <p className="tour-live">{layerOneL0(store)}</p>
      </>
    ),
  },
  {
    title: 'Cut the hand-off',
    targets: ({ handOff }) => [...(handOff ? [handOff.testId] : []), 'view-interventions'],
    body: ({ model, handOff }) =>
      handOff ? (
        <p>
          In the real model, layer 1 reads {handOff.dims.map((d) => model.dimNames[d]).join(', ')} from layer 0. Cutting
          that hand-off breaks the real model&apos;s answer. A faithful replacement should break the same way under the same
          cut. Then compare the agreement figures: the PLT follows the broken model, while the CLT, which never used layer
          1, keeps answering as before.
        </p>
      ) : (
        <p>This model has no hand-off into layer 1, so there is nothing to cut here.</p>
      ),
    action: {
      label: 'Cut it for me',
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
    body: () => (
      <p>
        An attribution graph follows one input through a replacement: inputs at the bottom, active features by layer,
        the output on top. Pick an input whose answer is TRUE. The PLT&apos;s path climbs through a layer-1 feature, as the
        real model does; the CLT&apos;s goes from layer-0 features straight to the output. Both get the answer right, but only
        one tells the model&apos;s story.
      </p>
    ),
  },
  {
    title: 'Change how decoders are priced',
    targets: () => ['norm'],
    body: ({ store }) => (
      <>
        <p>
          With the <code>concat</code> norm, a feature that writes into several layers pays for the length of all its
          decoders stacked together, which is less than the sum of their lengths: reaching far is sold at a discount. The{' '}
          <code>sum</code> norm charges each decoder in full, so skipping a layer stops being a bargain. Switching restarts
          the run.
        </p>
        <p className="tour-live">Decoder norm now: {store.config.norm}.</p>
      </>
    ),
    action: {
      label: 'Switch to sum',
      doneLabel: 'Norm is sum',
      run: ({ store }) => store.setConfig({ norm: 'sum' }),
      done: ({ store }) => store.config.norm === 'sum',
    },
  },
  {
    title: 'Watch it hold on to layer 1',
    targets: () => ['metric-clt-l0-1', 'view-curves'],
    body: ({ store }) => (
      <>
        <p>
          Wait for <b>done</b> again. Under <code>sum</code> the CLT keeps some layer-1 features firing (in our calibration
          runs, every seed ended with a layer-1 L0 between about 0.75 and 1.25), so its account of the model goes through
          the middle step again. Cut the hand-off once more to test it, or try other seeds.
        </p>
        <p className="tour-live">{runState(store)}</p>
        <p className="tour-live">{layerOneL0(store)}</p>
      </>
    ),
  },
];

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
  useOutline(step.targets(ctx));
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

  const action = step.action && (step.action.show?.(ctx) ?? true) ? step.action : null;
  const done = action ? action.done(ctx) : false;
  return (
    <div
      ref={dialog}
      className="tour"
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
          {done ? `✓ ${action.doneLabel}` : action.label}
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
