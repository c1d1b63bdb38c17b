/**
 * The rate limiter: named rules over a {@link RateLimitStore}, with an injected clock.
 * @module
 */
import { KeyshipConfigError, ProblemError } from "../errors.ts";
import type { RateLimitStore } from "./store.ts";

/** One rule: at most `limit` hits per key in each window of `windowMs`. */
export interface RateLimitRule {
  /** Hits allowed per window. A positive integer. */
  readonly limit: number;
  /** The window length in milliseconds. At least 1000. */
  readonly windowMs: number;
}

/** Options for {@link createRateLimiter}. */
export interface RateLimiterOptions<R extends string> {
  /** Where hits are counted: `memoryRateLimitStore()` or `redisRateLimitStore()`. */
  readonly store: RateLimitStore;
  /** The rules by name, e.g. `{ login: { limit: 10, windowMs: 60_000 } }`. Names: `[A-Za-z0-9_.-]+`. */
  readonly rules: Readonly<Record<R, RateLimitRule>>;
  /** The clock, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** The answer to one {@link RateLimiter.consume}. */
export interface RateLimitDecision {
  /** Whether this hit is within the limit. */
  readonly allowed: boolean;
  /** The rule's limit. */
  readonly limit: number;
  /** Hits left in this window after this one (0 once the limit is reached). */
  readonly remaining: number;
  /** Whole seconds until the window ends, at least 1, when refused; 0 when allowed. */
  readonly retryAfterSeconds: number;
  /** When the window ends, in epoch milliseconds. */
  readonly resetAt: number;
  /**
   * Whether this hit is the window's first refused one: the limit tripped just now. Exactly one
   * hit per key and window sees it, even across processes sharing a store.
   */
  readonly isFirstRefusal: boolean;
}

/** Counts hits against named rules. Build once at startup. */
export interface RateLimiter<R extends string = string> {
  /** The validated, frozen rules. */
  readonly rules: Readonly<Record<R, RateLimitRule>>;
  /**
   * Counts one hit on `key` under `rule` and says whether it is allowed.
   * @param key what is limited, e.g. a client IP or a normalized email
   * @param rule the rule's name
   * @throws RateLimitStoreError when the store fails
   */
  consume(key: string, rule: R): Promise<RateLimitDecision>;
}

const RULE_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Creates a rate limiter. Rules are checked and frozen here, once.
 *
 * @param options the store, the rules and the clock
 * @example
 * const limiter = createRateLimiter({
 *   store: memoryRateLimitStore(),
 *   rules: { login: { limit: 10, windowMs: 60_000 }, passwordReset: { limit: 5, windowMs: 3_600_000 } },
 * });
 * const decision = await limiter.consume(clientIp, "login");
 * @throws KeyshipConfigError listing every bad rule (name, limit or window)
 */
export function createRateLimiter<R extends string>(
  options: RateLimiterOptions<R>,
): RateLimiter<R> {
  const { store } = options;
  const now = options.now ?? Date.now;
  const problems: string[] = [];
  if (typeof store?.hit !== "function") problems.push("the rate limiter needs a store");
  const rules = {} as Record<R, RateLimitRule>;
  for (const [name, rule] of Object.entries(options.rules) as Array<[R, RateLimitRule]>) {
    if (!RULE_NAME.test(name)) {
      problems.push(`rate-limit rule name ${JSON.stringify(name)} must match ${RULE_NAME}`);
    }
    if (!Number.isSafeInteger(rule.limit) || rule.limit < 1) {
      problems.push(`rate-limit rule ${name}: limit must be a positive integer`);
    }
    if (!Number.isSafeInteger(rule.windowMs) || rule.windowMs < 1000) {
      problems.push(`rate-limit rule ${name}: windowMs must be an integer ≥ 1000`);
    }
    rules[name] = Object.freeze({ limit: rule.limit, windowMs: rule.windowMs });
  }
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  Object.freeze(rules);

  return {
    rules,
    async consume(key: string, ruleName: R): Promise<RateLimitDecision> {
      const rule = Object.hasOwn(rules, ruleName) ? rules[ruleName] : undefined;
      if (rule === undefined) {
        throw new KeyshipConfigError([`unknown rate-limit rule ${JSON.stringify(ruleName)}`]);
      }
      const at = now();
      // The rule name scopes the key, so one key under two rules counts twice, separately.
      const { count, resetAt } = await store.hit(`${ruleName}:${key}`, rule.windowMs, at);
      const allowed = count <= rule.limit;
      return {
        allowed,
        limit: rule.limit,
        remaining: Math.max(0, rule.limit - count),
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((resetAt - at) / 1000)),
        resetAt,
        isFirstRefusal: count === rule.limit + 1,
      };
    },
  };
}

/**
 * Counts one hit and throws when it is over the limit — the guard for services and
 * middleware.
 *
 * @param limiter the limiter
 * @param key what is limited, e.g. a client IP
 * @param rule the rule's name
 * @param onTripped awaited once per key and window, on the first refused hit, before the
 *   refusal is thrown (keyship records `ratelimit.tripped` there); later refusals of the window
 *   do not call it, so a flood of requests cannot turn into a flood of writes
 * @returns the decision, when allowed
 * @example
 * await assertAllowed(limiter, clientIp, "login");
 * @throws ProblemError `rate_limited` (429) with a `Retry-After` header in seconds
 *   (RFC 9110 §10.2.3) when the limit is reached
 * @throws RateLimitStoreError when the store fails
 */
export async function assertAllowed<R extends string>(
  limiter: RateLimiter<R>,
  key: string,
  rule: R,
  onTripped?: (rule: R) => Promise<void>,
): Promise<RateLimitDecision> {
  const decision = await limiter.consume(key, rule);
  if (!decision.allowed) {
    if (decision.isFirstRefusal) await onTripped?.(rule);
    throw new ProblemError("rate_limited", {
      headers: { "Retry-After": String(decision.retryAfterSeconds) },
    });
  }
  return decision;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses `<hits>/<window>`: `10/15m` is 10 hits per 15 minutes (units `s`, `m`, `h`, `d`).
 * @param spec the setting's value
 * @example parseRateLimitRule("5/1h") // { limit: 5, windowMs: 3_600_000 }
 * @throws KeyshipConfigError when it does not have that shape
 */
export function parseRateLimitRule(spec: string): RateLimitRule {
  const match = /^([1-9][0-9]*)\/([1-9][0-9]*)([smhd])$/.exec(spec);
  if (match === null) throw new KeyshipConfigError([`rate limit ${spec} must look like 10/15m`]);
  const [, limit, count, unit] = match as unknown as [string, string, string, keyof typeof UNIT_MS];
  return { limit: Number(limit), windowMs: Number(count) * UNIT_MS[unit] };
}
