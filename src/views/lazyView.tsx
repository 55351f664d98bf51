/**
 * A view whose code loads after the first paint, without React `lazy` and Suspense: until the
 * code is in, the view's slot shows a placeholder; once it is in, the view renders in place
 * (a transition, in a turn of the page's frame line: views whose code arrives together still lay
 * out in frames of their own), and nothing else re-renders. Under one shared Suspense boundary each view that
 * arrived re-rendered the boundary's whole subtree, in one long task. `preload` fetches the code
 * ahead of the first render. A load that fails says so in the slot; the rest of the page stays.
 */
import { createElement, startTransition, useEffect, useRef, useState, type ComponentType } from 'react';
import { inOwnTask, pageLine } from './taskQueue.ts';

export interface LazyView<P> {
  View: ComponentType<P>;
  /** Starts loading the view's code (once; the first render starts it too). */
  preload: () => void;
}

export function lazyView<P extends object>(name: string, load: () => Promise<ComponentType<P>>): LazyView<P> {
  let code: ComponentType<P> | null = null;
  let failure: string | null = null;
  let loading: Promise<void> | null = null;
  const start = (): Promise<void> =>
    (loading ??= load().then(
      (view) => {
        code = view;
      },
      (e: unknown) => {
        failure = e instanceof Error ? e.message : String(e);
      },
    ));

  function View(props: P) {
    const [, arrived] = useState(0);
    // Rendered before the code was in: re-render once it is, even if it came between this render and
    // the effect (then the load has settled and the re-render follows at once).
    const waiting = code === null && failure === null;
    const leave = useRef<(() => void) | null>(null);
    useEffect(() => {
      if (!waiting) return;
      let live = true;
      // The import (and the preload links it adds) in a task of its own: the first commit's
      // effects would otherwise start every view on the page in one task.
      const cancel = inOwnTask(() => void start().then(() => {
        if (live) leave.current = pageLine.join(() => startTransition(() => arrived((n) => n + 1)), true);
      }));
      // Runs when the view (or its error) has committed, or the slot unmounts: the line moves on.
      return () => {
        live = false;
        cancel();
        leave.current?.();
        leave.current = null;
      };
    }, [waiting]);
    if (code) return createElement(code, props);
    if (failure) {
      return (
        <div className="banner banner-error view-load-error" role="alert" data-testid="view-load-error">
          The {name} view could not load ({failure}). Reload the page to try again; your experiment is kept in the link.
        </div>
      );
    }
    return <div className="panel loading">loading view…</div>;
  }
  View.displayName = `Lazy(${name})`;
  return { View, preload: () => void start() };
}

/** The components of a table of lazy views, by the same names. */
export function viewsOf<T extends Record<string, { View: unknown }>>(views: T): { [K in keyof T]: T[K]['View'] } {
  return Object.fromEntries(Object.entries(views).map(([k, v]) => [k, v.View])) as { [K in keyof T]: T[K]['View'] };
}
