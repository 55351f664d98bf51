/** Time travel: move every view back to any kept step, then back to live. */
import { useRef } from 'react';
import { useStore } from '../state/store.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';

export function Scrubber() {
  // The kept steps grow while training: the slider follows on the React clock, not per snapshot.
  const { history } = useShownSnapshot();
  const scrubStep = useStore((s) => s.scrubStep);
  const scrubTo = useStore((s) => s.scrubTo);
  const range = useRef<HTMLInputElement>(null);
  if (history.length < 2) return null;
  const last = history[history.length - 1].step;
  const index = scrubStep === null ? history.length - 1 : Math.max(0, history.findLastIndex((h) => h.step <= scrubStep));
  // Where the CLT's layer 1 died: the first kept step after which its L0 stays 0.
  let death: number | null = null;
  for (let k = history.length - 1; k >= 0; k--) {
    const l0 = history[k].members[0]?.metrics.l0;
    if (!l0 || l0.length < 2 || l0[l0.length - 1] !== 0) break;
    death = history[k].step;
  }
  return (
    <section className="scrubber" aria-label="Time travel" data-testid="scrub" data-value={history[index].step}>
      <label htmlFor="scrub">time travel</label>
      <input
        ref={range}
        id="scrub"
        type="range"
        data-testid="scrubber"
        min={0}
        max={history.length - 1}
        step={1}
        value={index}
        aria-valuetext={`step ${history[index].step}`}
        onChange={(e) => {
          const k = Number(e.target.value);
          scrubTo(k === history.length - 1 ? null : history[k].step);
        }}
      />
      <span data-testid="scrub-step" data-value={history[index].step}>
        {scrubStep === null ? 'live' : `step ${history[index].step.toLocaleString()} of ${last.toLocaleString()}`}
      </span>
      <button
        data-testid="live"
        disabled={scrubStep === null}
        onClick={(e) => {
          // This button disables itself: a keyboard user's focus goes on to the slider, not to the page.
          if (document.activeElement === e.currentTarget) range.current?.focus();
          scrubTo(null);
        }}
      >
        back to live
      </button>
      {death !== null && (
        <button data-testid="jump-collapse" className="nowrap" onClick={() => scrubTo(death)} title="the first kept step from which the CLT uses no layer-1 feature">
          show when CLT layer 1 died (step {death.toLocaleString()})
        </button>
      )}
    </section>
  );
}
