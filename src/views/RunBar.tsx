/** Status, transport (play/pause/step/reset), speed and share: the run's one-line cockpit. */
import { useState } from 'react';
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
    <div className="runbar" role="toolbar" aria-label="Run controls">
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
      <button data-testid="play" onClick={() => runner.play()} disabled={running || status === 'done'}>
        ▶ play
      </button>
      <button data-testid="pause" onClick={() => runner.pause()} disabled={!running}>
        ❚❚ pause
      </button>
      <button data-testid="step-once" onClick={() => runner.stepBy(100)} disabled={running || status === 'done'} title="train 100 steps">
        +100 steps
      </button>
      <button data-testid="reset" onClick={() => runner.reset()}>
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
