/**
 * `authenticate()`: reads the caller's credential and sets `c.var.principal` (or leaves it
 * null when there is none). Each credential kind registers a verifier; the first verifier
 * that recognises the token decides.
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { ProblemError } from "../errors.ts";
import { authorizationHeader } from "../http/headers.ts";
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
 * ProblemError when present but invalid (or when the request fails the CSRF check). Answers
 * it can give at once (no credential, a warm cache) should be returned directly, not as a
 * promise: the request then passes without awaiting.
 */
export type RequestAuthenticator = (
  c: Context<KeyshipEnv>,
) => Principal | undefined | Promise<Principal | undefined>;

/** Options of {@link createAuthenticate}. */
export interface AuthenticateOptions {
  /** Tried when there is no `Authorization` header, e.g. the session cookie. @default none */
  readonly fallback?: RequestAuthenticator;
  /**
   * Answers bearer tokens verified before from the verifiers' caches, synchronously: the
   * principal on a hit, undefined on a miss (then the verifiers run). A hit skips the token
   * syntax check too, since only tokens that passed it were ever cached. @default none
   */
  readonly warm?: (token: string) => Principal | undefined;
}

/** The `WWW-Authenticate` value for invalid bearer tokens (RFC 6750 §3). */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;
const BEARER_SCHEME = /^Bearer /i;

/** Answers `error` as a problem when it is one (so it works without keyship's error handler). */
function refuse(c: Context<KeyshipEnv>, error: unknown): Response {
  recordTokenFailure(error instanceof ProblemError ? error.code : "internal.error");
  if (error instanceof ProblemError) return problemResponse(c, error);
  throw error;
}

/**
 * Creates the authenticate middleware over the given verifiers (tried in order).
 * A missing Authorization header leaves the principal null; a malformed or unrecognised one
 * is refused with 401 `auth.invalid_token`.
 * @param verifiers one per credential kind
 * @param options `fallback`: a credential read when there is no Authorization header;
 *   `warm`: a synchronous answer for tokens verified before
 */
export function createAuthenticate(
  verifiers: readonly BearerVerifier[],
  options: AuthenticateOptions = {},
): MiddlewareHandler<KeyshipEnv> {
  const { fallback, warm } = options;

  async function verifyBearer(header: string): Promise<Principal> {
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

  /** The caller now when that needs no I/O (no credential, a warm token), else a promise. */
  function principalOf(
    c: Context<KeyshipEnv>,
  ): Principal | undefined | Promise<Principal | undefined> {
    const header = authorizationHeader(c);
    if (header === undefined) return fallback?.(c);
    if (warm !== undefined && BEARER_SCHEME.test(header)) {
      const principal = warm(header.slice(7));
      if (principal !== undefined) return principal;
    }
    return verifyBearer(header);
  }

  async function settle(
    c: Context<KeyshipEnv>,
    next: Next,
    pending: Promise<Principal | undefined>,
  ): Promise<Response | undefined> {
    try {
      c.set("principal", (await pending) ?? null);
    } catch (error) {
      return refuse(c, error);
    }
    await next();
    return undefined;
  }

  // Not async: a request answered at once passes straight to next() without an extra promise.
  return function keyshipAuthenticate(c, next) {
    // Runs once per request even when both the app and a router install it.
    if (c.get("authenticated")) return next();
    c.set("authenticated", true);
    let found: ReturnType<typeof principalOf>;
    try {
      found = principalOf(c);
    } catch (error) {
      return Promise.resolve(refuse(c, error));
    }
    if (found instanceof Promise) return settle(c, next, found);
    c.set("principal", found ?? null);
    return next();
  };
}
