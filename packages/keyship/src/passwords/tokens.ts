/**
 * Emailed single-use tokens (password reset, email verification): 256 random bits, stored
 * only as SHA-256.
 * @module
 */
import { createHash, randomBytes } from "node:crypto";

/** A fresh token and the hash to store. */
export interface NewEmailToken {
  /** Goes into the email link only. */
  readonly token: string;
  /** Hex SHA-256 of `token`; the only form stored. */
  readonly tokenHash: string;
}

/**
 * Hashes a presented token for lookup. SHA-256 is enough: the token has 256 bits of entropy,
 * so there is nothing to brute-force (SECURITY.md: tokens stored only as SHA-256).
 * @param token the token from the link
 */
export function hashEmailToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Creates a token from the CSPRNG: 32 bytes, base64url (43 characters). */
export function newEmailToken(): NewEmailToken {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashEmailToken(token) };
}
