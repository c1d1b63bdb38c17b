/**
 * `keyship keygen --type es256|secret|aes [--dotenv FILE ...] [--name VAR]`: generates a key
 * and prints it to stdout, or writes it into one variable of each named env file, keeping every
 * other line of those files byte for byte.
 * @module
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { calculateJwkThumbprint, type JWK } from "jose";
import { updateEnvFile } from "./envfile.ts";
import { type CliIo, UsageError } from "./io.ts";

/** The arguments of `keyship keygen`. */
export interface KeygenArgs {
  /**
   * `es256`: a P-256 private JWK with `kid`; `secret`: a random HS256 secret; `aes`: a random
   * 256-bit AES key (AES-256-GCM) with a key id, `<kid>:<key>` (the format of
   * `KEYSHIP_ENCRYPTION_KEYS`, which `keyship/crypto` reads).
   */
  readonly type: string | undefined;
  /** Env files to write the key into (a fresh key for each); none: print to stdout. */
  readonly envFiles?: readonly string[] | undefined;
  /** The variable to set. @default the type's variable (see {@link KEY_TYPES}) */
  readonly name?: string | undefined;
}

/** A key type: how to make one, and which variable it goes in by default. */
interface KeyType {
  readonly variable: string;
  readonly hint: string;
  make(): Promise<string>;
  /**
   * How a fresh key joins the value a file already has; without it the key replaces the value.
   * @returns the new value and what to report
   */
  combine?(previous: string, fresh: string): { value: string; note: string };
}

/** Parses a private-key setting: one JWK or a JSON list of them; undefined when neither. */
function jwkList(value: string): object[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.every((k) => typeof k === "object" && k !== null) ? (list as object[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The key types `--type` accepts. */
const KEY_TYPES: Readonly<Record<string, KeyType>> = {
  es256: {
    variable: "KEYSHIP_SESSION_PRIVATE_KEYS",
    hint: "Put it in KEYSHIP_SESSION_PRIVATE_KEYS (a JSON list; the first key signs). Keep it secret.",
    async make() {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
      const jwk = privateKey.export({ format: "jwk" }) as JWK;
      // RFC 7638: the kid is the key's thumbprint, so it is stable and unique.
      const kid = await calculateJwkThumbprint(jwk, "sha256");
      return JSON.stringify({ ...jwk, kid, alg: "ES256", use: "sig" });
    },
    // Rotation: the new key goes first (it signs from now on); the old ones stay and keep
    // verifying tokens they signed until those expire. Remove a retired key by hand later.
    combine(previous, fresh) {
      const kept = jwkList(previous);
      if (kept === undefined || kept.length === 0) return { value: `[${fresh}]`, note: "" };
      return {
        value: JSON.stringify([JSON.parse(fresh), ...kept]),
        note: ` (new key first; ${kept.length} older key${kept.length === 1 ? "" : "s"} kept for verification)`,
      };
    },
  },
  secret: {
    variable: "KEYSHIP_SESSION_SECRET",
    hint: "Put it in KEYSHIP_SESSION_SECRET. Keep it secret.",
    make: async () => randomBytes(32).toString("base64url"),
  },
  aes: {
    variable: "KEYSHIP_ENCRYPTION_KEYS",
    hint: "A 256-bit AES-256-GCM key with its id (<kid>:<key>) for keyship/crypto. Put it in KEYSHIP_ENCRYPTION_KEYS (a comma-separated list; the first encrypts). Keep it secret.",
    // 32 random bits of key id are plenty to tell a handful of keys apart; they are not secret.
    make: async () => `${randomBytes(4).toString("hex")}:${randomBytes(32).toString("base64url")}`,
    // Rotation, as for es256: the new key first (it encrypts from now on), the old ones kept
    // after it so what they encrypted still decrypts. Remove one by hand once nothing uses it.
    combine(previous, fresh) {
      const kept = previous.split(/[\s,]+/).filter((entry) => /^[\w-]+:[\w-]+$/.test(entry));
      if (kept.length === 0) return { value: fresh, note: "" };
      return {
        value: [fresh, ...kept].join(","),
        note: ` (new key first; ${kept.length} older key${kept.length === 1 ? "" : "s"} kept for decryption)`,
      };
    },
  },
};

/**
 * Generates a key. Without `--dotenv` only the key goes to stdout (the hint goes to stderr),
 * so `keyship keygen --type secret > secret.txt` works; with `--dotenv`, each file gets its own
 * fresh key in `--name` (or the type's default variable) and nothing secret is printed.
 * @returns the exit code
 * @throws UsageError when `--type` is missing or unknown, or `--name` is not a variable name
 * @example keyship keygen --type secret --dotenv .env.production --dotenv .env.staging
 */
export async function runKeygen(args: KeygenArgs, io: CliIo): Promise<number> {
  if (args.type === undefined) {
    throw new UsageError("keygen needs --type es256, --type secret or --type aes");
  }
  const keyType = KEY_TYPES[args.type];
  if (keyType === undefined) {
    throw new UsageError(`unknown key type '${args.type}' (es256, secret or aes)`);
  }
  const name = args.name ?? keyType.variable;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UsageError(`--name '${name}' is not a variable name`);
  }
  const files = args.envFiles ?? [];
  if (files.length === 0) {
    io.out(await keyType.make());
    io.err(args.name === undefined ? keyType.hint : `Put it in ${name}. Keep it secret.`);
    return 0;
  }
  for (const file of files) {
    const path = resolve(io.cwd, file);
    const fresh = await keyType.make();
    const previous = existsSync(path) ? parseEnv(readFileSync(path, "utf8"))[name] : undefined;
    const combined =
      keyType.combine === undefined
        ? { value: fresh, note: "" }
        : keyType.combine(previous ?? "", fresh);
    const update = updateEnvFile(path, name, combined.value);
    io.out(`${update === "added" ? "added" : "replaced"} ${name} in ${file}${combined.note}`);
  }
  return 0;
}
