/** Status, transport (play/pause/step/reset), speed and share: the run's one-line cockpit. */
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { currentLink } from '../state/link.ts';
import { useStore } from '../state/store.ts';
import { snapshotLane } from '../state/snapshots.ts';
import type { RunController } from '../state/runner.ts';
import type { Pace } from '../state/pace.ts';
import { LinkIcon, PauseIcon, PlayIcon, ResetIcon } from './icons.tsx';

const SPEEDS: { value: Pace; label: string }[] = [
  { value: 'watch', label: 'watch pace' },
  { value: 1, label: 'full speed' },
  { value: 0.25, label: '¼ speed' },
  { value: 0.05, label: '1/20 speed' },
];

/** The page's link, plus the scrubbed step (`at`) when the reader has travelled back. */
function shareLink(): string {
  const url = new URL(window.location.href);
  const shown = useStore.getState().scrubStep === null ? null : snapshotLane.getState().shown;
  if (!shown) return url.href;
  return `${url.origin}${url.pathname}${url.search}#${currentLink(shown.step)}`;
}

/** Milliseconds between step read-outs while training. */
const STEP_MS = 250;

/** The run's step: the lane's live snapshot while it streams, else the last status event's. */
function currentStep(): number {
  return Math.max(useStore.getState().step, snapshotLane.getState().live?.step ?? 0);
}

/**
 * Writes the step to the read-out and the progress bar straight from the lane, a few times a
 * second, so React never renders on it. It edits React's own text node, so a later render still
 * finds it.
 */
function useStepReadout(): { text: React.RefObject<HTMLElement | null>; bar: React.RefObject<HTMLProgressElement | null> } {
  const text = useRef<HTMLElement>(null);
  const bar = useRef<HTMLProgressElement>(null);
  useEffect(() => {
    let timer = 0;
    let last = 0;
    const write = () => {
      timer = 0;
      last = performance.now();
      const step = currentStep();
      const el = text.current;
      if (el) {
        el.setAttribute('data-value', String(step));
        if (el.firstChild instanceof Text) el.firstChild.nodeValue = step.toLocaleString();
        else el.textContent = step.toLocaleString();
      }
      if (bar.current) bar.current.value = step;
    };
    const unsubscribe = snapshotLane.subscribe((s, change) => {
      if (change !== 'frame' || !s.training) {
        if (timer) window.clearTimeout(timer);
        write();
      } else if (!timer) timer = window.setTimeout(write, Math.max(0, last + STEP_MS - performance.now()));
    });
    return () => {
      unsubscribe();
      if (timer) window.clearTimeout(timer);
    };
  }, []);
  return { text, bar };
}

export function RunBar({ runner }: { runner: RunController }) {
  const status = useStore((s) => s.status);
  // Renders on a status event (a transition); while training the step moves through useStepReadout.
  useStore((s) => s.step);
  const step = currentStep();
  const readout = useStepReadout();
  const steps = useStore((s) => s.config.steps);
  const engine = useStore((s) => s.engine);
  const speed = useStore((s) => s.speed);
  const [shareUrl, setShareUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const play = useRef<HTMLButtonElement>(null);
  const pause = useRef<HTMLButtonElement>(null);
  const once = useRef<HTMLButtonElement>(null);
  const reset = useRef<HTMLButtonElement>(null);
  // The transport button just pressed. Pressing one can disable it (pause while paused), which
  // drops the focus; for a moment after, it goes back to the first one enabled again.
  const pressed = useRef<{ button: HTMLButtonElement; at: number } | null>(null);
  const press = (e: MouseEvent<HTMLButtonElement>, act: () => void) => {
    pressed.current = document.activeElement === e.currentTarget ? { button: e.currentTarget, at: Date.now() } : null;
    act();
  };
  useEffect(() => {
    const p = pressed.current;
    const focused = document.activeElement;
    const lost = !focused || focused === document.body || (focused instanceof HTMLButtonElement && focused.disabled);
    if (!p || !lost || Date.now() - p.at > 2000) return;
    const next = [p.button, pause.current, play.current, once.current, reset.current].find((x) => x && !x.disabled);
    next?.focus({ preventScroll: true });
  }, [status]);

  const share = async () => {
    const url = shareLink();
    setShareUrl(url);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const running = status === 'training';
  return (
    <div className="runbar" role="toolbar" aria-label="Run controls"
      onBlur={(e) => {
        if (e.relatedTarget) pressed.current = null;
      }}>
      <span className={`status status-${status}`} data-testid="status" data-value={status} aria-live="polite">
        {status}
      </span>
      <span className="stepcount">
        step <b ref={readout.text} data-testid="step" data-value={step}>{step.toLocaleString()}</b> / {steps.toLocaleString()}
      </span>
      <progress ref={readout.bar} max={steps} value={step} aria-label="training progress" />
      <span className="engine" title="the engine that trains this run">
        engine <b data-testid="engine" data-value={engine}>{engine}</b>
      </span>
      <button ref={play} data-testid="play" onClick={(e) => press(e, () => runner.play())} disabled={running || status === 'done'}>
        <PlayIcon /> play
      </button>
      <button ref={pause} data-testid="pause" onClick={(e) => press(e, () => runner.pause())} disabled={!running}>
        <PauseIcon /> pause
      </button>
      <button ref={once} data-testid="step-once" onClick={(e) => press(e, () => runner.stepBy(100))} disabled={running || status === 'done'} title="train 100 steps">
        +100 steps
      </button>
      <button ref={reset} data-testid="reset" onClick={(e) => press(e, () => runner.reset())}>
        <ResetIcon /> reset
      </button>
      <label className="speed">
        <span className="sr-only">speed</span>
        <select data-testid="speed" title="watch pace: about 10 s a run, slowest while the CLT's layer 1 dies" value={String(speed)} onChange={(e) => runner.setSpeed(e.target.value === 'watch' ? 'watch' : Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s.value} value={String(s.value)}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <button data-testid="share" onClick={share} title="copy a link that replays this experiment">
        <LinkIcon /> share
      </button>
      {shareUrl && (
        <span className="share-out">
          <textarea data-testid="share-url" readOnly value={shareUrl} rows={Math.min(4, Math.ceil(shareUrl.length / 110))} aria-label="share link"
            onFocus={(e) => e.target.select()} />
          <small>{copied ? 'copied' : 'copy it from here'}</small>
        </span>
      )}
    </div>
  );
}
