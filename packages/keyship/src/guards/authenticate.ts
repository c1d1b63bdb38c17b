/**
 * `authenticate()`: reads the caller's credential and sets `c.var.principal` (or leaves it
 * null when there is none). Each credential kind registers a verifier; the first verifier
 * that recognises the token decides.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { ProblemError } from "../errors.ts";
import { problemResponse } from "../http/problem.ts";
import type { KeyshipEnv, Principal } from "../http/variables.ts";
import { recordTokenFailure } from "../observability/metrics.ts";

/**
 * Verifies one kind of bearer token. Returns `undefined` when the token is not of its kind,
 * a principal when valid, and throws a ProblemError when it is its kind but invalid.
 */
export type BearerVerifier = (token: string) => Promise<Principal | undefined>;

/**
 * Reads a credential from somewhere other than the `Authorization` header (cookie mode).
 * Returns `undefined` when the request carries none, a principal when valid, and throws a
 * ProblemError when present but invalid (or when the request fails the CSRF check).
 */
export type RequestAuthenticator = (c: Context<KeyshipEnv>) => Promise<Principal | undefined>;

/** Options of {@link createAuthenticate}. */
export interface AuthenticateOptions {
  /** Tried when there is no `Authorization` header, e.g. the session cookie. @default none */
  readonly fallback?: RequestAuthenticator;
}

/** The `WWW-Authenticate` value for invalid bearer tokens (RFC 6750 §3). */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * Creates the authenticate middleware over the given verifiers (tried in order).
 * A missing Authorization header leaves the principal null; a malformed or unrecognised one
 * is refused with 401 `auth.invalid_token`.
 * @param verifiers one per credential kind
 * @param options `fallback`: a credential read when there is no Authorization header
 */
export function createAuthenticate(
  verifiers: readonly BearerVerifier[],
  options: AuthenticateOptions = {},
): MiddlewareHandler<KeyshipEnv> {
  const { fallback } = options;
  async function principalOf(c: Context<KeyshipEnv>): Promise<Principal | null> {
    const header = c.req.header("authorization");
    if (header === undefined)
      return (fallback === undefined ? undefined : await fallback(c)) ?? null;
    const token = BEARER.exec(header)?.[1];
    if (token !== undefined) {
      for (const verify of verifiers) {
        const principal = await verify(token);
        if (principal !== undefined) return principal;
      }
    }
    throw new ProblemError("auth.invalid_token", {
      headers: { "WWW-Authenticate": INVALID_TOKEN_CHALLENGE },
    });
  }

  return async function keyshipAuthenticate(c, next) {
    // Runs once per request even when both the app and a router install it.
    if (c.get("authenticated")) return next();
    c.set("authenticated", true);
    try {
      c.set("principal", await principalOf(c));
    } catch (error) {
      recordTokenFailure(error instanceof ProblemError ? error.code : "internal.error");
      // Answered here, not thrown, so the middleware works in apps without keyship's handler.
      if (error instanceof ProblemError) return problemResponse(c, error);
      throw error;
    }
    return next();
  };
}
