/**
 * Verification of device-signed ES256 JWTs (`kid` = device id) on the hot path.
 *
 * Checks, in order: the header (RFC 8725 §3.1 pinned algorithm, no embedded or remote keys,
 * no `crit`), the device (active, owner active), the signature, `aud`, `exp`, `iat`, lifetime
 * and `sub`. Device keys and verified tokens are cached (bounded), and the caches are
 * invalidated at once when a device is revoked or a user changes.
 * @module
 */
import type { webcrypto } from "node:crypto";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import type { Principal } from "../auth/principal.ts";
import {
  type CachedSubject,
  createVerifiedTokenCache,
  type VerifiedTokenCache,
} from "../cache/verified-tokens.ts";
import { type KeyshipContext, millisecondsOf } from "../context.ts";
import { isId } from "../ids.ts";
import { withSpan } from "../observability/tracing.ts";
import { TokenError, toTokenError } from "../tokens/errors.ts";
import { principalOf } from "../users/model.ts";
import { findDeviceWithOwner, touchDevice } from "./store.ts";

/** Clock skew tolerated on `exp` and `iat`, in seconds. */
export const DEVICE_TOKEN_CLOCK_SKEW_SECONDS = 30;

// RFC 8725 §3.1 / SECURITY: keys come only from our device table, never from the token.
const FORBIDDEN_HEADER_MEMBERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit"] as const;

interface DeviceEntry extends CachedSubject {
  readonly key: webcrypto.CryptoKey;
}

/** Verifies device tokens and keeps the caches coherent. Built once per keyship instance. */
export interface DeviceTokenVerifier {
  /**
   * Is this a device token? True when its header names a device (`kid` is a device id); the
   * token is not verified.
   */
  isDeviceToken(token: string): boolean;
  /**
   * Verifies a device token for `audience`.
   * @throws TokenError `token.invalid`, `token.expired` or `token.revoked`
   */
  verify(token: string, audience: string): Promise<Principal>;
  /**
   * The principal of a token verified before for `audience` (warm cache), without decoding
   * it; undefined on a miss.
   */
  cached(token: string, audience: string): Principal | undefined;
  /** Forgets a device (call after revoking it). */
  invalidateDevice(deviceId: string): void;
  /** Forgets every device of a user (call after disabling them or changing role/scopes). */
  invalidateUser(userId: string): void;
  /** Forgets every device (the change feed may have missed changes). */
  invalidateAll(): void;
}

function invalid(reason: string): TokenError {
  return new TokenError("token.invalid", { cause: new Error(reason) });
}

function headerOf(token: string): ReturnType<typeof decodeProtectedHeader> | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

/**
 * The device id a token's header names, after the header checks (RFC 8725 §3.1: the pinned
 * algorithm; no embedded or remote keys; no `crit`).
 * @throws TokenError `token.invalid`
 */
function checkedKid(token: string): string {
  const header = headerOf(token);
  const kid = header?.kid;
  if (header === undefined || typeof kid !== "string" || !isId(kid, "device"))
    throw invalid("not a device token");
  if (header.alg !== "ES256") throw invalid("algorithm not allowed");
  if (header.typ !== undefined && header.typ.toUpperCase() !== "JWT") throw invalid("wrong typ");
  for (const member of FORBIDDEN_HEADER_MEMBERS) {
    if (member in header) throw invalid(`header member ${member} is not allowed`);
  }
  return kid;
}

/** Loads a device and its owner (cache first), refusing revoked devices and disabled users. */
function deviceLoader(
  ctx: Pick<KeyshipContext, "db" | "now" | "logger">,
  cache: VerifiedTokenCache<DeviceEntry>,
): (deviceId: string) => Promise<DeviceEntry> {
  return async function loadDevice(deviceId) {
    const cached = cache.subject(deviceId);
    if (cached !== undefined) return cached;
    const row = await findDeviceWithOwner(ctx.db, deviceId);
    // SECURITY: revoked devices and disabled users are refused on the very next request.
    if (row === undefined) throw invalid("unknown device");
    if (row.revokedAt !== null) throw new TokenError("token.revoked");
    if (row.disabledAt !== null) throw invalid("disabled user");
    const key = (await importJWK(JSON.parse(row.publicJwk), "ES256")) as webcrypto.CryptoKey;
    const entry: DeviceEntry = {
      id: deviceId,
      key,
      principal: principalOf(row, { via: "device", deviceId }),
    };
    cache.rememberSubject(entry);
    const seen = ctx.now().toISOString();
    touchDevice(ctx.db, deviceId, seen).catch((err: unknown) =>
      ctx.logger.warn({ err, deviceId }, "could not record device last_seen_at"),
    );
    return entry;
  };
}

/**
 * Creates the verifier for a keyship instance.
 * @param ctx database, settings (cache size/TTL, max lifetime), clock and logger
 */
export function createDeviceTokenVerifier(
  ctx: Pick<KeyshipContext, "db" | "settings" | "now" | "logger" | "changes">,
): DeviceTokenVerifier {
  const nowMs = millisecondsOf(ctx.now);
  const cache = createVerifiedTokenCache<DeviceEntry>({
    max: ctx.settings.authCacheSize,
    subjectTtlMs: ctx.changes.trustMs(ctx.settings.authCacheTtlSeconds * 1000),
    now: nowMs,
  });
  const maxLifetime = ctx.settings.deviceTokenMaxTtlSeconds;
  const loadDevice = deviceLoader(ctx, cache);

  async function verifyFully(
    token: string,
    kid: string,
    audience: string,
  ): Promise<{ device: DeviceEntry; exp: number }> {
    const device = await loadDevice(kid);
    let payload: Awaited<ReturnType<typeof jwtVerify>>["payload"];
    try {
      ({ payload } = await jwtVerify(token, device.key, {
        algorithms: ["ES256"], // RFC 8725 §3.1: pin the algorithm (device keys are ES256 only)
        audience, // RFC 8725 §3.9: the token must be meant for us
        requiredClaims: ["exp", "iat"], // SECURITY: exp and iat are mandatory
        clockTolerance: DEVICE_TOKEN_CLOCK_SKEW_SECONDS,
        currentDate: ctx.now(),
      }));
    } catch (error) {
      throw toTokenError(error);
    }
    const exp = payload.exp as number;
    const iat = payload.iat as number;
    const now = nowMs() / 1000;
    if (iat > now + DEVICE_TOKEN_CLOCK_SKEW_SECONDS) throw invalid("iat in the future");
    if (exp - iat > maxLifetime) throw invalid("lifetime over the maximum");
    // SECURITY: identity is the device's owner; a token naming someone else is refused.
    if (payload.sub !== undefined && payload.sub !== device.principal.userId)
      throw invalid("sub is not the owner");
    return { device, exp };
  }

  return {
    isDeviceToken(token) {
      const kid = headerOf(token)?.kid;
      return typeof kid === "string" && isId(kid, "device");
    },
    cached: (token, audience) => cache.lookup(token, audience)?.principal,
    async verify(token, audience) {
      const warm = cache.lookup(token, audience);
      if (warm !== undefined) return warm.principal;
      const kid = checkedKid(token);
      const verified = await withSpan(
        "keyship.token.verify",
        { "keyship.token.kind": "device" },
        () => verifyFully(token, kid, audience),
      );
      cache.rememberToken(token, verified.device, verified.exp * 1000, audience);
      return verified.device.principal;
    },
    invalidateDevice: (deviceId) => cache.forgetSubject(deviceId),
    invalidateUser: (userId) => cache.forgetUser(userId),
    invalidateAll: () => cache.forgetAll(),
  };
}
