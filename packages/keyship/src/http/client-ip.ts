/**
 * The client's IP address, for rate limits.
 * @module
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/** The key used when no address is known (e.g. `app.request()` in tests, other runtimes). */
export const UNKNOWN_CLIENT = "unknown";

/**
 * The caller's IP address. By default the Node socket's peer address; with `trustProxy`, the
 * last `X-Forwarded-For` entry (the one the proxy in front of us appended). Never trust the
 * header without a proxy that sets it: any client can send one.
 *
 * @param c the request context
 * @param trustProxy whether a proxy in front of keyship sets `X-Forwarded-For`
 * @returns the address, or {@link UNKNOWN_CLIENT}
 * @example await assertAllowed(limiter, clientIp(c, settings.trustProxy), "login");
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? UNKNOWN_CLIENT;
  } catch {
    // Not served by @hono/node-server (app.request(), another runtime): no socket to read.
    return UNKNOWN_CLIENT;
  }
}
