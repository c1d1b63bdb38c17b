/**
 * `TokenError` and the one boundary where jose's errors become keyship token codes.
 * @module
 */
import { errors } from "jose";
import { ProblemError } from "../errors.ts";

/** The stable codes a token verification can fail with. Callers switch on these. */
export type TokenErrorCode =
  | "token.expired"
  | "token.invalid"
  | "token.revoked"
  | "token.wrong_type";

/**
 * Thrown when a presented token is refused. It is a {@link ProblemError}, so keyship's error
 * handler answers it with the catalogue's 401 problem; `message` and `detail` stay generic and
 * the precise reason (often a jose error) is kept in `cause`, for the log only.
 *
 * | code | meaning |
 * |---|---|
 * | `token.expired` | `exp` has passed, or the token is older than its configured lifetime |
 * | `token.invalid` | anything else: bad signature, wrong `iss`/`aud`, refused header, unknown `kid`… |
 * | `token.revoked` | the `isRevoked` hook said so |
 * | `token.wrong_type` | a refresh token presented as an access token, or the reverse |
 *
 * @param code one of {@link TokenErrorCode}
 * @param options `cause`: the precise reason, never shown to the client
 * @example
 * try {
 *   await issuer.verifyAccess(token);
 * } catch (error) {
 *   if (error instanceof TokenError && error.code === "token.expired") {
 *     // ask the client to refresh
 *   }
 *   throw error;
 * }
 * @throws never; it is what the token functions throw.
 */
export class TokenError extends ProblemError {
  declare readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, options: { readonly cause?: unknown } = {}) {
    super(code, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "TokenError";
  }
}

/**
 * The single translation boundary from jose (and anything else thrown while verifying an
 * untrusted token) to {@link TokenError}. Fails closed: whatever is not recognised as
 * expiry becomes `token.invalid`. The original error is kept as `cause`.
 * @param error what `jwtVerify` (or our key resolver) threw
 * @returns the error to throw
 */
export function toTokenError(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  // jose reports both `exp` in the past and `iat` older than `maxTokenAge` as JWTExpired.
  if (error instanceof errors.JWTExpired) return new TokenError("token.expired", { cause: error });
  return new TokenError("token.invalid", { cause: error });
}
