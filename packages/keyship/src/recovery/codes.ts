/**
 * Recovery codes: 80 random bits each, shown once, stored only as a keyed SHA-256.
 *
 * Why a fast hash: a code carries 80 bits from the CSPRNG, so even a stolen table leaves
 * 2^80 guesses per code; a slow hash (argon2) protects guessable secrets and would only add
 * latency and a CPU-exhaustion lever to a public route. The HMAC key is the user id: a code's
 * hash verifies only for its own account, so a row copied to another account is useless, and
 * equal codes of two accounts hash differently.
 * @module
 */
import { createHmac, randomBytes } from "node:crypto";

/** How many codes a set holds. */
export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32: no i, l, o, u, so what a person copies by hand reads back the same.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const CODE_LENGTH = 16;

/** A fresh code, `xxxx-xxxx-xxxx-xxxx` (16 characters of 5 bits: 80 bits). */
export function newRecoveryCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let code = "";
  // 256 is a multiple of 32: the low five bits of a random byte are uniform.
  for (const byte of bytes) code += ALPHABET[byte & 31];
  return code.match(/.{4}/g)?.join("-") ?? code;
}

/**
 * The canonical form of a typed code: lower case, without spaces or dashes, with the letters
 * Crockford's base32 reads as digits (o → 0, i and l → 1). Undefined when it cannot be a code.
 * @param input what the user typed
 */
export function normalizeRecoveryCode(input: string): string | undefined {
  const code = input.toLowerCase().replace(/[\s-]/g, "").replace(/o/g, "0").replace(/[il]/g, "1");
  return code.length === CODE_LENGTH && [...code].every((ch) => ALPHABET.includes(ch))
    ? code
    : undefined;
}

/**
 * The stored form of a code: hex HMAC-SHA-256 of its canonical form, keyed with the user id.
 * @param userId the account the code belongs to
 * @param code a canonical code ({@link normalizeRecoveryCode})
 */
export function hashRecoveryCode(userId: string, code: string): string {
  return createHmac("sha256", userId).update(code, "utf8").digest("hex");
}
