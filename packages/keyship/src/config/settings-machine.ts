/**
 * Settings of machine access: the master token, route-pattern protection (the config file
 * and `KEYSHIP_PROTECT`) and the encryption keys of `keyship/crypto`.
 * @module
 */
import { z } from "zod";
import type { SettingSpec } from "./parsers.ts";

/**
 * The characters a master token may hold: RFC 6750's b64token without the dot, so it can be
 * sent as `Authorization: Bearer` and a JWT-shaped bearer (three dot-separated parts) can never
 * be it: the master check skips JWTs without hashing them.
 */
const MASTER_TOKEN_SYNTAX = /^[A-Za-z0-9_~+/-]+=*$/;

/** The shortest master token accepted anywhere; production also needs 256 bits (below). */
export const MIN_MASTER_TOKEN_LENGTH = 16;

/** The strength production asks of the master token: 32 random bytes. */
export const MASTER_TOKEN_BITS = 256;

/** One key of `KEYSHIP_ENCRYPTION_KEYS`: its id and its 32 bytes, base64url. */
export interface EncryptionKeySpec {
  readonly kid: string;
  readonly key: string;
}

/** A key id: what `keyship keygen --type aes` writes (8 base64url characters), up to 64. */
export const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_BYTES = /^[A-Za-z0-9_-]{43}$/;

/** `kid:key` entries, comma- or space-separated; the first encrypts, every one decrypts. */
const encryptionKeyList = z
  .union([
    z.array(z.object({ kid: z.string(), key: z.string() })),
    z.string().transform((text) =>
      text
        .split(/[\s,]+/)
        .filter((entry) => entry !== "")
        .map((entry) => {
          const colon = entry.indexOf(":");
          return colon === -1
            ? { kid: "", key: entry }
            : { kid: entry.slice(0, colon), key: entry.slice(colon + 1) };
        }),
    ),
  ])
  .superRefine((keys, ctx) => {
    if (keys.length === 0) ctx.addIssue({ code: "custom", message: "holds no key" });
    const seen = new Set<string>();
    for (const [i, { kid, key }] of keys.entries()) {
      const problem = !KEY_ID.test(kid)
        ? "needs a key id of letters, digits, - or _ (`<kid>:<key>`, as `keyship keygen --type aes` writes)"
        : !KEY_BYTES.test(key) || Buffer.from(key, "base64url").toString("base64url") !== key
          ? "must be 32 bytes in base64url (43 characters): `keyship keygen --type aes`"
          : seen.has(kid)
            ? `repeats the key id '${kid}'`
            : undefined;
      seen.add(kid);
      // The message names the entry, never the key itself.
      if (problem !== undefined)
        ctx.addIssue({ code: "custom", message: `entry ${i + 1} ${problem}` });
    }
  });

/** Machine-access settings; merged into {@link SETTINGS} in schema.ts. */
export const MACHINE_SETTINGS = {
  masterToken: {
    env: "KEYSHIP_MASTER_TOKEN",
    schema: z
      .string()
      .trim()
      .min(MIN_MASTER_TOKEN_LENGTH, `must be at least ${MIN_MASTER_TOKEN_LENGTH} characters`)
      .max(512, "must be at most 512 characters")
      .regex(
        MASTER_TOKEN_SYNTAX,
        "may hold only letters, digits, - _ ~ + / and a trailing =, and no dot (`keyship keygen --type secret` makes one)",
      ),
    default: undefined,
    doc: "The master token for machine access (`requireMaster()`, rules with `require: master`), sent as `Authorization: Bearer` or `X-Master-Token`. No dots. Production refuses one weaker than 32 random bytes (`keyship keygen --type secret`). Unset: no master access.",
  },
  configFile: {
    env: "KEYSHIP_CONFIG_FILE",
    schema: z.string().trim().min(1),
    default: "keyship.config.json",
    doc: "The JSON file of route-protection rules, relative to the working directory. Absent: no rules from a file.",
  },
  protect: {
    env: "KEYSHIP_PROTECT",
    // Checked rule by rule at startup (guards/patterns.ts), so a bad entry is named.
    schema: z.union([
      z.string().trim().min(1),
      z.array(z.unknown()),
      z.record(z.string(), z.unknown()),
    ]),
    default: undefined,
    doc: "Route-protection rules as JSON, the same document as the config file (or just its `protect` list). The file's rules come first.",
  },
  encryptionKeys: {
    env: "KEYSHIP_ENCRYPTION_KEYS",
    schema: encryptionKeyList,
    default: undefined,
    doc: "Keys of `keyship/crypto`: `<kid>:<key>` entries, comma-separated, each 32 bytes base64url (`keyship keygen --type aes`). The first encrypts; all decrypt.",
  },
} as const satisfies Record<string, SettingSpec>;

/**
 * An estimate of a token's strength in bits: its length times the bits of the alphabet it
 * draws from (hex, digits, or the letter, digit and symbol classes it uses), and 0 for a token
 * of fewer than 10 distinct characters (a repeated word). A guess at randomness, not a proof.
 */
export function estimatedTokenBits(token: string): number {
  if (new Set(token).size < 10) return 0;
  let pool: number;
  if (/^[0-9]+$/.test(token)) pool = 10;
  else if (/^[0-9a-f]+$/.test(token) || /^[0-9A-F]+$/.test(token)) pool = 16;
  else {
    pool =
      (/[a-z]/.test(token) ? 26 : 0) +
      (/[A-Z]/.test(token) ? 26 : 0) +
      (/[0-9]/.test(token) ? 10 : 0) +
      (/[^A-Za-z0-9]/.test(token) ? 6 : 0);
  }
  return Math.floor(token.length * Math.log2(pool));
}

/**
 * What is wrong with the master token's strength, or undefined when it looks like 32 random
 * bytes or more. The message never holds the token.
 */
export function weakMasterTokenProblem(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const bits = estimatedTokenBits(token);
  if (bits >= MASTER_TOKEN_BITS) return undefined;
  return `KEYSHIP_MASTER_TOKEN looks weak (about ${bits} bits; ${MASTER_TOKEN_BITS} needed, i.e. 32 random bytes). Make one with \`keyship keygen --type secret --name KEYSHIP_MASTER_TOKEN\`.`;
}
