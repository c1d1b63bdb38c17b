/**
 * The public origin a DBSC request came to, and the registration offer at the end of a
 * cookie-mode sign-in.
 *
 * The origin is always one of the configured HTTPS origins, never the raw `Host` header.
 * Behind a TLS-terminating proxy, `X-Forwarded-Proto` and `X-Forwarded-Host` name it, but only
 * with `trustProxy` (any client can send them). The offer is the `Secure-Session-Registration`
 * header, sent when DBSC is on and the request came to such an origin; a browser without DBSC
 * ignores it and keeps a plain cookie session.
 * @module
 */
import type { Context } from "hono";
import type { SessionRuntime } from "../sessions/runtime.ts";
import { registrationChallenge } from "./challenge.ts";
import { registrationHeader } from "./instructions.ts";
import type { DbscRuntime } from "./runtime.ts";

/** The last entry of a forwarded header (the one the proxy in front of us set or appended). */
function lastForwarded(c: Context, name: "x-forwarded-proto" | "x-forwarded-host") {
  const value = c.req.header(name)?.split(",").at(-1)?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/**
 * The configured HTTPS origin the request was made to, or undefined when it was made to none
 * (plain http, an internal host name, an untrusted forwarded header): DBSC is then not offered.
 * @param c the request
 * @param dbsc the configured origins and `trustProxy`
 * @example const origin = dbscOrigin(c, ctx.sessions.dbsc); // "https://app.example.com"
 */
export function dbscOrigin(c: Context, dbsc: DbscRuntime): string | undefined {
  const url = new URL(c.req.url);
  let scheme = url.protocol.slice(0, -1);
  let host = url.host;
  if (dbsc.trustProxy) {
    scheme = lastForwarded(c, "x-forwarded-proto") ?? scheme;
    host = lastForwarded(c, "x-forwarded-host") ?? host;
  }
  let origin: string;
  try {
    origin = new URL(`${scheme.toLowerCase()}://${host}`).origin;
  } catch {
    return undefined;
  }
  return dbsc.origins.find((o) => o === origin);
}

/**
 * Adds `Secure-Session-Registration` to a sign-in's answer that set the session cookies of
 * `sessionId`, if DBSC may run here.
 * @param c the sign-in request
 * @param sessions the cookie policy and the DBSC runtime
 * @param sessionId the session just started
 */
export function offerDbscRegistration(
  c: Context,
  sessions: Pick<SessionRuntime, "cookies" | "dbsc">,
  sessionId: string,
): void {
  const { dbsc, cookies } = sessions;
  if (!dbsc.enabled || !cookies.secure) return;
  const origin = dbscOrigin(c, dbsc);
  if (origin === undefined) return;
  const challenge = registrationChallenge(dbsc, sessionId);
  c.header("Secure-Session-Registration", registrationHeader(origin, challenge));
}
