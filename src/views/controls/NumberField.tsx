import { useEffect, useId, useRef, useState } from 'react';
import { BOUNDS, checkBound, type NumericKey } from '../../core/config.ts';
import { rangeText } from './rangeText.ts';
import './field.css';

interface Props {
  label: string;
  boundKey: NumericKey;
  value: number;
  testId: string;
  step?: string;
  title?: string;
  onCommit: (v: number) => void;
}

/**
 * A number input that commits a valid value on Enter, on blur, or after a short pause in
 * typing; an invalid one is shown with its reason and never applied. Its bounds come from
 * BOUNDS and show beside the label, so nobody has to guess them.
 */
export function NumberField({ label, boundKey, value, testId, step = 'any', title, onCommit }: Props) {
  const [text, setText] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  // A typed value waiting for its pause; exposed as data-pending so tests can wait for it to settle.
  const [pending, setPending] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const id = useId();
  const bound = BOUNDS[boundKey];
  // `min` is also the spinner arrows' step base; where it is off the step grid (steps: min 1,
  // step 1000) the arrows would go 15 000 → 15 001, so the attribute stays off and the hint says it.
  const stepSize = Number(step);
  const minAttr = Number.isFinite(stepSize) && bound.min % stepSize !== 0 ? undefined : bound.min;

  useEffect(() => setText(String(value)), [value]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const commit = (raw: string) => {
    window.clearTimeout(timer.current);
    setPending(false);
    const v = Number(raw);
    const why = raw.trim() === '' ? `${boundKey} needs a value` : checkBound(boundKey, v);
    setProblem(why);
    if (!why && v !== value) onCommit(v);
  };

  return (
    <div className="field" title={title}>
      <span className="field-head">
        <label htmlFor={`${id}-input`}>{label}</label>
        <small className="field-range" id={`${id}-range`} data-testid={`${testId}-range`}>
          {rangeText(bound.min, bound.max)}
        </small>
      </span>
      <input
        id={`${id}-input`}
        type="number"
        data-testid={testId}
        value={text}
        step={step}
        min={minAttr}
        max={bound.max}
        aria-describedby={problem ? `${id}-range ${id}-problem` : `${id}-range`}
        aria-invalid={problem ? true : undefined}
        data-pending={pending}
        onChange={(e) => {
          setText(e.target.value);
          window.clearTimeout(timer.current);
          const raw = e.target.value;
          setPending(true);
          timer.current = window.setTimeout(() => commit(raw), 500);
        }}
        onBlur={(e) => commit(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && commit((e.target as HTMLInputElement).value)}
      />
      {problem && (
        <small className="field-problem" id={`${id}-problem`} role="alert">
          {problem}
        </small>
      )}
    </div>
  );
}
