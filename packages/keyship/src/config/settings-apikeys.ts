/**
 * Settings of API keys (docs/api-keys.md).
 * @module
 */
import { rateLimitRule, type SettingSpec } from "./parsers.ts";

/** API-key settings; merged into {@link SETTINGS} in schema.ts. */
export const API_KEY_SETTINGS = {
  rateLimitApiKey: {
    env: "KEYSHIP_RATE_LIMIT_API_KEY",
    schema: rateLimitRule,
    default: "600/1m",
    doc: "Requests per API key, whatever the IP: `<hits>/<window>`; over it 429 `rate_limited` with `Retry-After`.",
  },
} as const satisfies Record<string, SettingSpec>;
