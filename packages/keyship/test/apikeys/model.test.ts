/**
 * The API-key format: `ksk_` + 43 base62 characters of 256 random bits + a 6-character base62
 * CRC32, so a scanner's regex and checksum find leaked keys offline, and a malformed key is
 * refused without a lookup.
 */
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  API_KEY_PATTERN,
  apiKeyChecksum,
  effectiveScopes,
  generateApiKey,
  hashApiKey,
  parseApiKey,
} from "../../src/apikeys/model.ts";

/** Decodes base62 (0-9A-Za-z) the way a scanner would. */
function fromBase62(text: string): bigint {
  const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  return [...text].reduce((n, ch) => n * 62n + BigInt(alphabet.indexOf(ch)), 0n);
}

describe("API-key format", () => {
  it("generates 53-character keys whose last 6 characters are the base62 CRC32 of the body", () => {
    for (let i = 0; i < 200; i++) {
      const key = generateApiKey();
      expect(key).toMatch(API_KEY_PATTERN);
      expect(key).toHaveLength(53);
      const body = key.slice(4, 47);
      expect(fromBase62(key.slice(47))).toBe(BigInt(crc32(body)));
      expect(fromBase62(body) < 2n ** 256n).toBe(true);
      expect(parseApiKey(key)).toBe(key);
    }
  });

  it("draws fresh keys (no two alike, all of the alphabet used)", () => {
    const keys = Array.from({ length: 500 }, generateApiKey);
    expect(new Set(keys).size).toBe(500);
    const seen = new Set(keys.flatMap((k) => [...k.slice(4, 47)]));
    expect(seen.size).toBe(62);
  });

  it("matches the scanner regex of docs/api-keys.md in a text", () => {
    const key = generateApiKey();
    const scanner = /\bksk_[0-9A-Za-z]{49}\b/g;
    expect(`TOKEN="${key}" # leaked`.match(scanner)).toEqual([key]);
  });

  const key = generateApiKey();
  const body = key.slice(4, 47);
  it.each([
    ["empty", ""],
    ["the prefix alone", "ksk_"],
    ["another prefix", `ksp_${key.slice(4)}`],
    ["one character short", key.slice(0, -1)],
    ["one character long", `${key}0`],
    ["a character outside base62", `${key.slice(0, 10)}_${key.slice(11)}`],
    ["a wrong checksum", `ksk_${body}${apiKeyChecksum(body) === "000000" ? "000001" : "000000"}`],
    ["a changed body", `ksk_${body.slice(0, -1)}${body.endsWith("0") ? "1" : "0"}${key.slice(47)}`],
  ])("refuses %s", (_name, candidate) => {
    expect(parseApiKey(candidate)).toBeUndefined();
  });

  it("stores the SHA-256 of the whole key, in hex", () => {
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toBe(hashApiKey(generateApiKey()));
  });

  it("grants the key's scopes that its owner holds, never more", () => {
    expect(effectiveScopes(["a", "b"], ["b", "c"])).toEqual(["b"]);
    expect(effectiveScopes([], ["a"])).toEqual([]);
    expect(effectiveScopes(["a"], [])).toEqual([]);
  });
});
