/**
 * Authentication of one keyship instance, built once: the token verifiers and their caches,
 * the CSRF check of cookie mode, the registry and the `authenticate()` middleware over it.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { type ApiKeyVerifier, createApiKeyVerifier } from "../apikeys/verifier.ts";
import { requestAuditLog } from "../audit/request.ts";
import type { ChangeListener } from "../changes/feed.ts";
import { type ClientTokenVerifier, createClientTokenVerifier } from "../clients/verifier.ts";
import type { KeyshipContext } from "../context.ts";
import { createDeviceTokenVerifier, type DeviceTokenVerifier } from "../devices/verifier.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import type { RateLimitStore } from "../ratelimit/store.ts";
import { type CsrfCheck, createCsrfCheck } from "../sessions/csrf.ts";
import { createSessionTokenVerifier, type SessionTokenVerifier } from "../sessions/verifier.ts";
import { TokenError } from "../tokens/errors.ts";
import { createTrustedTokenVerifier, type TrustedTokenVerifier } from "../trust/verifier.ts";
import { createAuthenticate, identify } from "./authenticate.ts";
import type { Principal } from "./principal.ts";
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
  /** API keys (revoking or rolling a key clears its cache entries). */
  readonly apiKeys: ApiKeyVerifier;
  /** OAuth clients' access tokens. */
  readonly clients: ClientTokenVerifier;
  /**
   * Drops every cached principal of a user (after a role, scope or status change), in this
   * process at once and in every other through the change feed.
   */
  invalidateUser(userId: string): void;
  /** Writes what is still batched (API keys' last-used times); call before closing the database. */
  close(): Promise<void>;
  /**
   * Verifies a token given outside the `Authorization` header (a WebSocket handshake): any
   * kind the registry knows, device tokens for `wsTokenAudience`; never the session cookie.
   * @throws ProblemError when it is refused
   */
  authenticateToken(c: Context<KeyshipEnv>, token: string): Promise<Principal>;
}

/** The verifiers whose caches a change empties. */
interface Verifiers {
  readonly devices: DeviceTokenVerifier;
  readonly sessions: SessionTokenVerifier;
  readonly apiKeys: ApiKeyVerifier;
  readonly clients: ClientTokenVerifier;
  /** Tokens of trusted external issuers, when any are configured. */
  readonly trusted: Pick<TrustedTokenVerifier, "invalidateUser"> | undefined;
}

/**
 * What this process does with a change, its own or another's: it drops what the verifiers
 * cached about the subject (a session's revocation list entry is the session runtime's).
 */
function changeListener(v: Verifiers): ChangeListener {
  return {
    change(change) {
      switch (change.kind) {
        case "user":
          v.devices.invalidateUser(change.id);
          v.sessions.invalidateUser(change.id);
          v.apiKeys.invalidateUser(change.id);
          v.trusted?.invalidateUser(change.id);
          return;
        case "device":
          return v.devices.invalidateDevice(change.id);
        case "session":
          v.sessions.invalidateSession(change.id);
          return v.clients.invalidateFamily(change.id);
        case "apikey":
          return v.apiKeys.invalidateKey(change.id);
        case "client":
          return v.clients.invalidateClient(change.id);
        case "passkey": // nothing cached: passkeys are read at each sign-in
          return;
      }
    },
    reset() {
      v.devices.invalidateAll();
      v.sessions.invalidateAll();
      v.apiKeys.invalidateAll();
      v.clients.invalidateAll();
    },
  };
}

/**
 * Builds authentication for a keyship instance.
 * @param ctx database, settings, clock, logger and the session runtime
 * @param rateLimitStore where the per-API-key limit counts @default memory
 */
export function createAuthentication(
  ctx: KeyshipContext,
  rateLimitStore?: RateLimitStore,
): Authentication {
  const devices = createDeviceTokenVerifier(ctx);
  const apiKeys = createApiKeyVerifier(ctx, rateLimitStore);
  const sessions = createSessionTokenVerifier(ctx);
  const clients = createClientTokenVerifier(ctx);
  const csrf = createCsrfCheck(ctx.settings, ctx.sessions.cookies);
  const trusted =
    Object.keys(ctx.settings.trust).length === 0 ? undefined : createTrustedTokenVerifier(ctx);
  const { changes } = ctx;
  changes.subscribe(changeListener({ devices, sessions, apiKeys, clients, trusted }));
  const forgetUser = (userId: string) => changes.announce({ kind: "user", id: userId });
  const sources = {
    devices,
    sessions,
    deviceTokenAudience: ctx.settings.deviceTokenAudience,
    cookies: ctx.sessions.cookies,
    dbsc: ctx.sessions.dbsc,
    csrf,
    apiKeys,
    clients,
    master: masterTokenSource(ctx, requestAuditLog(ctx)),
    trusted,
    dpop: ctx,
  };
  const verifiers = credentialVerifiers(sources);
  // Sockets carry their token explicitly: a browser would send cookies to any site's socket.
  const tokenVerifiers = credentialVerifiers({
    ...sources,
    deviceTokenAudience: ctx.settings.wsTokenAudience,
  }).filter((verifier) => verifier.name !== "cookie");
  // What the services call after a change: announced, so every process forgets it (this one
  // at once, through the listener above). The registry's verifiers stay the plain ones.
  return {
    authenticate: createAuthenticate(verifiers),
    devices: {
      ...devices,
      invalidateDevice: (deviceId) => changes.announce({ kind: "device", id: deviceId }),
      invalidateUser: forgetUser,
    },
    sessions: { ...sessions, invalidateUser: forgetUser },
    csrf,
    apiKeys: {
      ...apiKeys,
      invalidateKey: (keyId) => changes.announce({ kind: "apikey", id: keyId }),
      invalidateUser: forgetUser,
    },
    clients,
    async authenticateToken(c, token) {
      const principal = await identify(tokenVerifiers, {
        c,
        authorization: `Bearer ${token}`,
        bearer: token,
      });
      if (principal === undefined) throw new TokenError("token.invalid");
      return principal;
    },
    invalidateUser: forgetUser,
    close: () => apiKeys.close(),
  };
}
