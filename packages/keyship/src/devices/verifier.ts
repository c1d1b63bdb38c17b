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
import { decodeProtectedHeader, importJWK, errors as joseErrors, jwtVerify } from "jose";
import { createLruCache, createTokenCache } from "../cache/lru.ts";
import { type KeyshipContext, millisecondsOf } from "../context.ts";
import { ProblemError } from "../errors.ts";
import type { Principal } from "../http/variables.ts";
import { isId } from "../ids.ts";
import { withSpan } from "../observability/tracing.ts";
import { principalOf } from "../users/model.ts";
import { findDeviceWithOwner, touchDevice } from "./store.ts";

/** Clock skew tolerated on `exp` and `iat`, in seconds. */
export const DEVICE_TOKEN_CLOCK_SKEW_SECONDS = 30;

// RFC 8725 §3.1 / SECURITY: keys come only from our device table, never from the token.
const FORBIDDEN_HEADER_MEMBERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256", "crit"] as const;

interface DeviceEntry {
  readonly deviceId: string;
  readonly userId: string;
  readonly key: webcrypto.CryptoKey;
  readonly principal: Principal;
}

interface TokenEntry {
  readonly device: DeviceEntry;
  readonly audience: string;
}

/** Verifies device tokens and keeps the caches coherent. Built once per keyship instance. */
export interface DeviceTokenVerifier {
  /**
   * Verifies `token` for `audience`. Returns undefined when the token is not a device token
   * (its `kid` is not a device id), so other verifiers may try it.
   * @throws ProblemError `auth.invalid_token` or `auth.token_expired`
   */
  verify(token: string, audience: string): Promise<Principal | undefined>;
  /**
   * The principal of a token verified before for `audience` (warm cache), without decoding
   * it; undefined on a miss. Lets `authenticate()` answer warm tokens without awaiting.
   */
  cached(token: string, audience: string): Principal | undefined;
  /** Forgets a device (call after revoking it). */
  invalidateDevice(deviceId: string): void;
  /** Forgets every device of a user (call after disabling them or changing role/scopes). */
  invalidateUser(userId: string): void;
}

function invalid(cause: string): ProblemError {
  return new ProblemError("auth.invalid_token", {
    headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
    cause: new Error(cause),
  });
}

function expired(): ProblemError {
  return new ProblemError("auth.token_expired", {
    headers: { "WWW-Authenticate": 'Bearer error="invalid_token", error_description="expired"' },
  });
}

/**
 * Creates the verifier for a keyship instance.
 * @param ctx database, settings (cache size/TTL, max lifetime), clock and logger
 */
export function createDeviceTokenVerifier(
  ctx: Pick<KeyshipContext, "db" | "settings" | "now" | "logger">,
): DeviceTokenVerifier {
  const nowMs = millisecondsOf(ctx.now);
  const ttlMs = ctx.settings.authCacheTtlSeconds * 1000;
  const size = ttlMs === 0 ? 0 : ctx.settings.authCacheSize;
  const devices = createLruCache<string, DeviceEntry>({ max: size, now: nowMs });
  const tokens = createTokenCache<TokenEntry>({ max: size, now: nowMs });
  const maxLifetime = ctx.settings.deviceTokenMaxTtlSeconds;

  async function loadDevice(deviceId: string): Promise<DeviceEntry> {
    const cached = devices.get(deviceId);
    if (cached !== undefined) return cached;
    const row = await findDeviceWithOwner(ctx.db, deviceId);
    // SECURITY: revoked devices and disabled users are refused on the very next request.
    if (row === undefined) throw invalid("unknown device");
    if (row.revokedAt !== null) throw invalid("revoked device");
    if (row.disabledAt !== null) throw invalid("disabled user");
    const key = (await importJWK(JSON.parse(row.publicJwk), "ES256")) as webcrypto.CryptoKey;
    const entry: DeviceEntry = {
      deviceId,
      userId: row.userId,
      key,
      principal: principalOf(row, { via: "device", deviceId }),
    };
    devices.set(deviceId, entry, nowMs() + ttlMs);
    const seen = ctx.now().toISOString();
    touchDevice(ctx.db, deviceId, seen).catch((err: unknown) =>
      ctx.logger.warn({ err, deviceId }, "could not record device last_seen_at"),
    );
    return entry;
  }

  async function verifyFully(
    token: string,
    kid: string,
    audience: string,
  ): Promise<TokenEntry & { exp: number }> {
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
      if (error instanceof joseErrors.JWTExpired) throw expired();
      throw invalid(error instanceof Error ? error.message : "verification failed");
    }
    const exp = payload.exp as number;
    const iat = payload.iat as number;
    const now = nowMs() / 1000;
    if (iat > now + DEVICE_TOKEN_CLOCK_SKEW_SECONDS) throw invalid("iat in the future");
    if (exp - iat > maxLifetime) throw invalid("lifetime over the maximum");
    // SECURITY: identity is the device's owner; a token naming someone else is refused.
    if (payload.sub !== undefined && payload.sub !== device.userId)
      throw invalid("sub is not the owner");
    return { device, audience, exp };
  }

  // Hot path: a token verified before stays valid while its device's cache entry is the same
  // one (revocation deletes it), for the audience it was verified for, until its exp.
  function cached(token: string, audience: string): Principal | undefined {
    const hit = tokens.get(token);
    return hit !== undefined &&
      hit.audience === audience &&
      devices.get(hit.device.deviceId) === hit.device
      ? hit.device.principal
      : undefined;
  }

  return {
    cached,
    async verify(token, audience) {
      const warm = cached(token, audience);
      if (warm !== undefined) return warm;
      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(token);
      } catch {
        return undefined;
      }
      if (typeof header.kid !== "string" || !isId(header.kid, "device")) return undefined;
      if (header.alg !== "ES256") throw invalid("algorithm not allowed");
      if (header.typ !== undefined && header.typ.toUpperCase() !== "JWT")
        throw invalid("wrong typ");
      for (const member of FORBIDDEN_HEADER_MEMBERS) {
        if (member in header) throw invalid(`header member ${member} is not allowed`);
      }
      const kid = header.kid;
      const verified = await withSpan(
        "keyship.token.verify",
        { "keyship.token.kind": "device" },
        () => verifyFully(token, kid, audience),
      );
      tokens.set(token, { device: verified.device, audience }, verified.exp * 1000);
      return verified.device.principal;
    },
    invalidateDevice(deviceId) {
      devices.delete(deviceId);
      tokens.deleteWhere((entry) => entry.device.deviceId === deviceId);
    },
    invalidateUser(userId) {
      devices.deleteWhere((entry) => entry.userId === userId);
      tokens.deleteWhere((entry) => entry.device.userId === userId);
    },
  };
}
