/**
 * Settings of the shared Redis: the ceremony stores, shared rate limits and the change feed
 * that several instances use to agree (docs/deployment.md).
 * @module
 */
import { z } from "zod";
import type { SettingSpec } from "./parsers.ts";

/** Redis settings; merged into {@link SETTINGS} in schema.ts. */
export const REDIS_SETTINGS = {
  redisUrl: {
    env: "KEYSHIP_REDIS_URL",
    schema: z
      .string()
      .trim()
      .regex(
        /^rediss?:\/\/[^\s]+$/,
        "must be a redis:// or rediss:// URL (e.g. redis://127.0.0.1:6379)",
      ),
    default: undefined,
    doc: "Redis shared by every instance (`redis://…` or `rediss://…`). Unset: one process keeps ceremonies and rate limits in its database and memory.",
  },
  redisPrefix: {
    env: "KEYSHIP_REDIS_PREFIX",
    schema: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9:_.-]{1,64}$/,
        "must be 1–64 characters of A–Z a–z 0–9 : _ . - (e.g. myapp:)",
      ),
    default: "keyship:",
    doc: "Prefix of every key and channel keyship uses in Redis; one per app sharing a Redis.",
  },
} as const satisfies Record<string, SettingSpec>;
