/**
 * API keys: `Authorization: Bearer ksk_…`, or `X-API-Key: ksk_…` on a request without an
 * `Authorization` header (which always wins). Anything else is not an API key: a `ksk_`
 * bearer is judged here alone, never parsed as a JWT, and a foreign `X-API-Key` value is
 * ignored.
 * @module
 */
import type { Context } from "hono";
import { ApiKeyRateLimited } from "../../apikeys/limit.ts";
import { API_KEY_PREFIX } from "../../apikeys/model.ts";
import type { ApiKeyVerifier } from "../../apikeys/verifier.ts";
import { joinedHeader } from "../../http/headers.ts";
import type { RequestAuditLog } from "../../http/variables.ts";
import type { CredentialRequest, CredentialVerifier } from "../verifier.ts";

/** The `X-API-Key` header when it holds an API key (`ksk_…`), by shape only. */
function apiKeyHeader(c: Context): string | undefined {
  const header = joinedHeader(c, "x-api-key");
  return header?.startsWith(API_KEY_PREFIX) ? header : undefined;
}

/**
 * Whether a request carries an API key in `X-API-Key`: the session cookie then stays
 * unread, so one credential judges a request whether the key is cached or not.
 */
export function hasApiKeyHeader(c: Context): boolean {
  return apiKeyHeader(c) !== undefined;
}

/** The key a request carries, by shape only (`ksk_`): its bearer token, else `X-API-Key`. */
function presentedKey(request: CredentialRequest): string | undefined {
  const bearer = request.bearer;
  if (bearer !== undefined) return bearer.startsWith(API_KEY_PREFIX) ? bearer : undefined;
  return request.authorization === undefined ? apiKeyHeader(request.c) : undefined;
}

/**
 * Records the `ratelimit.tripped` event of a key's first refusal in a window (on its own, a
 * failure changes nothing), then passes the refusal on. A failed write is logged.
 */
function reportTrip(request: CredentialRequest, error: unknown): never {
  const c = request.c;
  const audit = c.get("audit") as RequestAuditLog | undefined;
  if (error instanceof ApiKeyRateLimited && error.tripped !== undefined && audit !== undefined) {
    audit.record(c, error.tripped).catch((err: unknown) => {
      c.get("logger")?.error({ err }, "audit event of a rate limit not recorded");
    });
  }
  throw error;
}

/**
 * The API-key entry of the registry.
 * @param keys the API-key verifier (its cache, limit and last-used batch)
 */
export function apiKeyCredential(keys: ApiKeyVerifier): CredentialVerifier {
  return {
    name: "apikey",
    warm(request) {
      const key = presentedKey(request);
      if (key === undefined) return undefined;
      try {
        return keys.cached(key);
      } catch (error) {
        return reportTrip(request, error);
      }
    },
    find: presentedKey,
    async verify(key, request) {
      try {
        return await keys.verify(key);
      } catch (error) {
        return reportTrip(request, error);
      }
    },
  };
}
