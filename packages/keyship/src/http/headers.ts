/**
 * Request header reads for the per-request hot path.
 *
 * `c.req.header()` under `@hono/node-server` builds a Fetch-style headers view and validates
 * the name on each call; Node has already parsed the headers into `incoming.headers`, so the
 * few headers keyship reads on every request are taken from there when the app is served by
 * Node, and from `c.req.header()` otherwise (`app.request()`, other runtimes).
 * @module
 */
import type { Context } from "hono";
import { nodeIncomingOf } from "./node.ts";

/**
 * A request header that Node joins like the Fetch API does when repeated (`a, b`): any
 * header but the singletons Node keeps only once (`authorization`, `content-type`, `host`,
 * …), `cookie` and `set-cookie`. Undefined when absent.
 * @param name the header name, lowercase
 */
export function joinedHeader(c: Context, name: Lowercase<string>): string | undefined {
  const incoming = nodeIncomingOf(c);
  if (incoming === undefined) return c.req.header(name);
  const value = incoming.headers[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * The `Authorization` header. Node keeps only the first of repeated `Authorization` fields;
 * like the Fetch API, this joins them (`a, b`) instead, so a request carrying two credentials
 * is refused rather than judged by the first one.
 */
export function authorizationHeader(c: Context): string | undefined {
  const incoming = nodeIncomingOf(c);
  if (incoming === undefined) return c.req.header("authorization");
  const first = incoming.headers.authorization;
  if (typeof first !== "string") return undefined;
  const raw = incoming.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 13 && name.toLowerCase() === "authorization" && ++seen > 1) {
      return c.req.header("authorization"); // the joined value
    }
  }
  return first;
}

/** Whether the request carries the header at all (any value, repeated or not). */
export function hasRequestHeader(c: Context, name: Lowercase<string>): boolean {
  const incoming = nodeIncomingOf(c);
  return incoming === undefined
    ? c.req.header(name) !== undefined
    : incoming.headers[name] !== undefined;
}
