/**
 * How `keyship doctor`'s checks report: one line per outcome (`ok`, `warn`, `FAIL` with the
 * fix), counted for the summary that decides the exit code.
 * @module
 */
import type { CliIo } from "./io.ts";

/** The outcome of one check. `fail` makes doctor exit with 1. */
export type Level = "ok" | "warn" | "fail";

/** The running tally of one doctor run. */
export interface Report {
  readonly io: CliIo;
  failures: number;
  warnings: number;
}

/**
 * Prints one outcome (failures on stderr) and counts it.
 * @param fix what to do about it, printed below
 */
export function report(r: Report, level: Level, message: string, fix?: string): void {
  const tag = level === "ok" ? "  ok  " : level === "warn" ? "  warn" : "  FAIL";
  const line = `${tag}  ${message}${fix === undefined ? "" : `\n        fix: ${fix}`}`;
  if (level === "fail") {
    r.failures++;
    r.io.err(line);
  } else {
    if (level === "warn") r.warnings++;
    r.io.out(line);
  }
}

/**
 * Prints the summary line.
 * @returns the exit code: 0 when nothing failed (warnings allowed), 1 otherwise
 */
export function summarize(r: Report): number {
  const { failures, warnings } = r;
  if (failures > 0) {
    r.io.err(`${failures} problem${failures === 1 ? "" : "s"} to fix, ${warnings} warning(s)`);
    return 1;
  }
  r.io.out(warnings === 0 ? "all good" : `no problems, ${warnings} warning(s)`);
  return 0;
}
