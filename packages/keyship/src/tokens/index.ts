/**
 * Server-issued tokens: `createTokenIssuer()` signs and verifies access tokens (RFC 9068) and
 * standalone JWT refresh tokens, following the JWT BCP (RFC 8725).
 * @module
 */

export { TOKEN_ALGORITHMS, type TokenAlgorithm } from "./algorithms.ts";
export { TokenError, type TokenErrorCode } from "./errors.ts";
export {
  type AccessClaimsInput,
  type AccessTokenClaims,
  createTokenIssuer,
  type IssuedClaims,
  type IssuedToken,
  type RefreshOptions,
  type RefreshTokenClaims,
  type TokenIssuer,
} from "./issuer.ts";
export type { PublicJwk, PublicJwkSet } from "./jwks.ts";
export {
  type PrivateKeyInput,
  type PublicKeyInput,
  randomSecret,
  type SecretInput,
  type TokenKey,
  type TokenKeyOptions,
  type TokenPrivateKey,
  type TokenPublicKey,
  type TokenSecretKey,
} from "./keys.ts";
export type {
  Duration,
  IsRevoked,
  RevocationQuery,
  TokenIssuerOptions,
  TokenUse,
} from "./options.ts";
