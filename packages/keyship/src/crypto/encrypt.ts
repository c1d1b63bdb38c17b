/**
 * `encrypt()`: AES-256-GCM under the key set's current key.
 * @module
 */
import { createCipheriv, randomBytes } from "node:crypto";
import {
  ALGORITHM,
  additionalData,
  type CryptoOptions,
  IV_BYTES,
  TAG_BYTES,
  VERSION,
} from "./format.ts";
import { type EncryptionKeys, keyObjectOf } from "./keys.ts";

/**
 * Encrypts `plaintext` with the current (first) key of `keys`.
 * @param plaintext text (encoded as UTF-8) or bytes
 * @param keys from `encryptionKeys()`
 * @param options `associatedData` to bind the token to (give it again to decrypt)
 * @returns `v1.<kid>.<iv>.<ciphertext+tag>`, base64url; a new random IV each call, so the same
 *   plaintext never gives the same token
 * @throws TypeError when `keys` was not made by `encryptionKeys()`
 * @example const sealed = encrypt(totpSecret, keys, { associatedData: userId });
 */
export function encrypt(
  plaintext: string | Uint8Array,
  keys: EncryptionKeys,
  options: CryptoOptions = {},
): string {
  const kid = keys.currentKid;
  const key = keyObjectOf(keys, kid);
  if (key === undefined) throw new TypeError("the key set has no current key");
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(kid, options));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${kid}.${iv.toString("base64url")}.${body.toString("base64url")}`;
}
