/** Status, transport (play/pause/step/reset), speed and share: the run's one-line cockpit. */
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { useStore } from '../state/store.ts';
import type { RunController } from '../state/runner.ts';

const SPEEDS = [
  { value: 1, label: 'full speed' },
  { value: 0.25, label: '¼ speed' },
  { value: 0.05, label: '1/20 speed' },
];

export function RunBar({ runner }: { runner: RunController }) {
  const status = useStore((s) => s.status);
  const step = useStore((s) => s.step);
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
    const url = window.location.href;
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
        step <b data-testid="step" data-value={step}>{step.toLocaleString()}</b> / {steps.toLocaleString()}
      </span>
      <progress max={steps} value={step} aria-label="training progress" />
      <span className="engine" title="the engine that trains this run">
        engine <b data-testid="engine" data-value={engine}>{engine}</b>
      </span>
      <button ref={play} data-testid="play" onClick={(e) => press(e, () => runner.play())} disabled={running || status === 'done'}>
        ▶ play
      </button>
      <button ref={pause} data-testid="pause" onClick={(e) => press(e, () => runner.pause())} disabled={!running}>
        ❚❚ pause
      </button>
      <button ref={once} data-testid="step-once" onClick={(e) => press(e, () => runner.stepBy(100))} disabled={running || status === 'done'} title="train 100 steps">
        +100 steps
      </button>
      <button ref={reset} data-testid="reset" onClick={(e) => press(e, () => runner.reset())}>
        ↺ reset
      </button>
      <label className="speed">
        <span className="sr-only">speed</span>
        <select data-testid="speed" value={speed} onChange={(e) => runner.setSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <button data-testid="share" onClick={share} title="copy a link that replays this experiment">
        🔗 share
      </button>
      {shareUrl && (
        <span className="share-out">
          <input data-testid="share-url" readOnly value={shareUrl} aria-label="share link" onFocus={(e) => e.target.select()} />
          <small>{copied ? 'copied' : 'copy it from here'}</small>
        </span>
      )}
    </div>
  );
}
