/**
 * Client secrets: 256 random bits behind a recognisable `kss_` prefix, stored as SHA-256.
 *
 * A password needs a slow hash (argon2id) because people choose guessable ones; a secret of
 * 256 random bits cannot be guessed, so a fast hash of it is as safe to store and keeps the
 * token endpoint at thousands of grants per second. The same holds for refresh tokens, whose
 * helpers this reuses.
 * @module
 */
import { randomBytes } from "node:crypto";
import { hashRefreshToken, sameHash } from "../sessions/issue.ts";
import { CLIENT_SECRET_PATTERN, CLIENT_SECRET_PREFIX } from "./model.ts";

/** A new client secret: `kss_` and 32 bytes from the CSPRNG as base64url. */
export function newClientSecret(): string {
  return CLIENT_SECRET_PREFIX + randomBytes(32).toString("base64url");
}

/** The SHA-256 (hex) stored instead of a client secret. */
export function hashClientSecret(secret: string): string {
  return hashRefreshToken(secret);
}

// Compared against when the client is unknown, so both refusals cost the same.
const UNKNOWN_CLIENT_HASH = hashClientSecret(newClientSecret());

/**
 * Whether `presented` is the secret whose hash is `storedHash`, in constant time. With no
 * stored hash (an unknown client) it does the same work and answers false.
 * @param storedHash the client's `secret_hash`, or undefined when there is no such client
 * @param presented the secret the caller sent
 */
export function isClientSecret(storedHash: string | undefined, presented: string): boolean {
  const shaped = CLIENT_SECRET_PATTERN.test(presented);
  const matches = sameHash(storedHash ?? UNKNOWN_CLIENT_HASH, hashClientSecret(presented));
  return shaped && storedHash !== undefined && matches;
}
