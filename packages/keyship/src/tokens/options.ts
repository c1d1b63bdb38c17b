/**
 * The options of a token issuer, their defaults and their one-time validation.
 * @module
 */
import { randomUUID } from "node:crypto";
import { KeyshipConfigError } from "../errors.ts";
import { importKeySet, type KeySet, type TokenKeyOptions } from "./keys.ts";

/** A duration: a number of seconds, or a string such as `"30s"`, `"15m"`, `"12h"`, `"30d"`. */
export type Duration = number | `${number}${"s" | "m" | "h" | "d"}`;

/** Which kind of token: a short-lived access token or a long-lived refresh token. */
export type TokenUse = "access" | "refresh";

/** What the `isRevoked` hook is asked about: the claims of a token whose signature is valid. */
export interface RevocationQuery {
  /** The token's kind. */
  readonly use: TokenUse;
  /** The token's unique id (`jti`). */
  readonly jti: string;
  /** The session id (`sid`), when the token carries one. */
  readonly sid: string | undefined;
  /** The subject (`sub`). */
  readonly sub: string;
  /** When it was issued (`iat`), in seconds since the epoch. */
  readonly iat: number;
}

/**
 * Answers whether a token (by `jti`) or its whole session (by `sid`) is revoked. May be
 * async. Whatever it throws (say, the store is down) propagates unchanged.
 */
export type IsRevoked = (query: RevocationQuery) => boolean | Promise<boolean>;

/** The options of {@link createTokenIssuer}. */
export interface TokenIssuerOptions extends TokenKeyOptions {
  /** How long access tokens live. @default "15m" */
  readonly accessTtl?: Duration;
  /** How long refresh tokens live. @default "30d" */
  readonly refreshTtl?: Duration;
  /** The `iss` written and required. Strongly recommended: your public origin. @default none (no `iss`) */
  readonly issuer?: string;
  /** The `aud` written and required, e.g. your API's URL. @default none (no `aud`; tokens carrying one are refused) */
  readonly audience?: string;
  /** Leeway for clock skew when checking `exp` and `iat`; at most 5 minutes. @default 30 (seconds) */
  readonly clockTolerance?: Duration;
  /** Called by `verifyAccess` and `verifyRefresh` after every other check passed. @default none */
  readonly isRevoked?: IsRevoked;
  /** The clock. Tests pin it. @default () => new Date() */
  readonly now?: () => Date;
  /** Makes each token's `jti`. @default crypto.randomUUID */
  readonly generateJti?: () => string;
}

/** Options after defaults and validation. Internal to the tokens feature. */
export interface ResolvedTokenIssuerOptions {
  readonly keys: KeySet;
  readonly ttlSeconds: Readonly<Record<TokenUse, number>>;
  readonly clockToleranceSeconds: number;
  readonly issuer: string | undefined;
  readonly audience: string | undefined;
  readonly isRevoked: IsRevoked | undefined;
  readonly now: () => Date;
  readonly generateJti: () => string;
}

const DEFAULT_ACCESS_TTL: Duration = "15m";
const DEFAULT_REFRESH_TTL: Duration = "30d";
const DEFAULT_CLOCK_TOLERANCE = 30;
// RFC 7519 §4.1.4: "some small leeway, usually no more than a few minutes".
const MAX_CLOCK_TOLERANCE = 300;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * Converts a {@link Duration} to whole seconds.
 * @param value the duration
 * @returns the seconds, or `undefined` when `value` is not a valid non-negative duration
 * @example parseDuration("15m") // 900
 */
export function parseDuration(value: Duration): number | undefined {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  const match = typeof value === "string" ? /^(\d{1,9})(s|m|h|d)$/.exec(value) : null;
  if (match === null) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

/**
 * Applies defaults, checks every option and imports the keys.
 * @param options what the caller gave
 * @throws KeyshipConfigError listing every problem found
 */
export function resolveTokenIssuerOptions(
  options: TokenIssuerOptions,
): Readonly<ResolvedTokenIssuerOptions> {
  const problems: string[] = [];
  const duration = (name: string, value: Duration, min: number, max = Infinity) => {
    const seconds = parseDuration(value);
    if (seconds === undefined || seconds < min || seconds > max) {
      const range = max === Infinity ? `at least ${min}s` : `between ${min}s and ${max}s`;
      problems.push(`tokens.${name} must be a duration such as "15m" or seconds, ${range}.`);
    }
    return seconds ?? 0;
  };
  const access = duration("accessTtl", options.accessTtl ?? DEFAULT_ACCESS_TTL, 1);
  const refresh = duration("refreshTtl", options.refreshTtl ?? DEFAULT_REFRESH_TTL, 1);
  const tolerance = duration(
    "clockTolerance",
    options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE,
    0,
    MAX_CLOCK_TOLERANCE,
  );
  for (const name of ["issuer", "audience"] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== "string" || value.length === 0)) {
      problems.push(`tokens.${name} must be a non-empty string when set.`);
    }
  }
  for (const name of ["isRevoked", "now", "generateJti"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      problems.push(`tokens.${name} must be a function when set.`);
    }
  }
  const keys = importKeySet(options, problems);
  if (problems.length > 0 || keys === undefined) throw new KeyshipConfigError(problems);

  return Object.freeze({
    keys,
    ttlSeconds: Object.freeze({ access, refresh }),
    clockToleranceSeconds: tolerance,
    issuer: options.issuer,
    audience: options.audience,
    isRevoked: options.isRevoked,
    now: options.now ?? (() => new Date()),
    generateJti: options.generateJti ?? randomUUID,
  });
}
