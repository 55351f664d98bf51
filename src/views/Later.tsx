/**
 * Mounts what lies below the fold after the first paint, one block per frame (views/taskQueue.ts
 * frameLine), so no frame lays out more than one of them: the first frame holds the masthead, the
 * settings and the story; each later block arrives, in page order, once the one before it has
 * committed and a frame has painted since. The lazy views' arrivals share the line, ahead of it.
 */
import { startTransition, useEffect, useState, type ReactNode } from 'react';
import { pageLine } from './taskQueue.ts';

/** What a block not yet mounted holds open, so the page below it does not jump as much when it arrives. */
const PLACEHOLDER_PX = 300;

export function Later({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(false);
  // The cleanup leaves the line: once the block has committed (shown changed), or on unmount.
  useEffect(() => (shown ? undefined : pageLine.join(() => startTransition(() => setShown(true)))), [shown]);
  return shown ? <>{children}</> : <div className="later" style={{ minHeight: PLACEHOLDER_PX }} aria-hidden="true" />;
}
