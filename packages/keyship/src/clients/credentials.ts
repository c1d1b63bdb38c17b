/**
 * Client authentication at the OAuth endpoints (RFC 6749 §2.3.1): HTTP Basic
 * (`client_secret_basic`) or the body's `client_id` and `client_secret`
 * (`client_secret_post`), never both, and never in the URL. The abuse limits of the token
 * endpoint live here too.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { createLruCache, type LruCache } from "../cache/lru.ts";
import type { KeyshipContext } from "../context.ts";
import type { OAuthClientsTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { isId } from "../ids.ts";
import { createRateLimiter, parseRateLimitRule, type RateLimiter } from "../ratelimit/limiter.ts";
import { memoryRateLimitStore } from "../ratelimit/memory.ts";
import type { RateLimitStore } from "../ratelimit/store.ts";
import { recordFailure } from "../signin/failures.ts";
import { isClientSecret } from "./secrets.ts";
import { findLiveClientById } from "./store.ts";

/** How the client authenticated: RFC 7591's `token_endpoint_auth_method` names. */
export type ClientAuthMethod = "client_secret_basic" | "client_secret_post";

/** The credentials a request presented. */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly method: ClientAuthMethod;
}

/** The rules the OAuth endpoints count against. */
export type OAuthRule = "oauth.token.ip" | "oauth.token.client" | "oauth.auth_failed";

/** What the OAuth endpoints keep per instance, built once. */
export interface OAuthParts {
  /**
   * Token calls per IP and per client (`rateLimitOauthToken`), and at most one
   * `client.auth_failed` audit row per client and minute.
   */
  readonly limits: RateLimiter<OAuthRule>;
  /**
   * Client rows by id, trusted for `authCacheTtlSeconds` (shorter while the change feed is
   * not listening), so a grant reads no database.
   */
  readonly knownClients: LruCache<string, OAuthClientsTable>;
  /** How long a client row read now is trusted, in ms. */
  readonly clientTrustMs: () => number;
}

/** What the OAuth services run with: the instance's context and its OAuth parts. */
export type OAuthContext = KeyshipContext & OAuthParts;

/**
 * The OAuth endpoints' limiter and client cache; a client announced as changed (rotated,
 * deleted, here or in another process) is dropped from the cache.
 * @param store where hits are counted (shared with the other limits) @default memory
 * @param now the clock, in epoch milliseconds
 * @param changes the change feed
 */
export function createOAuthParts(
  settings: KeyshipContext["settings"],
  store: RateLimitStore | undefined,
  now: () => number,
  changes: KeyshipContext["changes"],
): OAuthParts {
  const token = parseRateLimitRule(settings.rateLimitOauthToken);
  const limits = createRateLimiter<OAuthRule>({
    store: store ?? memoryRateLimitStore(),
    rules: {
      "oauth.token.ip": token,
      "oauth.token.client": token,
      "oauth.auth_failed": { limit: 1, windowMs: 60_000 },
    },
    now,
  });
  const max = settings.authCacheTtlSeconds === 0 ? 0 : settings.authCacheSize;
  const knownClients = createLruCache<string, OAuthClientsTable>({ max, now });
  changes.subscribe({
    change(change) {
      if (change.kind === "client") knownClients.delete(change.id);
    },
    reset: () => knownClients.clear(),
  });
  const clientTrustMs = changes.trustMs(settings.authCacheTtlSeconds * 1000);
  return { limits, knownClients, clientTrustMs };
}

function invalidClient(cause: string): ProblemError {
  // RFC 6749 §5.2: a 401 invalid_client names the authentication scheme to use.
  return new ProblemError("oauth.invalid_client", {
    headers: { "WWW-Authenticate": 'Basic realm="keyship", charset="UTF-8"' },
    cause: new Error(cause),
  });
}

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before they are joined by `:`. */
function formDecoded(part: string): string {
  try {
    return decodeURIComponent(part.replaceAll("+", " "));
  } catch {
    throw invalidClient("malformed percent-encoding in Basic credentials");
  }
}

function basicCredentials(authorization: string): ClientCredentials {
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(authorization);
  const decoded = match === null ? "" : Buffer.from(match[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 1) throw invalidClient("not Basic credentials");
  return {
    clientId: formDecoded(decoded.slice(0, colon)),
    clientSecret: formDecoded(decoded.slice(colon + 1)),
    method: "client_secret_basic",
  };
}

/**
 * The client credentials of a request: its `Authorization: Basic` header, or the body's
 * `client_id` and `client_secret`.
 * @param authorization the `Authorization` header, undefined when absent
 * @param body the body's `client_id` and `client_secret`, when sent
 * @throws ProblemError `oauth.invalid_request` when both ways are used (RFC 6749 §2.3: one
 *   method per request), `oauth.invalid_client` when there are no credentials or the header
 *   is not Basic credentials
 */
export function clientCredentialsOf(
  authorization: string | undefined,
  body: { readonly client_id?: string | undefined; readonly client_secret?: string | undefined },
): ClientCredentials {
  if (authorization !== undefined) {
    const basic = basicCredentials(authorization);
    // A body client_id that repeats the header's is allowed (§3.2.1); a second secret is not.
    if (
      body.client_secret !== undefined ||
      (body.client_id !== undefined && body.client_id !== basic.clientId)
    ) {
      throw new ProblemError("oauth.invalid_request", {
        cause: new Error("client credentials in both the header and the body"),
      });
    }
    return basic;
  }
  if (body.client_id === undefined || body.client_secret === undefined) {
    throw invalidClient("no client credentials");
  }
  return {
    clientId: body.client_id,
    clientSecret: body.client_secret,
    method: "client_secret_post",
  };
}

/**
 * The live client with `id`: from the cache while trusted, else the database. A rotation, a
 * deletion or a revocation in this process revokes the client's client-credentials family,
 * which sends the next call to the database; so does a change announced by another process.
 */
async function liveClient(ctx: OAuthContext, id: string): Promise<OAuthClientsTable | undefined> {
  const known = ctx.knownClients.get(id);
  if (known !== undefined && !ctx.sessions.revocations.isRevoked(known.family_id)) return known;
  const row = await findLiveClientById(ctx.db, id);
  if (row === undefined) ctx.knownClients.delete(id);
  else ctx.knownClients.set(id, row, ctx.now().getTime() + ctx.clientTrustMs());
  return row;
}

/**
 * Authenticates a client: a live client whose secret matches, compared in constant time.
 * A wrong secret of a known client is audited (`client.auth_failed`, at most once per client
 * and minute, so a flood of bad requests is no flood of writes).
 * @param endpoint which OAuth endpoint was called, for the audit row
 * @returns the client's row
 * @throws ProblemError `oauth.invalid_client` (401, `WWW-Authenticate: Basic`)
 */
export async function authenticateClient(
  ctx: OAuthContext,
  source: AuditSource,
  credentials: ClientCredentials,
  endpoint: "token" | "introspect" | "revoke",
): Promise<OAuthClientsTable> {
  const { clientId, clientSecret, method } = credentials;
  const row = isId(clientId, "client") ? await liveClient(ctx, clientId) : undefined;
  if (isClientSecret(row?.secret_hash, clientSecret) && row !== undefined) return row;
  if (row !== undefined && (await ctx.limits.consume(row.id, "oauth.auth_failed")).allowed) {
    await recordFailure(ctx, source, {
      action: "client.auth_failed",
      targetType: "client",
      targetId: row.id,
      data: { method, endpoint },
    });
  }
  throw invalidClient(row === undefined ? "unknown client" : "wrong secret");
}
