/**
 * What keyship reads of `@hono/node-server`'s bindings (`c.env.incoming` and
 * `c.env.outgoing`, Node's request and response), in one place. Both are undefined when the
 * app is not served by Node (`app.request()`, other runtimes); callers then use Hono's API.
 * @module
 */
import type { Context } from "hono";

/** The part of Node's `IncomingMessage` keyship reads. */
export interface NodeIncoming {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawHeaders: readonly string[];
}

/** The part of Node's `ServerResponse` keyship writes. */
export interface NodeResponse {
  readonly headersSent: boolean;
  setHeader(name: string, value: string): unknown;
  hasHeader(name: string): boolean;
}

type NodeBindings = { incoming?: Partial<NodeIncoming>; outgoing?: Partial<NodeResponse> };

function bindingsOf(c: Context): NodeBindings | undefined {
  return c.env as NodeBindings | undefined;
}

/** Node's request, with headers parsed, when the app is served by Node. */
export function nodeIncomingOf(c: Context): NodeIncoming | undefined {
  const incoming = bindingsOf(c)?.incoming;
  return incoming?.headers !== undefined && Array.isArray(incoming.rawHeaders)
    ? (incoming as NodeIncoming)
    : undefined;
}

/** Node's response when the app is served by Node. */
export function nodeResponseOf(c: Context): NodeResponse | undefined {
  const outgoing = bindingsOf(c)?.outgoing;
  return typeof outgoing?.setHeader === "function" && typeof outgoing.hasHeader === "function"
    ? (outgoing as NodeResponse)
    : undefined;
}

/**
 * Sets a header on the answer. Served by Node, it goes straight onto Node's response while
 * that is not written yet: it survives whatever Response the handler returns and keeps Hono's
 * header-free fast path (measured: a `c.header()` call costs ~1.5 µs per request, mostly
 * building and copying a `Headers` object). Elsewhere (`app.request()`, other runtimes) it is
 * set with `c.header()`.
 */
export function setAnswerHeader(c: Context, name: string, value: string): void {
  setAnswerHeaders(c, [[name, value]]);
}

/**
 * Sets several headers on the answer as {@link setAnswerHeader} does, looking Node's response
 * up once for all of them.
 * @param headers name and value pairs, set in order
 */
export function setAnswerHeaders(
  c: Context,
  headers: ReadonlyArray<readonly [string, string]>,
): void {
  const node = nodeResponseOf(c);
  if (node !== undefined && !node.headersSent) {
    for (const [name, value] of headers) node.setHeader(name, value);
  } else {
    for (const [name, value] of headers) c.header(name, value);
  }
}
