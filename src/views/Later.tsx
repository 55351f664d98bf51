/**
 * Mounts what lies below the fold after the first paint, one block per task (views/taskQueue.ts),
 * so no single task lays out the whole page: the first frame holds the masthead, the settings
 * and the story; each later block arrives in a task of its own, in page order.
 */
import { startTransition, useEffect, useState, type ReactNode } from 'react';
import { afterPaint } from './taskQueue.ts';

/** What a block not yet mounted holds open, so the page below it does not jump as much when it arrives. */
const PLACEHOLDER_PX = 300;

export function Later({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState(false);
  // After the next frame: the first paint comes first.
  useEffect(() => afterPaint(() => startTransition(() => setShown(true))), []);
  return shown ? <>{children}</> : <div className="later" style={{ minHeight: PLACEHOLDER_PX }} aria-hidden="true" />;
}
