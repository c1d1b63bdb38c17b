/**
 * Authentication of one keyship instance, built once: the token verifiers and their caches,
 * the CSRF check of cookie mode, the registry and the `authenticate()` middleware over it.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { requestAuditLog } from "../audit/request.ts";
import type { KeyshipContext } from "../context.ts";
import { createDeviceTokenVerifier, type DeviceTokenVerifier } from "../devices/verifier.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { type CsrfCheck, createCsrfCheck } from "../sessions/csrf.ts";
import { createSessionTokenVerifier, type SessionTokenVerifier } from "../sessions/verifier.ts";
import { createAuthenticate } from "./authenticate.ts";
import { credentialVerifiers } from "./registry.ts";
import { masterTokenSource } from "./verifiers/master-token.ts";

/** What the rest of keyship uses of authentication. */
export interface Authentication {
  /** Sets `c.var.principal` from the request's credential, or null. */
  readonly authenticate: MiddlewareHandler<KeyshipEnv>;
  /** Device tokens (revoking a device clears its caches). */
  readonly devices: DeviceTokenVerifier;
  /** Server-issued access tokens. */
  readonly sessions: SessionTokenVerifier;
  /** The CSRF check of cookie mode (the refresh route runs it too). */
  readonly csrf: CsrfCheck;
  /** Drops every cached principal of a user (after a role, scope or status change). */
  invalidateUser(userId: string): void;
}

/**
 * Builds authentication for a keyship instance.
 * @param ctx database, settings, clock, logger and the session runtime
 */
export function createAuthentication(ctx: KeyshipContext): Authentication {
  const devices = createDeviceTokenVerifier(ctx);
  const sessions = createSessionTokenVerifier(ctx);
  const csrf = createCsrfCheck(ctx.settings, ctx.sessions.cookies);
  const verifiers = credentialVerifiers({
    devices,
    sessions,
    deviceTokenAudience: ctx.settings.deviceTokenAudience,
    cookies: ctx.sessions.cookies,
    csrf,
    master: masterTokenSource(ctx, requestAuditLog(ctx)),
  });
  return {
    authenticate: createAuthenticate(verifiers),
    devices,
    sessions,
    csrf,
    invalidateUser(userId) {
      devices.invalidateUser(userId);
      sessions.invalidateUser(userId);
    },
  };
}
