/**
 * The signing algorithms of server-issued tokens.
 * @module
 */

/** Every algorithm a token issuer can sign with. `none` is not and never will be one. */
export const TOKEN_ALGORITHMS = Object.freeze([
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "ES256",
  "ES384",
  "EdDSA",
] as const);

/** A JWS algorithm a token issuer can sign with, e.g. `"ES256"`. */
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];
