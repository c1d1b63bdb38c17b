/**
 * The password policy: length only, counted in Unicode code points after NFKC normalization.
 *
 * OWASP ASVS 5.0 §6.2 / NIST SP 800-63B §3.1.1.2: at least 8 characters, at least 64
 * allowed, no composition rules, no truncation; normalize Unicode before hashing.
 * @module
 */
import { KeyshipConfigError, ProblemError } from "../errors.ts";

/** Options for {@link checkPasswordPolicy}. */
export interface PasswordPolicyOptions {
  /** Fewest code points accepted, after normalization. At least 8. @default 8 */
  readonly minLength?: number;
  /** Most code points accepted, after normalization. At least 64. @default 128 */
  readonly maxLength?: number;
}

/** A validated, frozen password policy. */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
}

/** The default policy: 8 to 128 code points. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = Object.freeze({
  minLength: 8,
  maxLength: 128,
});

// ASVS 5.0 §6.2: never fewer than 8, always allow at least 64.
const FLOOR_MIN_LENGTH = 8;
const FLOOR_MAX_LENGTH = 64;
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Applies defaults to policy options, checks them and freezes the result. Call it once at
 * startup to fail fast on a bad setting.
 *
 * @param options the policy options
 * @example
 * const policy = resolvePasswordPolicy({ minLength: 12 });
 * @throws KeyshipConfigError when minLength < 8, maxLength < 64 or minLength > maxLength
 */
export function resolvePasswordPolicy(options: PasswordPolicyOptions = {}): PasswordPolicy {
  const minLength = options.minLength ?? DEFAULT_PASSWORD_POLICY.minLength;
  const maxLength = options.maxLength ?? DEFAULT_PASSWORD_POLICY.maxLength;
  const problems: string[] = [];
  if (!Number.isSafeInteger(minLength) || minLength < FLOOR_MIN_LENGTH) {
    problems.push(`password minLength must be an integer ≥ ${FLOOR_MIN_LENGTH}`);
  }
  if (!Number.isSafeInteger(maxLength) || maxLength < FLOOR_MAX_LENGTH) {
    problems.push(`password maxLength must be an integer ≥ ${FLOOR_MAX_LENGTH}`);
  }
  if (problems.length === 0 && minLength > maxLength) {
    problems.push("password minLength must not exceed maxLength");
  }
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  return Object.freeze({ minLength, maxLength });
}

/**
 * NFKC-normalizes a password, so that look-alike spellings (the "ﬁ" ligature and "fi",
 * full-width and ASCII digits) hash the same. Use it on login, where length is not checked.
 *
 * @param password the password as submitted
 * @returns the NFKC form
 * @example
 * const ok = await verifyPassword(user.passwordHash, normalizePassword(body.password));
 * @throws ProblemError `validation.failed` when the string holds a lone UTF-16 surrogate
 *   (it has no UTF-8 form, so two different inputs would hash alike)
 */
export function normalizePassword(password: string): string {
  if (LONE_SURROGATE.test(password)) throw new ProblemError("validation.failed");
  return password.normalize("NFKC");
}

/**
 * Counts Unicode code points, not UTF-16 code units: "😀" is 1, not 2.
 * @param value the string to measure
 * @example
 * countCodePoints("😀😀"); // 2
 */
export function countCodePoints(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/**
 * Checks a new password (sign-up, reset, change) against the length policy and returns its
 * normalized form — hash that, not the input. No composition rules and no truncation.
 *
 * @param password the password as submitted
 * @param options the length bounds @default { minLength: 8, maxLength: 128 }
 * @returns the NFKC-normalized password
 * @example
 * const stored = await hashPassword(checkPasswordPolicy(body.password, { minLength: 10 }));
 * @throws ProblemError `password.too_short` / `password.too_long` when the normalized password
 *   has fewer than `minLength` or more than `maxLength` code points; `validation.failed` for a
 *   lone surrogate
 * @throws KeyshipConfigError when the options themselves are out of range
 */
export function checkPasswordPolicy(password: string, options?: PasswordPolicyOptions): string {
  const policy = options === undefined ? DEFAULT_PASSWORD_POLICY : resolvePasswordPolicy(options);
  const normalized = normalizePassword(password);
  const length = countCodePoints(normalized);
  if (length < policy.minLength) throw new ProblemError("password.too_short");
  if (length > policy.maxLength) throw new ProblemError("password.too_long");
  return normalized;
}
