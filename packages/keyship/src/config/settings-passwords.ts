/**
 * Settings of password sign-in, email and rate limits.
 * @module
 */
import { z } from "zod";
import {
  boolFromString,
  emailListFromString,
  intFromString,
  rateLimitRule,
  type SettingSpec,
} from "./parsers.ts";

/** Password, email and rate-limit settings; merged into {@link SETTINGS} in schema.ts. */
export const PASSWORD_SETTINGS = {
  passwordAuthEnabled: {
    env: "KEYSHIP_PASSWORD_AUTH_ENABLED",
    schema: boolFromString,
    default: false,
    doc: "Mount the password routes (register, login, reset, change, email verification).",
  },
  requireEmailVerification: {
    env: "KEYSHIP_REQUIRE_EMAIL_VERIFICATION",
    schema: boolFromString,
    default: false,
    doc: "Refuse password sign-in until the account's email address is verified.",
  },
  passwordResetExpireMinutes: {
    env: "KEYSHIP_PASSWORD_RESET_EXPIRE_MINUTES",
    schema: intFromString(5, 1440),
    default: 30,
    doc: "Lifetime of password-reset and email-verification links, in minutes.",
  },
  passwordMinLength: {
    env: "KEYSHIP_PASSWORD_MIN_LENGTH",
    schema: intFromString(8, 128),
    default: 8,
    doc: "Fewest characters (Unicode code points, after NFKC) a new password may have. The most is 128.",
  },
  argon2MemoryKib: {
    env: "KEYSHIP_ARGON2_MEMORY_KIB",
    schema: intFromString(19_456, 262_144),
    default: 19_456,
    doc: "argon2id memory cost `m` in KiB for new password hashes.",
  },
  argon2TimeCost: {
    env: "KEYSHIP_ARGON2_TIME_COST",
    schema: intFromString(2, 16),
    default: 2,
    doc: "argon2id passes `t` for new password hashes.",
  },
  argon2Parallelism: {
    env: "KEYSHIP_ARGON2_PARALLELISM",
    schema: intFromString(1, 1),
    default: 1,
    doc: "argon2id lanes `p`; must be 1.",
  },
  passwordHashConcurrency: {
    env: "KEYSHIP_PASSWORD_HASH_CONCURRENCY",
    schema: intFromString(1, 64),
    default: undefined,
    doc: "Most password hashes or verifies running at once; the rest queue. Unset: one less than the CPU count, at least 1.",
  },
  smtpUrl: {
    env: "KEYSHIP_SMTP_URL",
    schema: z.string().min(1),
    default: undefined,
    doc: "`smtp://…` or `smtps://…` server for reset and verification emails. Unset: emails are logged (development only).",
  },
  mailFrom: {
    env: "KEYSHIP_MAIL_FROM",
    schema: z.string().min(1),
    default: undefined,
    doc: "Sender of keyship's emails, e.g. `Acme <no-reply@acme.example>`; required with KEYSHIP_SMTP_URL.",
  },
  appUrl: {
    env: "KEYSHIP_APP_URL",
    schema: z.url({ error: "must be an absolute URL" }),
    default: undefined,
    doc: "Public URL of the web app, e.g. `https://app.example.com`; email links point under it. Unset: the first origin.",
  },
  bootstrapAdminEmails: {
    env: "KEYSHIP_BOOTSTRAP_ADMIN_EMAILS",
    schema: emailListFromString,
    default: undefined,
    doc: "Emails that sign up as admins: a JSON list or comma-separated, e.g. `ada@example.com,grace@example.com`.",
  },
  firstUserIsAdmin: {
    env: "KEYSHIP_FIRST_USER_IS_ADMIN",
    schema: boolFromString,
    default: false,
    doc: "The first account created with an email becomes an admin.",
  },
  trustProxy: {
    env: "KEYSHIP_TRUST_PROXY",
    schema: boolFromString,
    default: false,
    doc: "Take the client IP (for rate limits) from the last X-Forwarded-For entry, and the public scheme and host of DBSC requests from X-Forwarded-Proto / X-Forwarded-Host. Only behind a proxy that sets them.",
  },
  rateLimitLoginPerIp: {
    env: "KEYSHIP_RATE_LIMIT_LOGIN_IP",
    schema: rateLimitRule,
    default: "50/15m",
    doc: "Password logins (and password changes) per client IP: `<hits>/<window>`.",
  },
  rateLimitLoginPerAccount: {
    env: "KEYSHIP_RATE_LIMIT_LOGIN_ACCOUNT",
    schema: rateLimitRule,
    default: "10/15m",
    doc: "Password logins (and password changes) per account (email): `<hits>/<window>`.",
  },
  rateLimitRegisterPerIp: {
    env: "KEYSHIP_RATE_LIMIT_REGISTER_IP",
    schema: rateLimitRule,
    default: "10/1h",
    doc: "Password registrations per client IP.",
  },
  rateLimitEmailPerIp: {
    env: "KEYSHIP_RATE_LIMIT_EMAIL_IP",
    schema: rateLimitRule,
    default: "10/1h",
    doc: "Reset and verification emails requested per client IP.",
  },
  rateLimitEmailPerAccount: {
    env: "KEYSHIP_RATE_LIMIT_EMAIL_ACCOUNT",
    schema: rateLimitRule,
    default: "3/1h",
    doc: "Reset and verification emails requested per account (email or user).",
  },
} as const satisfies Record<string, SettingSpec>;
