/** keyship/crypto: round trips, rotation, tampering, truncation and wrong keys. */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load.ts";
import {
  CryptoError,
  decrypt,
  decryptBytes,
  type EncryptionKeys,
  encrypt,
  encryptionKeys,
} from "../../src/crypto/index.ts";
import { KeyshipConfigError } from "../../src/errors.ts";

const newKey = () => randomBytes(32).toString("base64url");
const OLD = `old1:${newKey()}`;
const NEW = `new2:${newKey()}`;
const oldKeys = encryptionKeys(OLD);
const rotated = encryptionKeys(`${NEW},${OLD}`);

/** The code of the CryptoError `run` throws. */
function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CryptoError) return error.code;
    throw error;
  }
  throw new Error("expected a CryptoError");
}

/** `token` with one bit of the decoded part `index` flipped at byte `at`. */
function flipBit(token: string, index: number, at: number): string {
  const parts = token.split(".");
  const bytes = Buffer.from(parts[index] as string, "base64url");
  bytes[at < 0 ? bytes.length + at : at]! ^= 0x01;
  parts[index] = bytes.toString("base64url");
  return parts.join(".");
}

describe("encrypt and decrypt", () => {
  it.each([
    ["text", "JBSWY3DPEHPK3PXP"],
    ["Unicode text", "Grüße, 世界 🌍"],
    ["an empty string", ""],
    ["a long text", "x".repeat(100_000)],
  ])("round-trips %s", (_name, plaintext) => {
    expect(decrypt(encrypt(plaintext, oldKeys), oldKeys)).toBe(plaintext);
  });

  it("round-trips bytes with decryptBytes()", () => {
    const bytes = randomBytes(64);
    expect(Buffer.from(decryptBytes(encrypt(bytes, oldKeys), oldKeys))).toEqual(bytes);
  });

  it("writes v1.<kid>.<iv>.<ciphertext+tag> with a fresh IV each time", () => {
    const a = encrypt("same", oldKeys);
    const b = encrypt("same", oldKeys);
    expect(a).toMatch(/^v1\.old1\.[\w-]{16}\.[\w-]{27}$/); // 12-byte IV; 4 + 16 bytes
    expect(a).not.toBe(b);
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
  });

  it("binds the associated data: the same decrypts, another or none does not", () => {
    const sealed = encrypt("secret", oldKeys, { associatedData: "user-1" });
    expect(decrypt(sealed, oldKeys, { associatedData: "user-1" })).toBe("secret");
    expect(codeOf(() => decrypt(sealed, oldKeys, { associatedData: "user-2" }))).toBe(
      "crypto.decryption_failed",
    );
    expect(codeOf(() => decrypt(sealed, oldKeys))).toBe("crypto.decryption_failed");
    const plain = encrypt("secret", oldKeys);
    expect(codeOf(() => decrypt(plain, oldKeys, { associatedData: "user-1" }))).toBe(
      "crypto.decryption_failed",
    );
  });

  it("refuses authentic bytes that are not UTF-8 in decrypt(), not in decryptBytes()", () => {
    const sealed = encrypt(Uint8Array.of(0xff, 0xfe), oldKeys);
    expect(codeOf(() => decrypt(sealed, oldKeys))).toBe("crypto.not_text");
    expect([...decryptBytes(sealed, oldKeys)]).toEqual([0xff, 0xfe]);
  });
});

describe("rotation", () => {
  it("encrypts with the first key and decrypts with any listed key", () => {
    const before = encrypt("written before the rotation", oldKeys);
    const after = encrypt("written after", rotated);
    expect(rotated.currentKid).toBe("new2");
    expect(rotated.kids).toEqual(["new2", "old1"]);
    expect(after.split(".")[1]).toBe("new2");
    expect(decrypt(before, rotated)).toBe("written before the rotation");
    expect(decrypt(after, rotated)).toBe("written after");
  });

  it("refuses a token of a key that was removed with crypto.unknown_key", () => {
    const before = encrypt("old", oldKeys);
    expect(codeOf(() => decrypt(before, encryptionKeys(NEW)))).toBe("crypto.unknown_key");
  });

  it("refuses a token under the same key id with another key (wrong keys)", () => {
    const other = encryptionKeys(`old1:${newKey()}`);
    expect(codeOf(() => decrypt(encrypt("x", oldKeys), other))).toBe("crypto.decryption_failed");
  });

  it("reads KEYSHIP_ENCRYPTION_KEYS when called without keys", () => {
    const keys = encryptionKeys(undefined, { KEYSHIP_ENCRYPTION_KEYS: `${NEW}, ${OLD}` });
    expect(keys.kids).toEqual(["new2", "old1"]);
    expect(decrypt(encrypt("x", rotated), keys)).toBe("x");
    expect(() => encryptionKeys(undefined, {})).toThrow(KeyshipConfigError);
  });
});

describe("tampered and truncated tokens", () => {
  const sealed = encrypt("pay 10 EUR to account 42", rotated, { associatedData: "row-7" });
  const other = encrypt("another value", rotated);
  const [version, kid, iv, body] = sealed.split(".") as [string, string, string, string];
  const open = (token: unknown) => () =>
    decrypt(token as string, rotated, { associatedData: "row-7" });

  it.each([
    ["a flipped ciphertext bit", flipBit(sealed, 3, 0), "crypto.decryption_failed"],
    ["a flipped tag bit", flipBit(sealed, 3, -1), "crypto.decryption_failed"],
    ["a flipped IV bit", flipBit(sealed, 2, 0), "crypto.decryption_failed"],
    ["the other known key id", [version, "old1", iv, body].join("."), "crypto.decryption_failed"],
    ["an unknown key id", [version, "k9", iv, body].join("."), "crypto.unknown_key"],
    [
      "another token's IV",
      [version, kid, other.split(".")[2], body].join("."),
      "crypto.decryption_failed",
    ],
    [
      "another token's tag",
      `${version}.${kid}.${iv}.${Buffer.concat([Buffer.from(body, "base64url").subarray(0, -16), Buffer.from(other.split(".")[3] as string, "base64url").subarray(-16)]).toString("base64url")}`,
      "crypto.decryption_failed",
    ],
    ["a version it does not know", ["v2", kid, iv, body].join("."), "crypto.malformed"],
    ["a fifth part", `${sealed}.x`, "crypto.malformed"],
    ["padding", `${sealed}=`, "crypto.malformed"],
    ["a non-base64url character", `${sealed.slice(0, -1)}+`, "crypto.malformed"],
    ["a key id with a colon", [version, "a:b", iv, body].join("."), "crypto.malformed"],
    ["a short IV", [version, kid, iv.slice(0, 12), body].join("."), "crypto.malformed"],
    [
      "a body shorter than the tag",
      [version, kid, iv, body.slice(0, 20)].join("."),
      "crypto.malformed",
    ],
    ["no body", [version, kid, iv, ""].join("."), "crypto.malformed"],
    ["the header only", `${version}.${kid}`, "crypto.malformed"],
    ["an empty string", "", "crypto.malformed"],
    ["not a string", 42, "crypto.malformed"],
  ])("refuses %s", (_name, token, code) => {
    expect(codeOf(open(token))).toBe(code);
  });

  it.each([1, 2, 3, 4, 8, 20])("refuses the token cut short by %i characters", (cut) => {
    expect(codeOf(open(sealed.slice(0, -cut)))).toMatch(/^crypto\.(malformed|decryption_failed)$/);
  });

  it("says nothing of the token or the keys in its message", () => {
    let error: unknown;
    try {
      open(flipBit(sealed, 3, 0))();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CryptoError);
    expect((error as Error).message).toBe("The encrypted value could not be decrypted.");
    expect(JSON.stringify(rotated)).toBe('{"currentKid":"new2","kids":["new2","old1"]}');
  });
});

describe("key sets", () => {
  const keyOf = (bytes: number) => randomBytes(bytes).toString("base64url");

  it.each([
    ["a 31-byte key", `k1:${keyOf(31)}`, /entry 1 must be 32 bytes/],
    ["a 33-byte key", `k1:${keyOf(33)}`, /entry 1 must be 32 bytes/],
    ["a key without an id", keyOf(32), /entry 1 needs a key id/],
    ["a key id with a dot", `k.1:${keyOf(32)}`, /entry 1 needs a key id/],
    ["a repeated key id", `k1:${keyOf(32)},k1:${keyOf(32)}`, /entry 2 repeats the key id 'k1'/],
    ["a non-base64url key", `k1:${"+".repeat(43)}`, /entry 1 must be 32 bytes/],
    ["no key at all", " , ", /holds no key/],
  ])("refuses %s, naming the entry but never the key", (_name, text, message) => {
    let error: unknown;
    try {
      encryptionKeys(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyshipConfigError);
    expect((error as Error).message).toMatch(message);
    const secret = text.split(":")[1];
    if (secret !== undefined && secret.length > 8)
      expect((error as Error).message).not.toContain(secret);
  });

  it("accepts keys given as bytes, and refuses bytes of the wrong length", () => {
    const keys = encryptionKeys([{ kid: "bytes", key: randomBytes(32) }]);
    expect(decrypt(encrypt("x", keys), keys)).toBe("x");
    expect(() => encryptionKeys([{ kid: "short", key: randomBytes(16) }])).toThrow(
      /entry 1 must be 32 bytes/,
    );
  });

  it("stops startup on a bad KEYSHIP_ENCRYPTION_KEYS, naming the variable", () => {
    const key = keyOf(16);
    expect(() =>
      loadSettings({ env: { KEYSHIP_ENCRYPTION_KEYS: `k1:${key}` }, envFile: false }),
    ).toThrow(/KEYSHIP_ENCRYPTION_KEYS is not valid: entry 1 must be 32 bytes/);
  });

  it("refuses a key set that encryptionKeys() did not make", () => {
    const forged = { currentKid: "old1", kids: ["old1"] } as EncryptionKeys;
    expect(() => encrypt("x", forged)).toThrow(TypeError);
    expect(() => decrypt(encrypt("x", oldKeys), forged)).toThrow(TypeError);
  });
});
