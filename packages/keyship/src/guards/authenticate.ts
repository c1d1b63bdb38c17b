/**
 * `authenticate()`: reads the caller's credential and sets `c.var.principal` (or leaves it
 * null when there is none). Each credential kind registers a verifier; the first verifier
 * that recognises the token decides.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../errors.ts";
import { problemResponse } from "../http/problem.ts";
import type { KeyshipEnv, Principal } from "../http/variables.ts";
import { recordTokenFailure } from "../observability/metrics.ts";

/**
 * Verifies one kind of bearer token. Returns `undefined` when the token is not of its kind,
 * a principal when valid, and throws a ProblemError when it is its kind but invalid.
 */
export type BearerVerifier = (token: string) => Promise<Principal | undefined>;

/** The `WWW-Authenticate` value for invalid bearer tokens (RFC 6750 §3). */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * Creates the authenticate middleware over the given verifiers (tried in order).
 * A missing Authorization header leaves the principal null; a malformed or unrecognised one
 * is refused with 401 `auth.invalid_token`.
 * @param verifiers one per credential kind
 */
export function createAuthenticate(
  verifiers: readonly BearerVerifier[],
): MiddlewareHandler<KeyshipEnv> {
  return async function keyshipAuthenticate(c, next) {
    // Runs once per request even when both the app and a router install it.
    if (c.get("authenticated")) return next();
    c.set("authenticated", true);
    const header = c.req.header("authorization");
    if (header === undefined) {
      c.set("principal", null);
      return next();
    }
    const token = BEARER.exec(header)?.[1];
    let principal: Principal | undefined;
    try {
      if (token !== undefined) {
        for (const verify of verifiers) {
          principal = await verify(token);
          if (principal !== undefined) break;
        }
      }
      if (principal === undefined) {
        throw new ProblemError("auth.invalid_token", {
          headers: { "WWW-Authenticate": INVALID_TOKEN_CHALLENGE },
        });
      }
    } catch (error) {
      recordTokenFailure(error instanceof ProblemError ? error.code : "internal.error");
      // Answered here, not thrown, so the middleware works in apps without keyship's handler.
      if (error instanceof ProblemError) return problemResponse(c, error);
      throw error;
    }
    c.set("principal", principal);
    return next();
  };
}
