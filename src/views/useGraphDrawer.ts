/** The graph drawer a panel owns: created in its box on mount, destroyed on unmount (STYLE.md practice 12). */
import { useEffect, useRef } from 'react';
import { createGraphDrawer, type GraphDrawer } from './charts/graphDrawer.ts';

export function useGraphDrawer(): { box: React.RefObject<HTMLDivElement | null>; drawer: React.RefObject<GraphDrawer | null> } {
  const box = useRef<HTMLDivElement>(null);
  const drawer = useRef<GraphDrawer | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const d = createGraphDrawer(box.current);
    drawer.current = d;
    return () => {
      d.destroy();
      drawer.current = null;
    };
  }, []);
  return { box, drawer };
}
