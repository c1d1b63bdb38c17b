/**
 * The token format of `keyship/crypto`, version 1:
 *
 *     v1.<kid>.<iv>.<ciphertext ‖ tag>
 *
 * base64url without padding; AES-256-GCM (NIST SP 800-38D) with a fresh random 96-bit IV per
 * message and the full 128-bit tag. The authenticated data is the header `v1.<kid>.` followed
 * by the caller's associated data, so the version and key id cannot be swapped either.
 * @module
 */

/** The version prefix of every token this code writes and reads. */
export const VERSION = "v1";

/** The GCM algorithm name in node:crypto. */
export const ALGORITHM = "aes-256-gcm";

/** SP 800-38D §8.2.2: a 96-bit IV from a CSPRNG (unique per key with overwhelming probability). */
export const IV_BYTES = 12;

/** SP 800-38D §5.2.1.2: the full 128-bit tag; shorter tags are never accepted. */
export const TAG_BYTES = 16;

/** Associated data given with `encrypt()`, to be given again to `decrypt()`. */
export interface CryptoOptions {
  /**
   * Bound to the token but not stored in it, e.g. the id of the row the value belongs to, so a
   * token copied to another row does not decrypt there.
   * @default none
   */
  readonly associatedData?: string | Uint8Array;
}

/** What GCM authenticates besides the ciphertext: the token's header, then the caller's data. */
export function additionalData(kid: string, options: CryptoOptions): Buffer {
  const header = Buffer.from(`${VERSION}.${kid}.`);
  const extra = options.associatedData;
  return extra === undefined ? header : Buffer.concat([header, Buffer.from(extra)]);
}
