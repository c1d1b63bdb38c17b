/**
 * Prefixed random identifiers: `u…` users, `k…` passkeys, `d…` devices, `o…` OAuth clients, and
 * so on.
 * @module
 */
import { randomBytes } from "node:crypto";

/** The prefix letter of each kind of id. */
export const ID_PREFIX = {
  user: "u",
  passkey: "k",
  device: "d",
  session: "s",
  family: "f",
  challenge: "c",
  apiKey: "a",
  audit: "e",
  reset: "r",
  verification: "v",
  client: "o",
  recoveryCode: "q",
  recoveryLink: "l",
  emailChange: "m",
  oauthAccount: "n",
} as const;

/** A kind of id, e.g. `"user"`. */
export type IdKind = keyof typeof ID_PREFIX;

/** Total length of every id, prefix included. */
export const ID_LENGTH = 32;

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
// 252 is the largest multiple of 36 below 256: bytes at or above it are dropped so that
// every character is equally likely (no modulo bias).
const UNBIASED_LIMIT = 252;

/**
 * Returns `length` random characters from `[0-9a-z]`, drawn from a CSPRNG without bias.
 * @param length how many characters
 */
export function randomId36(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_LIMIT) out += ALPHABET[byte % 36];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * Creates a new 32-character id of the given kind (about 160 bits of entropy).
 * @param kind what the id names
 * @example newId("user") // "u4k2…" (32 chars)
 */
export function newId(kind: IdKind): string {
  return ID_PREFIX[kind] + randomId36(ID_LENGTH - 1);
}

/** A function that creates ids; services take one so tests can pin ids. */
export type IdGenerator = (kind: IdKind) => string;

/** True when `value` has the shape of an id of `kind`. */
export function isId(value: string, kind: IdKind): boolean {
  return value.length === ID_LENGTH && value[0] === ID_PREFIX[kind] && /^[0-9a-z]+$/.test(value);
}
