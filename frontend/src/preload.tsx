import { lazy } from 'react';
import type { ComponentType } from 'react';

/**
 * lazyPreloaded is React.lazy for a route whose code may be fetched before it is first rendered: once
 * preload() has resolved, the route renders its module at once instead of suspending. (A lazy component
 * always suspends on its first render, and React then holds the reveal of the Suspense boundary for up to
 * 300 ms so as not to flash the fallback: on the board, that wait came after the session check, before
 * the board's own request.)
 */
export function lazyPreloaded<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<{ default: ComponentType<P> }> | null = null;
  const preload = () => {
    pending ??= load().then((m) => {
      loaded = m.default;
      return m;
    });
    return pending;
  };
  const Lazy = lazy(preload);
  function Route(props: P) {
    const Loaded = loaded;
    return Loaded === null ? <Lazy {...props} /> : <Loaded {...props} />;
  }
  return { Route, preload };
}
