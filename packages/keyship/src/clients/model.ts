/**
 * OAuth 2 clients as the rest of keyship sees them: names, the view of a row, the shape of
 * secrets and client tokens, and the paths of the OAuth endpoints. Pure, no database.
 * @module
 */
import type { OAuthClientsTable } from "../db/schema.ts";
import { parseScopes } from "../users/model.ts";

/** The start of every client secret, so scanners and people recognise one. */
export const CLIENT_SECRET_PREFIX = "kss_";

/** A client secret: the prefix and 32 random bytes as base64url (256 bits). */
export const CLIENT_SECRET_PATTERN = /^kss_[A-Za-z0-9_-]{43}$/;

/** A client's name: 1–64 letters, digits and `. _ -`, starting with a letter or digit. */
export const CLIENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The OAuth endpoints under the `/auth` mount, the only routes that take form bodies. */
export const OAUTH_ENDPOINTS = ["/oauth/token", "/oauth/introspect", "/oauth/revoke"] as const;

/**
 * True when `path` is one of the OAuth endpoints, wherever `/auth` is mounted (the path ends
 * with one of {@link OAUTH_ENDPOINTS}).
 * @example isOAuthEndpoint("/auth/oauth/token") // true
 */
export function isOAuthEndpoint(path: string): boolean {
  return OAUTH_ENDPOINTS.some((endpoint) => path.endsWith(endpoint));
}

/** A client as the CLI, the admin API and services show it; never its secret or hash. */
export interface ClientView {
  readonly id: string;
  readonly name: string;
  readonly scopes: string[];
  /** Whether the client may use the refresh-token grant. */
  readonly allowRefresh: boolean;
  readonly createdAt: string;
  readonly secretRotatedAt: string | null;
}

/** A client with its secret, which is shown this once (at creation or rotation). */
export interface ClientWithSecret {
  readonly client: ClientView;
  /** The new secret: `kss_…`. Only its SHA-256 is stored. */
  readonly clientSecret: string;
}

/**
 * Turns an `oauth_clients` row into a {@link ClientView}.
 * @example const view = toClientView(await findLiveClient(db, "billing-worker"));
 */
export function toClientView(row: OAuthClientsTable): ClientView {
  return {
    id: row.id,
    name: row.name,
    scopes: parseScopes(row.scopes),
    allowRefresh: row.allow_refresh === 1,
    createdAt: row.created_at,
    secretRotatedAt: row.secret_rotated_at,
  };
}

/**
 * True when verified access-token claims are a client's: RFC 9068 §5 — a token of a grant
 * without a resource owner (client credentials) has the client as its subject, so its
 * `client_id` equals its `sub`. User access tokens have no `client_id`.
 */
export function isClientTokenClaims(claims: Readonly<Record<string, unknown>>): boolean {
  return typeof claims.client_id === "string" && claims.client_id === claims.sub;
}

/** The scopes of an OAuth `scope` parameter or claim (RFC 6749 §3.3: space-delimited). */
export function scopesOfParameter(scope: string): string[] {
  return [...new Set(scope.split(" ").filter((s) => s !== ""))];
}
