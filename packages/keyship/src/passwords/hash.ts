/**
 * argon2id password hashing with bounded concurrency and a dummy verify for unknown users.
 *
 * Hashes run off the main thread (`@node-rs/argon2` uses libuv's pool) and through a
 * {@link Semaphore}, so a login storm cannot take every core. Hash and verify the *normalized*
 * password: pass what `checkPasswordPolicy()` (sign-up, reset) or `normalizePassword()` (login)
 * returns.
 * @module
 */
import { randomBytes } from "node:crypto";
import type { Algorithm, Options as Argon2Options } from "@node-rs/argon2";
import { KeyshipConfigError } from "../errors.ts";
import { lazyModule } from "../optional.ts";
import { createSemaphore, defaultHashConcurrency, type Semaphore } from "./semaphore.ts";

// `Algorithm` and `Version` are ambient const enums, which isolatedModules cannot read:
// these are their published values.
const ARGON2ID = 2 as Algorithm;
const VERSION_0X13 = 1;

/** The argon2id cost parameters, as in the PHC string's `m`, `t` and `p`. */
export interface Argon2Params {
  /** Memory per hash in KiB (`m`). At least 19456. @default 19456 */
  readonly memoryCost: number;
  /** Passes over memory (`t`). At least 2. @default 2 */
  readonly timeCost: number;
  /** Lanes (`p`). Must be 1. @default 1 */
  readonly parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet, argon2id: m=19456 KiB (19 MiB), t=2, p=1 — the minimum
 * the security brief allows.
 */
export const DEFAULT_ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

// Ceilings for parameters we hash with and for stored hashes we agree to verify, so a bad
// setting or a corrupted row cannot make one verify allocate gigabytes or run for minutes.
const MAX_MEMORY_KIB = 262_144;
const MAX_TIME_COST = 16;
const MAX_PARALLELISM = 8;

/**
 * The two argon2 calls keyship makes. The default is `@node-rs/argon2`; pass your own only
 * to instrument it (tests count in-flight operations this way).
 */
export interface Argon2Backend {
  hash(password: string, options: Argon2Options): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

/** Options for {@link createPasswordHasher}. */
export interface PasswordHasherOptions {
  /** Cost parameters for new hashes. @default DEFAULT_ARGON2_PARAMS */
  readonly params?: Argon2Params;
  /**
   * How many hashes or verifies may run at once; the rest wait in FIFO order.
   * @default max(1, availableParallelism() - 1)
   */
  readonly maxConcurrency?: number;
  /** The argon2 implementation. @default `@node-rs/argon2` */
  readonly backend?: Argon2Backend;
}

/** Hashes and verifies passwords with one set of parameters and one concurrency bound. */
export interface PasswordHasher {
  /** The parameters new hashes use. */
  readonly params: Readonly<Argon2Params>;
  /** The concurrency bound every hash and verify goes through. */
  readonly semaphore: Semaphore;
  /** See {@link hashPassword}. */
  hash(password: string, params?: Argon2Params): Promise<string>;
  /** See {@link verifyPassword}. */
  verify(hash: string, password: string): Promise<boolean>;
  /** See {@link needsRehash}. */
  needsRehash(hash: string, params?: Argon2Params): boolean;
  /** See {@link verifyAgainstDummy}. */
  verifyAgainstDummy(password: string): Promise<false>;
}

/** `@node-rs/argon2` (a native addon), loaded with the first password hashed or checked. */
const argon2 = lazyModule<typeof import("@node-rs/argon2")>("@node-rs/argon2");

const nodeRsBackend: Argon2Backend = {
  hash: (password, options) => argon2().hash(password, options),
  verify: (hashed, password) => argon2().verify(hashed, password),
};

/**
 * Checks argon2id parameters against the security brief (m ≥ 19456 KiB, t ≥ 2, p = 1) and
 * sane ceilings, and returns a frozen copy.
 *
 * @param params the parameters to check
 * @example
 * const params = resolveArgon2Params({ memoryCost: 47_104, timeCost: 2, parallelism: 1 });
 * @throws KeyshipConfigError listing every parameter out of range
 */
export function resolveArgon2Params(params: Argon2Params): Readonly<Argon2Params> {
  const problems: string[] = [];
  const check = (name: keyof Argon2Params, min: number, max: number): void => {
    const value = params[name];
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`argon2 ${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
    }
  };
  // Security brief / OWASP Password Storage Cheat Sheet: argon2id, m ≥ 19456 KiB, t ≥ 2, p = 1.
  check("memoryCost", DEFAULT_ARGON2_PARAMS.memoryCost, MAX_MEMORY_KIB);
  check("timeCost", DEFAULT_ARGON2_PARAMS.timeCost, MAX_TIME_COST);
  check("parallelism", 1, 1);
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  return Object.freeze({
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  });
}

/**
 * Creates a password hasher: one parameter set, one concurrency bound and one lazily computed
 * dummy hash. Build it once at startup and share it; two hashers mean two bounds.
 *
 * @param options parameters, concurrency bound and backend; all optional
 * @example
 * const hasher = createPasswordHasher({ maxConcurrency: 2 });
 * const stored = await hasher.hash(password);
 * const ok = await hasher.verify(stored, password);
 * @throws KeyshipConfigError when the parameters or the concurrency bound are out of range
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const params = resolveArgon2Params(options.params ?? DEFAULT_ARGON2_PARAMS);
  const semaphore = createSemaphore(options.maxConcurrency ?? defaultHashConcurrency());
  const backend = options.backend ?? nodeRsBackend;
  let dummyHash: Promise<string> | undefined;

  const hash = async (password: string, override?: Argon2Params): Promise<string> => {
    const use = override === undefined ? params : resolveArgon2Params(override);
    return semaphore.run(() =>
      backend.hash(password, {
        algorithm: ARGON2ID,
        memoryCost: use.memoryCost,
        timeCost: use.timeCost,
        parallelism: use.parallelism,
      }),
    );
  };

  const verify = async (stored: string, password: string): Promise<boolean> => {
    if (typeof stored !== "string" || typeof password !== "string") return false;
    if (!isVerifiableHash(stored)) return false;
    try {
      return await semaphore.run(() => backend.verify(stored, password));
    } catch {
      // A hash the parser accepted but the verifier did not: treat as a mismatch.
      return false;
    }
  };

  const getDummyHash = (): Promise<string> => {
    if (dummyHash === undefined) {
      // A random password nobody knows: verifying anything against it is always false.
      dummyHash = hash(randomBytes(32).toString("base64url"));
      dummyHash.catch(() => {
        dummyHash = undefined;
      });
    }
    return dummyHash;
  };

  return {
    params,
    semaphore,
    hash,
    verify,
    needsRehash: (stored, override) =>
      hashNeedsRehash(stored, override === undefined ? params : override),
    async verifyAgainstDummy(password) {
      // OWASP Authentication Cheat Sheet: unknown users cost the same as known ones, so
      // response time does not reveal whether an account exists.
      await verify(await getDummyHash(), password);
      return false;
    },
  };
}

/** True when `stored` parses as an argon2 PHC string with parameters we agree to run. */
function isVerifiableHash(stored: string): boolean {
  try {
    const parsed = argon2().parseOptions(stored);
    return (
      parsed.memoryCost <= MAX_MEMORY_KIB &&
      parsed.timeCost <= MAX_TIME_COST &&
      parsed.parallelism <= MAX_PARALLELISM
    );
  } catch {
    return false;
  }
}

function hashNeedsRehash(stored: string, params: Argon2Params): boolean {
  try {
    const parsed = argon2().parseOptions(stored);
    return (
      parsed.algorithm !== ARGON2ID ||
      parsed.version !== VERSION_0X13 ||
      parsed.memoryCost !== params.memoryCost ||
      parsed.timeCost !== params.timeCost ||
      parsed.parallelism !== params.parallelism
    );
  } catch {
    return true;
  }
}

let defaultHasher: PasswordHasher | undefined;

function getDefaultHasher(): PasswordHasher {
  defaultHasher ??= createPasswordHasher();
  return defaultHasher;
}

/**
 * Hashes a password with argon2id and a fresh 16-byte salt, through the default hasher's
 * concurrency bound. Pass the normalized password (see `checkPasswordPolicy`).
 *
 * @param password the normalized password
 * @param params cost parameters @default DEFAULT_ARGON2_PARAMS
 * @returns the PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$…$…`
 * @example
 * const stored = await hashPassword(checkPasswordPolicy(body.password));
 * @throws KeyshipConfigError (as a rejection) when `params` is below the floor or above the
 *   ceilings
 */
export function hashPassword(password: string, params?: Argon2Params): Promise<string> {
  return getDefaultHasher().hash(password, params);
}

/**
 * Checks a password against a stored argon2 hash in constant time, through the default
 * hasher's concurrency bound.
 *
 * @param hash the stored PHC string
 * @param password the normalized password (see `normalizePassword`)
 * @returns true on a match; false on a mismatch and on any malformed or absurd hash
 * @example
 * if (!(await verifyPassword(user.passwordHash, normalizePassword(body.password)))) {
 *   throw new ProblemError("auth.invalid_credentials");
 * }
 * @throws never
 */
export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return getDefaultHasher().verify(hash, password);
}

/**
 * Tells whether a stored hash should be replaced after a successful login: true when it is
 * not argon2id v19, when its `m`, `t` or `p` differ from `params`, or when it does not parse.
 *
 * @param hash the stored PHC string
 * @param params the current parameters @default DEFAULT_ARGON2_PARAMS
 * @example
 * if (ok && needsRehash(user.passwordHash)) await savePasswordHash(db, user.id, await hashPassword(pw));
 * @throws never
 */
export function needsRehash(hash: string, params?: Argon2Params): boolean {
  return getDefaultHasher().needsRehash(hash, params);
}

/**
 * Spends the same work as {@link verifyPassword} and returns false. Call it when the account
 * does not exist (or has no password) so timing does not reveal that. The dummy hash is
 * computed once, lazily, with the default parameters.
 *
 * @param password the submitted password
 * @returns always false
 * @example
 * const ok = user?.passwordHash
 *   ? await verifyPassword(user.passwordHash, pw)
 *   : await verifyAgainstDummy(pw);
 * @throws never in practice; only if argon2 itself cannot hash the dummy
 */
export function verifyAgainstDummy(password: string): Promise<false> {
  return getDefaultHasher().verifyAgainstDummy(password);
}
