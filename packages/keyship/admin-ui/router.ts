/**
 * Hash routes: `#/` (overview), `#/users`, `#/users/<id>`, `#/audit`, with list filters in the
 * hash's query (`#/audit?outcome=failure`), so the server serves one page and a reload or the
 * back button keeps the view.
 * @module
 */

/** Where the console is. */
export type Route =
  | { readonly page: "overview"; readonly query: URLSearchParams }
  | { readonly page: "users"; readonly query: URLSearchParams }
  | { readonly page: "user"; readonly id: string; readonly query: URLSearchParams }
  | { readonly page: "audit"; readonly query: URLSearchParams }
  | { readonly page: "not-found"; readonly query: URLSearchParams };

/** Reads a route from a hash such as `#/users/u123?tab=x`. */
export function parseRoute(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?", 2);
  const query = new URLSearchParams(search);
  const parts = path.split("/").filter((part) => part !== "");
  if (parts.length === 0) return { page: "overview", query };
  if (parts[0] === "users" && parts.length === 1) return { page: "users", query };
  if (parts[0] === "users" && parts.length === 2) {
    return { page: "user", id: decodeURIComponent(parts[1] as string), query };
  }
  if (parts[0] === "audit" && parts.length === 1) return { page: "audit", query };
  return { page: "not-found", query };
}

/**
 * The hash of a page with a query; empty values are left out.
 * @example href("/audit", { outcome: "failure" }) // "#/audit?outcome=failure"
 */
export function href(
  path: string,
  query: Readonly<Record<string, string | undefined>> = {},
): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return `#${path}${text === "" ? "" : `?${text}`}`;
}

/**
 * Goes to another page and waits until the console has started drawing it, so that a message
 * shown afterwards is not cleared by the navigation.
 * @param hash the page's hash, e.g. `href("/users")`
 */
export function goTo(hash: string): Promise<void> {
  if (location.hash === hash) return Promise.resolve();
  return new Promise((resolve) => {
    window.addEventListener("hashchange", () => resolve(), { once: true });
    location.hash = hash;
  });
}

/** The hash of a user's page. */
export function userHref(id: string): string {
  return `#/users/${encodeURIComponent(id)}`;
}

/** The named values of a query, with missing ones left out. */
export function pick<K extends string>(
  query: URLSearchParams,
  names: readonly K[],
): { [P in K]?: string } {
  const out: { [P in K]?: string } = {};
  for (const name of names) {
    const value = query.get(name);
    if (value !== null && value !== "") out[name] = value;
  }
  return out;
}
