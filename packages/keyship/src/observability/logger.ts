/**
 * keyship's structured logger (pino, JSON lines).
 * @module
 */
import { type Logger, pino } from "pino";

export type { Logger } from "pino";

/**
 * Creates the logger keyship writes to. Secrets are redacted by path wherever they appear.
 * @param level pino level, or `silent`. @default "info"
 */
export function createLogger(level = "info"): Logger {
  return pino({
    level,
    base: { service: "keyship" },
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "authorization",
        "*.authorization",
        "headers.authorization",
        "headers.cookie",
        "refreshToken",
        "*.refreshToken",
      ],
      censor: "[redacted]",
    },
  });
}
