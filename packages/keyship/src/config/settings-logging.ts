/**
 * How keyship's log lines look: pretty for a person at a terminal in development, JSON lines
 * for machines (docs/observability.md).
 * @module
 */
import { z } from "zod";
import type { SettingSpec } from "./parsers.ts";

/** Logging settings; merged into {@link SETTINGS} in schema.ts. */
export const LOGGING_SETTINGS = {
  logFormat: {
    env: "KEYSHIP_LOG_FORMAT",
    schema: z.enum(["auto", "pretty", "json"]),
    default: "auto",
    doc: "`pretty`: readable lines (pino-pretty); `json`: one JSON object per line. `auto`: pretty in development when standard output is a terminal, JSON otherwise (always JSON in production).",
  },
} as const satisfies Record<string, SettingSpec>;

/**
 * Whether log lines should be pretty, from the `logFormat` setting.
 * @param settings `logFormat` and `env`
 * @param isTerminal whether standard output is a terminal @default process.stdout.isTTY
 * @example isPrettyLogging({ logFormat: "auto", env: "development" }, true) // true
 */
export function isPrettyLogging(
  settings: { readonly logFormat: "auto" | "pretty" | "json"; readonly env: string },
  isTerminal: boolean = process.stdout.isTTY === true,
): boolean {
  if (settings.logFormat !== "auto") return settings.logFormat === "pretty";
  return settings.env !== "production" && isTerminal;
}
