/**
 * What the sessions feature is built with, once per keyship instance: the token issuer that
 * signs access tokens, the revocation list and the cookie policy. No HTTP here.
 * @module
 */
import type { JWK } from "jose";
import type { ChangeFeed } from "../changes/feed.ts";
import type { Settings } from "../config/schema.ts";
import { createDbscRuntime, type DbscRuntime } from "../dbsc/runtime.ts";
import { createReplayCache, type ReplayCache } from "../dpop/replay.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { TOKEN_ALGORITHMS, type TokenAlgorithm } from "../tokens/algorithms.ts";
import { createTokenIssuer, type TokenIssuer } from "../tokens/issuer.ts";
import type { TokenPrivateKey } from "../tokens/keys.ts";
import type { TokenIssuerOptions } from "../tokens/options.ts";
import { createMemoryRevocationList, type RevocationList } from "./revocation.ts";

/** Clock skew tolerated on access tokens, in seconds (the issuer's default). */
export const ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

/** Cookie names and flags of cookie mode, decided once from the settings. */
export interface CookiePolicy {
  /** `true`: `__Host-` names, `Secure`. `false`: the plain-http localhost development fallback. */
  readonly secure: boolean;
  /** Base names; with `secure`, the browser sees them with the `__Host-` prefix. */
  readonly access: string;
  readonly refresh: string;
  readonly csrf: string;
  /** The DBSC-bound cookie (docs/dbsc.md); always `__Host-` (DBSC runs over HTTPS only). */
  readonly bound: string;
  readonly accessMaxAge: number;
  readonly refreshMaxAge: number;
}

/** The sessions machinery of one keyship instance. */
export interface SessionRuntime {
  /** Signs and verifies access tokens (`sid` = session id). */
  readonly issuer: TokenIssuer;
  /**
   * Revoked sessions and token families: access tokens of these are refused at once, in this
   * process and, through the change feed, in every other.
   */
  readonly revocations: RevocationList;
  readonly cookies: CookiePolicy;
  /** The `jti`s of DPoP proofs seen within the window (memory, or Redis when configured). */
  readonly dpopReplay: ReplayCache;
  /** Device Bound Session Credentials of cookie sessions: settings, clock and MAC key. */
  readonly dbsc: DbscRuntime;
}

function isLocalhostHttp(origin: string): boolean {
  const url = new URL(origin);
  return (
    url.protocol === "http:" &&
    (url.hostname === "localhost" ||
      url.hostname.endsWith(".localhost") ||
      url.hostname === "127.0.0.1")
  );
}

/**
 * The cookie policy. `__Host-` cookies need HTTPS, so in development, when every origin is
 * plain-http localhost, the cookies drop the prefix and `Secure` (the documented fallback).
 */
export function cookiePolicy(settings: Settings): CookiePolicy {
  const secure = !(settings.env === "development" && settings.origins.every(isLocalhostHttp));
  const base = settings.sessionCookieName;
  return Object.freeze({
    secure,
    access: `${base}-access`,
    refresh: `${base}-refresh`,
    csrf: `${base}-csrf`,
    bound: `${base}-bound`,
    accessMaxAge: settings.accessTokenTtl,
    refreshMaxAge: settings.refreshTokenTtl,
  });
}

function algorithmOf(jwk: Readonly<Record<string, unknown>>): TokenAlgorithm {
  if (typeof jwk.alg === "string" && (TOKEN_ALGORITHMS as readonly string[]).includes(jwk.alg)) {
    return jwk.alg as TokenAlgorithm;
  }
  if (jwk.kty === "EC") return jwk.crv === "P-384" ? "ES384" : "ES256";
  if (jwk.kty === "OKP") return "EdDSA";
  return "RS256";
}

/** The issuer's key options: the private keys when given (first signs), else the secret. */
function keyOptions(settings: Settings): TokenIssuerOptions {
  const privateKeys = settings.sessionPrivateKeys;
  if (privateKeys !== undefined && privateKeys.length > 0) {
    const keys: TokenPrivateKey[] = privateKeys.map((jwk) => ({
      kid: String(jwk.kid),
      privateKey: jwk as JWK,
      algorithm: algorithmOf(jwk),
    }));
    return { algorithm: (keys[0] as TokenPrivateKey).algorithm as TokenAlgorithm, keys };
  }
  // loadSettings fills a random secret in development and refuses production without one.
  return { algorithm: "HS256", secret: settings.sessionSecret ?? "" };
}

/**
 * A revocation list whose revocations are announced: every process (this one at once) adds
 * them to its own in-memory list when it hears of them.
 */
function announcedRevocations(list: RevocationList, changes: ChangeFeed): RevocationList {
  changes.subscribe({
    change(change) {
      if (change.kind === "session") list.revoke([change.id]);
    },
    reset() {},
  });
  return {
    revoke(sessionIds) {
      for (const id of sessionIds) changes.announce({ kind: "session", id });
    },
    isRevoked: list.isRevoked,
  };
}

/**
 * Builds the sessions machinery from the settings.
 * @param settings issuer, audience, TTLs, keys and cookie name
 * @param now the clock
 * @param changes the change feed revocations are announced on @default none: revocations stay
 *   in this process (enough for code that only signs tokens)
 * @throws KeyshipConfigError when a key is unusable
 */
export function createSessionRuntime(
  settings: Settings,
  now: () => Date,
  changes?: ChangeFeed,
  redis?: RedisConnection,
): SessionRuntime {
  const memory = createMemoryRevocationList({
    ttlSeconds: settings.accessTokenTtl + ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
    now,
  });
  const revocations = changes === undefined ? memory : announcedRevocations(memory, changes);
  const issuer = createTokenIssuer({
    ...keyOptions(settings),
    issuer: settings.sessionIssuer,
    audience: settings.sessionAudience,
    accessTtl: settings.accessTokenTtl,
    refreshTtl: settings.refreshTokenTtl,
    clockTolerance: ACCESS_TOKEN_CLOCK_TOLERANCE_SECONDS,
    now,
    // Revocation takes effect at once, without a database round trip.
    isRevoked: ({ sid }) => sid !== undefined && revocations.isRevoked(sid),
  });
  return Object.freeze({
    issuer,
    revocations,
    cookies: cookiePolicy(settings),
    dpopReplay: createReplayCache(redis, () => now().getTime()),
    dbsc: createDbscRuntime(settings, now),
  });
}
