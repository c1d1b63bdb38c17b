/**
 * Encryption key sets: `encryptionKeys()` turns `KEYSHIP_ENCRYPTION_KEYS` (or keys given in
 * code) into the set `encrypt()` and `decrypt()` take, once. The key bytes live in node:crypto
 * `KeyObject`s held outside the returned object, so logging or serialising it shows key ids
 * only.
 * @module
 */
import { createSecretKey, type KeyObject } from "node:crypto";
import { readSettings } from "../config/load.ts";
import { SETTINGS } from "../config/schema.ts";
import type { EncryptionKeySpec } from "../config/settings-machine.ts";
import { KeyshipConfigError } from "../errors.ts";

/** A key given in code: its id and its 32 bytes (or their base64url). */
export interface EncryptionKeyInput {
  /** 1–64 letters, digits, `-` or `_`; it goes into every token the key encrypts. */
  readonly kid: string;
  /** 32 random bytes, or their base64url (43 characters), as `keyship keygen --type aes` writes. */
  readonly key: string | Uint8Array;
}

/** A set of AES-256-GCM keys: the first encrypts, every one decrypts. */
export interface EncryptionKeys {
  /** The id of the key new tokens are encrypted with (the first one). */
  readonly currentKid: string;
  /** Every key id that decrypts, the current one first. */
  readonly kids: readonly string[];
}

const KEY_OBJECTS = new WeakMap<EncryptionKeys, ReadonlyMap<string, KeyObject>>();

const base64url = (key: string | Uint8Array) =>
  typeof key === "string" ? key : Buffer.from(key).toString("base64url");

/** The specs of `source` through the setting's own schema, so every source gets its messages. */
function specsOf(
  source: string | readonly EncryptionKeyInput[] | undefined,
  env: Readonly<Record<string, string | undefined>> | undefined,
): readonly EncryptionKeySpec[] {
  if (source === undefined) {
    const { encryptionKeys } = readSettings(["encryptionKeys"], env === undefined ? {} : { env });
    if (encryptionKeys === undefined) {
      throw new KeyshipConfigError([
        "KEYSHIP_ENCRYPTION_KEYS is not set. Make a key with `keyship keygen --type aes --dotenv .env`.",
      ]);
    }
    return encryptionKeys;
  }
  const value =
    typeof source === "string"
      ? source
      : source.map((k) => ({ kid: k.kid, key: base64url(k.key) }));
  const parsed = SETTINGS.encryptionKeys.schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const where = typeof source === "string" ? "the encryption keys" : "encryptionKeys()";
  throw new KeyshipConfigError(parsed.error.issues.map((issue) => `${where}: ${issue.message}.`));
}

/**
 * Builds a key set, once (at startup): from `KEYSHIP_ENCRYPTION_KEYS` when called without
 * keys, else from the `<kid>:<key>,…` text or the list given.
 * @param source the keys, the first encrypting. @default `KEYSHIP_ENCRYPTION_KEYS` of `env`
 * @param env the variables read without `source`. @default process.env
 * @throws KeyshipConfigError when there is no key, a key is not 32 bytes, a key id is invalid
 *   or repeated (the message names the entry, never the key)
 * @example
 * const keys = encryptionKeys(); // KEYSHIP_ENCRYPTION_KEYS=2f6c0b1e:… (keyship keygen --type aes)
 * const sealed = encrypt("JBSWY3DPEHPK3PXP", keys);
 */
export function encryptionKeys(
  source?: string | readonly EncryptionKeyInput[],
  env?: Readonly<Record<string, string | undefined>>,
): EncryptionKeys {
  const specs = specsOf(source, env);
  const objects = new Map(
    specs.map(({ kid, key }) => [kid, createSecretKey(Buffer.from(key, "base64url"))] as const),
  );
  const kids = Object.freeze(specs.map((s) => s.kid));
  const keys: EncryptionKeys = Object.freeze({ currentKid: kids[0] as string, kids });
  KEY_OBJECTS.set(keys, objects);
  return keys;
}

/**
 * The key of `kid` in `keys`, or undefined when the set has none of that id.
 * @throws TypeError when `keys` was not made by {@link encryptionKeys}
 */
export function keyObjectOf(keys: EncryptionKeys, kid: string): KeyObject | undefined {
  const objects = KEY_OBJECTS.get(keys);
  if (objects === undefined) throw new TypeError("keys must come from encryptionKeys()");
  return objects.get(kid);
}
