/**
 * The interface every credential verifier implements, and what it reads the request through.
 *
 * A verifier answers three questions about a request, each cheaper than the next one is
 * expensive: `warm` (did I verify this exact credential before? a cache lookup, synchronous),
 * `find` (is this credential mine? a look at its shape, never a verification) and `verify`
 * (the full check, which may read the database and check a signature).
 * @module
 */
import type { Context } from "hono";
import type { KeyshipEnv } from "../http/variables.ts";
import type { Principal } from "./principal.ts";

/** A request as verifiers see it: the context and the headers every verifier looks at. */
export interface CredentialRequest {
  readonly c: Context<KeyshipEnv>;
  /** The `Authorization` header (repeated fields joined), read once; undefined when absent. */
  readonly authorization: string | undefined;
  /**
   * The token of `Authorization: Bearer <token>` as sent (see {@link presentedBearer}), cut
   * once per request so every verifier's cache looks up the same string.
   */
  readonly bearer: string | undefined;
}

/** One credential kind (device tokens, access tokens, the session cookie…). */
export interface CredentialVerifier {
  /** The credential kind, for logs and metrics. */
  readonly name: string;
  /**
   * The warm path: the principal of a credential this verifier verified before, from its
   * cache, without decoding anything. Undefined on a miss or when the request carries no
   * credential of its kind. Synchronous.
   * @throws ProblemError when the cache knows the credential is no longer valid (revoked)
   */
  warm(request: CredentialRequest): Principal | undefined;
  /**
   * Is this mine? The credential of this verifier's kind that the request carries (a token),
   * or undefined. Cheap and synchronous: it may look at the credential's shape (a JWT header)
   * but never verifies it, and never throws.
   */
  find(request: CredentialRequest): string | undefined;
  /**
   * The cold path: verifies `credential` (what `find` returned) fully.
   * @throws ProblemError (usually a `TokenError`) when it is not valid
   */
  verify(credential: string, request: CredentialRequest): Promise<Principal>;
}

const BEARER_SCHEME = /^Bearer /i;
// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/**
 * The token of `Authorization: Bearer <token>` as sent, for cache lookups (a hit means it
 * equals a token that passed {@link bearerToken} before). Undefined for other schemes.
 */
export function presentedBearer(header: string | undefined): string | undefined {
  return header !== undefined && BEARER_SCHEME.test(header) ? header.slice(7) : undefined;
}

/** The token of `Authorization: Bearer <token>` when its syntax is valid (RFC 6750 §2.1). */
export function bearerToken(request: CredentialRequest): string | undefined {
  const token = request.bearer;
  return token !== undefined && B64TOKEN.test(token) ? token : undefined;
}
