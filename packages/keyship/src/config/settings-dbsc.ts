/**
 * Settings of Device Bound Session Credentials (DBSC, docs/dbsc.md) for cookie sessions.
 * @module
 */
import { boolFromString, durationFromString, type SettingSpec } from "./parsers.ts";

/** DBSC settings; merged into {@link SETTINGS} in schema.ts. */
export const DBSC_SETTINGS = {
  dbscEnabled: {
    env: "KEYSHIP_DBSC_ENABLED",
    schema: boolFromString,
    default: true,
    doc: "Offer Device Bound Session Credentials to cookie-mode sign-ins over HTTPS (`Secure-Session-Registration`); browsers without DBSC keep plain cookie sessions. Off: no header, and `/auth/dbsc/*` is not mounted.",
  },
  dbscCookieTtl: {
    env: "KEYSHIP_DBSC_COOKIE_TTL",
    schema: durationFromString(60, 86_400),
    default: 600,
    doc: "Lifetime of the short DBSC-bound cookie the browser renews with its key: seconds or `10m` (1 min to 1 day).",
  },
  dbscChallengeTtl: {
    env: "KEYSHIP_DBSC_CHALLENGE_TTL",
    schema: durationFromString(10, 900),
    default: 120,
    doc: "How long a DBSC registration or refresh challenge may be answered: seconds or `2m` (10 s to 15 min). Each is single-use.",
  },
} as const satisfies Record<string, SettingSpec>;
