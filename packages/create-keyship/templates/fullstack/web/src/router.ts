/** A tiny router over the History API: `useRoute()` and `navigate()`. */
import { useSyncExternalStore } from "react";

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

/** Goes to `path` without reloading the page. */
export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, "", path);
  for (const listener of listeners) listener();
}

/** The current path, re-rendering on navigation. */
export function useRoute(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}
