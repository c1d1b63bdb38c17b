/**
 * Settings of the HTTP layer's defences: HSTS, CORS and the ceremonies' abuse limits.
 * @module
 */
import { z } from "zod";
import {
  exactOrigin,
  intFromString,
  listFromString,
  rateLimitRule,
  type SettingSpec,
} from "./parsers.ts";

/** HTTP settings; merged into {@link SETTINGS} in schema.ts. */
export const HTTP_SETTINGS = {
  hstsMaxAgeSeconds: {
    env: "KEYSHIP_HSTS_MAX_AGE",
    schema: intFromString(0, 63_072_000),
    default: undefined,
    doc: "`Strict-Transport-Security: max-age=…; includeSubDomains` on every answer, in seconds; `0` sends none. Unset: one year (31536000) in production, none in development.",
  },
  corsOrigins: {
    env: "KEYSHIP_CORS_ORIGINS",
    schema: listFromString.pipe(z.array(exactOrigin)),
    default: undefined,
    doc: "Comma-separated exact origins whose pages may call the API from another origin (CORS, with credentials). Unset: CORS stays off and browsers keep other origins out. Never `*`.",
  },
  maxDevicesPerUser: {
    env: "KEYSHIP_MAX_DEVICES_PER_USER",
    schema: intFromString(1, 1000),
    default: 20,
    doc: "Most active devices a user may have: a sign-in beyond it revokes the least recently used one.",
  },
  rateLimitCeremonyPerIp: {
    env: "KEYSHIP_RATE_LIMIT_CEREMONY_IP",
    schema: rateLimitRule,
    default: "100/5m",
    doc: "Passkey and step-up ceremony calls (every start and finish) per client IP: `<hits>/<window>`.",
  },
  rateLimitCeremonyPerAccount: {
    env: "KEYSHIP_RATE_LIMIT_CEREMONY_ACCOUNT",
    schema: rateLimitRule,
    default: "30/5m",
    doc: "Ceremony calls of a signed-in account (adding a passkey, step-up) per account: `<hits>/<window>`.",
  },
  rateLimitOauthToken: {
    env: "KEYSHIP_RATE_LIMIT_OAUTH_TOKEN",
    schema: rateLimitRule,
    default: "300/1m",
    doc: "Calls of the OAuth token endpoint (`POST /auth/oauth/token`) per client IP, and again per authenticated client: `<hits>/<window>`.",
  },
  maxOpenChallengesPerIp: {
    env: "KEYSHIP_MAX_OPEN_CHALLENGES_PER_IP",
    schema: intFromString(2, 10_000),
    default: 40,
    doc: "Most open ceremony challenges (each `…/start` stores one for `webauthnTtlSeconds`) one client IP can hold; half as many starts are allowed per challenge lifetime.",
  },
} as const satisfies Record<string, SettingSpec>;
