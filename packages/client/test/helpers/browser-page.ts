/**
 * The browser around the SDK, for tests in Node that drive provider round trips against a real
 * keyship server: the address bar (`location`, `history.replaceState`), a cookie jar on `fetch`
 * (the flow cookie of a link start comes back on the callback), and navigation that follows
 * redirects the way a browser does. The app's origin (`appOrigin`) is served by the keyship
 * server at `serverUrl`, as the scaffold's proxy serves `/auth` on the app's origin.
 */

import { vi } from "vitest";

/** A page of the app, with the browser's navigation. */
export interface TestBrowser {
  /** The address bar. */
  url(): URL;
  /** Puts `url` (a path of the app, or an absolute URL) in the address bar, as a page load does. */
  open(url: string): void;
  /** The URLs the SDK sent the browser to with `location.assign()`, oldest first. */
  readonly assigned: string[];
  /**
   * Goes to the last assigned URL and follows its redirects (through the provider and keyship's
   * callback) until a page of the app, which it opens.
   * @returns the status of the answer that was not a redirect
   */
  followAssigned(): Promise<number>;
  /** Requests sent with `fetch` (by the SDK) or by navigation, as `METHOD path`. */
  readonly requests: string[];
  /** Restores the real globals. */
  close(): void;
}

const realFetch = globalThis.fetch;

/**
 * Installs the browser's globals for a page on `appOrigin`.
 * @param origins the app's origin and the server that answers it
 */
export function installBrowser(origins: { appOrigin: string; serverUrl: string }): TestBrowser {
  const { appOrigin, serverUrl } = origins;
  let current = new URL("/", appOrigin);
  const assigned: string[] = [];
  const requests: string[] = [];
  const jar = new Map<string, Map<string, string>>();

  /** `fetch` with the jar's cookies, the app's origin answered by the server. */
  async function browserFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const url = new URL(request.url);
    requests.push(`${request.method} ${url.pathname}`);
    const cookies = jar.get(url.origin) ?? new Map<string, string>();
    const headers = new Headers(request.headers);
    if (cookies.size > 0)
      headers.set("cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const target = url.origin === appOrigin ? new URL(url.pathname + url.search, serverUrl) : url;
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const response = await realFetch(target, {
      method: request.method,
      headers,
      body,
      redirect: request.redirect,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const [name = "", ...value] = pair.split("=");
      const isExpired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (isExpired) cookies.delete(name.trim());
      else cookies.set(name.trim(), value.join("="));
    }
    jar.set(url.origin, cookies);
    return response;
  }

  const location = {
    get href() {
      return current.href;
    },
    get origin() {
      return current.origin;
    },
    get pathname() {
      return current.pathname;
    },
    get search() {
      return current.search;
    },
    get hash() {
      return current.hash;
    },
    assign(url: string) {
      assigned.push(new URL(url, current).href);
    },
  };
  const history = {
    state: null,
    replaceState(_state: unknown, _unused: string, url: string) {
      current = new URL(url, current);
    },
  };
  vi.stubGlobal("location", location);
  vi.stubGlobal("history", history);
  vi.stubGlobal("fetch", browserFetch);

  return {
    url: () => new URL(current.href),
    open(url) {
      current = new URL(url, appOrigin);
    },
    assigned,
    requests,
    async followAssigned() {
      let url = new URL(assigned.at(-1) ?? "");
      for (let hop = 0; hop < 10; hop++) {
        const isAppPage = url.origin === appOrigin && !url.pathname.startsWith("/auth/");
        if (isAppPage) {
          current = url;
          return 200;
        }
        const response = await browserFetch(url, { redirect: "manual" });
        const next = response.headers.get("location");
        await response.body?.cancel();
        if (next === null) return response.status;
        url = new URL(next, url);
      }
      throw new Error("too many redirects");
    },
    close: () => vi.unstubAllGlobals(),
  };
}
