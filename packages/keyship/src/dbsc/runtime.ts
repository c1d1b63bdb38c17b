/**
 * What Device Bound Session Credentials (DBSC, docs/dbsc.md) are built with, once per keyship
 * instance: whether they are on, the public origins they may run on, the lifetimes, and the MAC
 * key of the bound cookie and of registration challenges. No HTTP here.
 * @module
 */
import {
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  timingSafeEqual,
} from "node:crypto";
import { createLruCache, type LruCache } from "../cache/lru.ts";
import type { Settings } from "../config/schema.ts";

/** What a MAC is for; each purpose signs a different domain, so one never passes as another. */
export type MacPurpose = "bound-cookie" | "registration";

/** The DBSC machinery of one keyship instance. */
export interface DbscRuntime {
  /** `dbscEnabled`. */
  readonly enabled: boolean;
  /** The configured HTTPS origins: the only ones a DBSC session is offered on. */
  readonly origins: readonly string[];
  /** Whether `X-Forwarded-Proto` / `X-Forwarded-Host` may name the public origin. */
  readonly trustProxy: boolean;
  /** Seconds the bound cookie lives. */
  readonly cookieTtl: number;
  /** Seconds a challenge may be answered. */
  readonly challengeTtl: number;
  /** The clock, in whole seconds. */
  nowSeconds(): number;
  /** HMAC-SHA256 of `text` for `purpose`, base64url. */
  mac(purpose: MacPurpose, text: string): string;
  /** Whether `given` is the MAC of `text` for `purpose` (constant time). */
  isMac(purpose: MacPurpose, text: string, given: string): boolean;
  /**
   * Bound cookie values verified before, and the session each proves, until their expiry
   * (bounded by `authCacheSize`): a warm request's check is one Map lookup.
   */
  readonly verifiedCookies: LruCache<string, string>;
}

/**
 * The MAC key: derived (HKDF-SHA256) from the session signing secret, or the signing keys,
 * which every instance of the app shares, so any instance checks what another one signed.
 */
function macKey(settings: Settings): KeyObject {
  const material = settings.sessionSecret ?? JSON.stringify(settings.sessionPrivateKeys ?? []);
  // A KeyObject: Node imports a raw Buffer key again on every createHmac (several times slower).
  return createSecretKey(
    Buffer.from(hkdfSync("sha256", material, "keyship", "keyship dbsc v1", 32)),
  );
}

/**
 * Builds the DBSC runtime from the settings.
 * @param settings `dbscEnabled`, `dbscCookieTtl`, `dbscChallengeTtl`, `origins`, `trustProxy`
 *   and the session signing material
 * @param now the clock
 */
export function createDbscRuntime(settings: Settings, now: () => Date): DbscRuntime {
  const key = macKey(settings);
  const mac = (purpose: MacPurpose, text: string) =>
    createHmac("sha256", key).update(`${purpose}\n${text}`).digest("base64url");
  return Object.freeze({
    enabled: settings.dbscEnabled,
    origins: Object.freeze(settings.origins.filter((o) => o.startsWith("https://"))),
    trustProxy: settings.trustProxy,
    cookieTtl: settings.dbscCookieTtl,
    challengeTtl: settings.dbscChallengeTtl,
    nowSeconds: () => Math.floor(now().getTime() / 1000),
    verifiedCookies: createLruCache<string, string>({
      max: settings.authCacheSize,
      now: () => now().getTime(),
    }),
    mac,
    isMac(purpose: MacPurpose, text: string, given: string) {
      const expected = Buffer.from(mac(purpose, text));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  });
}
