/**
 * The API-key format: `ksk_` + 43 base62 characters (256 random bits) + a 6-character base62
 * CRC32 of those 43, 53 characters in all. The checksum lets secret scanners tell a real key
 * from a random string offline, and lets keyship refuse a mistyped or truncated key before
 * any database lookup. Only the SHA-256 of a key is stored. Pure functions, no database.
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";

/** What every API key starts with. */
export const API_KEY_PREFIX = "ksk_";

/** Base62 characters of the random part: 62^43 > 2^256, so 32 random bytes fit exactly. */
export const API_KEY_BODY_LENGTH = 43;

/** Base62 characters of the checksum: 62^6 > 2^32, so any CRC32 fits. */
export const API_KEY_CHECKSUM_LENGTH = 6;

/** The length of a whole key: 4 + 43 + 6 = 53. */
export const API_KEY_LENGTH = API_KEY_PREFIX.length + API_KEY_BODY_LENGTH + API_KEY_CHECKSUM_LENGTH;

/**
 * The shape of a key, for secret scanners (docs/api-keys.md gives it with word boundaries).
 * A match still needs its checksum to be a key: see {@link parseApiKey}.
 */
export const API_KEY_PATTERN = /^ksk_[0-9A-Za-z]{49}$/;

/** How many characters of a key its list entry shows: `ksk_` and the first 8 of the body. */
export const API_KEY_DISPLAY_LENGTH = API_KEY_PREFIX.length + 8;

/** The longest time a rolled key's previous secret keeps working: 7 days, in seconds. */
export const MAX_ROLL_OVERLAP_SECONDS = 7 * 86_400;

/** The base62 alphabet, digits first (the order GitHub's tokens use). */
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `value` in base62, left-padded with `0` to `length` characters. */
function toBase62(value: bigint, length: number): string {
  let out = "";
  let rest = value;
  while (rest > 0n) {
    out = BASE62[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(length, "0");
}

/**
 * The checksum of a key's random part: its CRC32 (node:zlib) in 6 base62 characters.
 * @param body the 43 characters after `ksk_`
 * @example apiKeyChecksum("0".repeat(43)) // 6 base62 characters
 */
export function apiKeyChecksum(body: string): string {
  return toBase62(BigInt(crc32(body)), API_KEY_CHECKSUM_LENGTH);
}

/**
 * A new API key: 32 bytes from the CSPRNG in base62, with its checksum.
 * @example generateApiKey() // "ksk_3kTm…" (53 characters)
 */
export function generateApiKey(): string {
  const body = toBase62(BigInt(`0x${randomBytes(32).toString("hex")}`), API_KEY_BODY_LENGTH);
  return `${API_KEY_PREFIX}${body}${apiKeyChecksum(body)}`;
}

/**
 * Whether `key` is a well-formed API key: the length, the prefix, the alphabet and the
 * checksum. Cheap and offline: a key that fails here is refused without a database lookup.
 * @param key what the request carried
 * @returns the key, or undefined when it is malformed
 * @example parseApiKey(generateApiKey()) // the key
 * @example parseApiKey("ksk_" + "0".repeat(49)) // undefined (wrong checksum)
 */
export function parseApiKey(key: string): string | undefined {
  if (key.length !== API_KEY_LENGTH || !API_KEY_PATTERN.test(key)) return undefined;
  const end = API_KEY_PREFIX.length + API_KEY_BODY_LENGTH;
  return apiKeyChecksum(key.slice(API_KEY_PREFIX.length, end)) === key.slice(end) ? key : undefined;
}

/**
 * The SHA-256 (hex) stored instead of a key (SECURITY.md: API keys are stored as hashes).
 * @param key a whole key
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/**
 * Compares two hex hashes in constant time.
 * @param a a stored hash
 * @param b the presented key's hash
 */
export function isSameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * What a list entry shows of a key: `ksk_` and the first 8 characters of its random part
 * (48 of its 256 bits), enough to tell keys apart and to match a leaked one.
 * @param key a whole key
 */
export function displayPrefixOf(key: string): string {
  return key.slice(0, API_KEY_DISPLAY_LENGTH);
}

/**
 * The scopes a key grants now: those it names that its owner still holds. A key never grants
 * more than its owner has at the moment of the request.
 * @param keyScopes the scopes the key was created with
 * @param ownerScopes the owner's current scopes
 * @example effectiveScopes(["a", "b"], ["b", "c"]) // ["b"]
 */
export function effectiveScopes(
  keyScopes: readonly string[],
  ownerScopes: readonly string[],
): string[] {
  const held = new Set(ownerScopes);
  return keyScopes.filter((scope) => held.has(scope));
}
