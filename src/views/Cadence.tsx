/**
 * Heavy views redraw on their own cadence while a run trains, each in its own task and out of
 * phase with the others, and not at all while scrolled out of sight; when training stops they
 * catch up one by one. Anything but a new snapshot (highlight, config, cuts) shows at once.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useStore } from '../state/store.ts';
import type { ViewProps } from './types.ts';

interface Props {
  props: ViewProps;
  /** Milliseconds between redraws while training. */
  period: number;
  /** Offset of this view's redraws within the period. */
  phase: number;
  /** Spans the whole grid row. */
  wide?: boolean;
  render: (p: ViewProps) => ReactNode;
}

export function Cadence({ props, period, phase, wide, render }: Props) {
  const training = useStore((s) => s.status === 'training' && s.scrubStep === null);
  const [shown, setShown] = useState(props);
  const latest = useRef(props);
  latest.current = props;
  const box = useRef<HTMLDivElement>(null);
  const visible = useRef(true);

  useEffect(() => {
    const el = box.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => {
      visible.current = entries.some((e) => e.isIntersecting);
      if (visible.current) setShown(latest.current);
    });
    io.observe(el);
    return () => io.disconnect();
  }, []);

  useEffect(() => {
    let timer = 0;
    if (!training) {
      timer = window.setTimeout(() => setShown(latest.current), phase);
      return () => window.clearTimeout(timer);
    }
    const tick = () => {
      if (visible.current) setShown(latest.current);
      timer = window.setTimeout(tick, period);
    };
    timer = window.setTimeout(tick, phase);
    return () => window.clearTimeout(timer);
  }, [training, period, phase]);

  // The same element while nothing it shows has changed, so React skips the view entirely
  // on the store updates that stream in between its redraws. `render` is an inline arrow
  // that always draws the same view, so it is left out of the dependencies on purpose.
  const { model, config, layouts, highlight, onHighlight } = props;
  const child = useMemo(
    () => render({ model, config, layouts, highlight, onHighlight, snapshot: shown.snapshot, history: shown.history }),
    [model, config, layouts, highlight, onHighlight, shown.snapshot, shown.history],
  );
  return (
    <div ref={box} className={`cadence${wide ? ' wide' : ''}`}>
      {child}
    </div>
  );
}
