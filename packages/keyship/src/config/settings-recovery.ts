/**
 * Settings of account recovery (recovery codes, the optional recovery email) and email change.
 * @module
 */
import { boolFromString, intFromString, rateLimitRule, type SettingSpec } from "./parsers.ts";

/** Recovery and email-change settings; merged into {@link SETTINGS} in schema.ts. */
export const RECOVERY_SETTINGS = {
  recoveryEmailEnabled: {
    env: "KEYSHIP_RECOVERY_EMAIL_ENABLED",
    schema: boolFromString,
    default: false,
    doc: "Let a user who lost every passkey get a single-use recovery link by email (`POST /auth/recovery/email`). Off: only recovery codes recover an account, so access to the mailbox alone never does.",
  },
  recoveryEmailExpireMinutes: {
    env: "KEYSHIP_RECOVERY_EMAIL_EXPIRE_MINUTES",
    schema: intFromString(5, 1440),
    default: 15,
    doc: "Lifetime of a recovery link, in minutes.",
  },
  emailChangeExpireMinutes: {
    env: "KEYSHIP_EMAIL_CHANGE_EXPIRE_MINUTES",
    schema: intFromString(5, 10_080),
    default: 60,
    doc: "Lifetime of the link that confirms a new email address, in minutes.",
  },
  rateLimitRecoveryPerIp: {
    env: "KEYSHIP_RATE_LIMIT_RECOVERY_IP",
    schema: rateLimitRule,
    default: "20/1h",
    doc: "Recovery attempts (`/auth/recovery/start`, recovery emails) per client IP.",
  },
  rateLimitRecoveryPerAccount: {
    env: "KEYSHIP_RATE_LIMIT_RECOVERY_ACCOUNT",
    schema: rateLimitRule,
    default: "5/1h",
    doc: "Recovery attempts per account (the email given, known or not), and email changes asked for per signed-in user.",
  },
} as const satisfies Record<string, SettingSpec>;
