/**
 * `keyship/crypto`: authenticated encryption for values your app stores (TOTP secrets, OAuth
 * refresh tokens of other services, personal data): AES-256-GCM with the key id in the token,
 * so keys rotate without re-encrypting at once. Keys come from `KEYSHIP_ENCRYPTION_KEYS`
 * (`keyship keygen --type aes`); the first encrypts, every one decrypts.
 *
 * @example
 * import { decrypt, encrypt, encryptionKeys } from "keyship/crypto";
 *
 * const keys = encryptionKeys();
 * const sealed = encrypt("JBSWY3DPEHPK3PXP", keys, { associatedData: userId });
 * const secret = decrypt(sealed, keys, { associatedData: userId });
 * @module
 */
export { decrypt, decryptBytes } from "./decrypt.ts";
export { encrypt } from "./encrypt.ts";
export { CryptoError, type CryptoErrorCode } from "./errors.ts";
export type { CryptoOptions } from "./format.ts";
export { type EncryptionKeyInput, type EncryptionKeys, encryptionKeys } from "./keys.ts";
