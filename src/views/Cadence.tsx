/**
 * Heavy views redraw on their own cadence while a run trains, each in its own task and out of
 * phase with the others, so no single frame redraws everything. Paused, done or scrubbed: at once.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useStore } from '../state/store.ts';
import type { ViewProps } from './types.ts';

interface Props {
  props: ViewProps;
  /** Milliseconds between redraws while training. */
  period: number;
  /** Offset of this view's redraws within the period. */
  phase: number;
  render: (p: ViewProps) => ReactNode;
}

export function Cadence({ props, period, phase, render }: Props) {
  const training = useStore((s) => s.status === 'training' && s.scrubStep === null);
  const [shown, setShown] = useState(props);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    if (!training) {
      setShown(latest.current);
      return;
    }
    let timer = 0;
    const tick = () => {
      setShown(latest.current);
      timer = window.setTimeout(tick, period);
    };
    timer = window.setTimeout(tick, phase);
    return () => window.clearTimeout(timer);
  }, [training, period, phase]);

  // Anything but a new snapshot (highlight, config, cuts) shows at once.
  const current = training ? { ...props, snapshot: shown.snapshot, history: shown.history } : props;
  return <>{render(current)}</>;
}
