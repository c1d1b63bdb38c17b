/**
 * `decrypt()` and `decryptBytes()`: the token's own key from the set, then AES-256-GCM with the
 * tag checked before any plaintext is returned.
 * @module
 */
import { createDecipheriv } from "node:crypto";
import { KEY_ID } from "../config/settings-machine.ts";
import { CryptoError } from "./errors.ts";
import {
  ALGORITHM,
  additionalData,
  type CryptoOptions,
  IV_BYTES,
  TAG_BYTES,
  VERSION,
} from "./format.ts";
import { type EncryptionKeys, keyObjectOf } from "./keys.ts";

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64url: the alphabet, no padding, and the canonical form (no stray bits). */
function fromBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : undefined;
}

/**
 * Decrypts a token of `encrypt()` into its bytes, with whichever key of `keys` its key id
 * names (so tokens of a retired key decrypt while that key is still listed).
 * @param token what `encrypt()` returned
 * @param keys from `encryptionKeys()`
 * @param options the `associatedData` given to `encrypt()`
 * @throws CryptoError `crypto.malformed` (not a token, cut short), `crypto.unknown_key`,
 *   `crypto.decryption_failed` (tampered, wrong key or associated data)
 * @throws TypeError when `keys` was not made by `encryptionKeys()`
 * @example const bytes = decryptBytes(sealed, keys);
 */
export function decryptBytes(
  token: string,
  keys: EncryptionKeys,
  options: CryptoOptions = {},
): Uint8Array {
  const parts = typeof token === "string" ? token.split(".") : [];
  const [version, kid, ivText, bodyText] = parts;
  if (parts.length !== 4 || version !== VERSION || kid === undefined || !KEY_ID.test(kid)) {
    throw new CryptoError("crypto.malformed", { cause: new Error("not a v1 token") });
  }
  const iv = fromBase64url(ivText as string);
  const body = fromBase64url(bodyText as string);
  if (iv?.length !== IV_BYTES || body === undefined || body.length < TAG_BYTES) {
    throw new CryptoError("crypto.malformed", { cause: new Error("bad IV or body") });
  }
  const key = keyObjectOf(keys, kid);
  if (key === undefined) throw new CryptoError("crypto.unknown_key");
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(kid, options));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  const ciphertext = body.subarray(0, body.length - TAG_BYTES);
  try {
    // final() checks the tag; nothing decrypted is returned before it passes.
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error) {
    throw new CryptoError("crypto.decryption_failed", { cause: error });
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decrypts a token of `encrypt()` into text (UTF-8).
 * @param token what `encrypt()` returned
 * @param keys from `encryptionKeys()`
 * @param options the `associatedData` given to `encrypt()`
 * @throws CryptoError `crypto.malformed`, `crypto.unknown_key`, `crypto.decryption_failed`, or
 *   `crypto.not_text` when the plaintext is bytes that are not UTF-8
 * @example const totpSecret = decrypt(row.totp_secret, keys, { associatedData: row.id });
 */
export function decrypt(token: string, keys: EncryptionKeys, options: CryptoOptions = {}): string {
  const bytes = decryptBytes(token, keys, options);
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw new CryptoError("crypto.not_text", { cause: error });
  }
}
