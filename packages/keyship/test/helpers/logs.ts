/** A logger for tests that keeps every line it writes. */
import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/observability/logger.ts";

/**
 * A logger at `level` whose lines (raw JSON text) are kept in `lines`.
 * @example const { logger, lines } = capturedLogs("warn");
 */
export function capturedLogs(level: Parameters<typeof createLogger>[0] = "info"): {
  readonly logger: Logger;
  readonly lines: string[];
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger(level, { destination }), lines };
}
