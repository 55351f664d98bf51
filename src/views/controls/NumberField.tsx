import { useEffect, useRef, useState } from 'react';
import { checkBound, type NumericKey } from '../../core/config.ts';

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
 * typing; an invalid one is shown with its reason and never applied.
 */
export function NumberField({ label, boundKey, value, testId, step = 'any', title, onCommit }: Props) {
  const [text, setText] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => setText(String(value)), [value]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const commit = (raw: string) => {
    window.clearTimeout(timer.current);
    const v = Number(raw);
    const why = raw.trim() === '' ? `${boundKey} needs a value` : checkBound(boundKey, v);
    setProblem(why);
    if (!why && v !== value) onCommit(v);
  };

  return (
    <label className="field" title={title}>
      <span>{label}</span>
      <input
        type="number"
        data-testid={testId}
        value={text}
        step={step}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => {
          setText(e.target.value);
          window.clearTimeout(timer.current);
          const raw = e.target.value;
          timer.current = window.setTimeout(() => commit(raw), 500);
        }}
        onBlur={(e) => commit(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && commit((e.target as HTMLInputElement).value)}
      />
      {problem && <small className="field-problem" role="alert">{problem}</small>}
    </label>
  );
}
