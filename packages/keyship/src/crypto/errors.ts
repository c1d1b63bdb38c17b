/**
 * `CryptoError`: why `decrypt()` refused a token.
 * @module
 */

/**
 * The stable codes of {@link CryptoError}. Callers switch on these, never on `message`.
 *
 * | code | meaning |
 * |---|---|
 * | `crypto.malformed` | not a keyship token: wrong shape or version, bad base64url, cut short |
 * | `crypto.unknown_key` | its key id is none of the keys given (retired, or another app's) |
 * | `crypto.decryption_failed` | the authentication tag does not verify: tampered, truncated, wrong key or wrong associated data |
 * | `crypto.not_text` | authentic, but not UTF-8 (`decrypt()`; use `decryptBytes()` for bytes) |
 */
export type CryptoErrorCode =
  | "crypto.malformed"
  | "crypto.unknown_key"
  | "crypto.decryption_failed"
  | "crypto.not_text";

const MESSAGES: Record<CryptoErrorCode, string> = {
  "crypto.malformed": "The encrypted value is malformed.",
  "crypto.unknown_key": "The encrypted value names an unknown key.",
  "crypto.decryption_failed": "The encrypted value could not be decrypted.",
  "crypto.not_text": "The decrypted value is not UTF-8 text.",
};

/**
 * Thrown by `decrypt()` and `decryptBytes()` when a token is refused. The message is generic
 * and never holds the token or a key; `cause` keeps the precise reason, for the log only.
 * @example
 * try {
 *   secret = decrypt(row.secret, keys);
 * } catch (error) {
 *   if (error instanceof CryptoError && error.code === "crypto.unknown_key") {
 *     // the key that encrypted it was removed from KEYSHIP_ENCRYPTION_KEYS
 *   }
 *   throw error;
 * }
 * @throws never; it is what the decrypt functions throw.
 */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, options: { readonly cause?: unknown } = {}) {
    super(MESSAGES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CryptoError";
    this.code = code;
  }
}
