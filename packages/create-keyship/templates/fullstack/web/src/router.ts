/**
 * A tiny router over the History API (`useRoute()` and `navigate()`), the token of an emailed
 * link (`useLinkToken()`), and `useSubmit()`, the busy and error state of a form.
 */
import { useState, useSyncExternalStore } from "react";
import { messageOf } from "./keyship.ts";

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

function linkToken(): string {
  const fragment = new URLSearchParams(window.location.hash.slice(1)).get("token");
  return fragment ?? new URLSearchParams(window.location.search).get("token") ?? "";
}

function subscribeToHash(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

/**
 * The token of the emailed link that opened this page ("" without one): keyship puts it in the
 * fragment (`/confirm-email#token=…`), out of server logs and `Referer`; `?token=` works too.
 * A link opened over the same page (only the fragment changes) is read as well.
 */
export function useLinkToken(): string {
  return useSyncExternalStore(subscribeToHash, linkToken);
}

/** What {@link useSubmit} gives a form. */
export interface Submit {
  /** True while an action runs: disable the buttons. */
  readonly busy: boolean;
  /** The last action's error, as a sentence for people; "" without one. */
  readonly error: string;
  readonly setError: (message: string) => void;
  /** Runs `action`, busy meanwhile; a failure becomes `error`. */
  readonly run: (action: () => Promise<unknown>) => Promise<void>;
}

/** The busy and error state of a form whose buttons run keyship calls. */
export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError("");
    try {
      await action();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
