/**
 * Two keyship instances on one database, each with its own caches and change feed, as two
 * server processes would be: what one changes, the other must refuse without waiting for the
 * cache lifetime (pinned at 30 s, so only the feed can explain a refusal within the wait).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeyshipApp } from "../../src/app.ts";
import type { KeyshipOptions } from "../../src/keyship.ts";
import { testApp } from "../helpers/app.ts";
import type { TestDatabase, TestDialect } from "../helpers/databases.ts";

/** The cache lifetime the suites pin: far longer than any wait of theirs. */
export const PINNED_CACHE_TTL_SECONDS = 30;

/** How long a suite waits for a change to arrive before failing (not a latency target). */
export const PROPAGATION_DEADLINE_MS = 10_000;

/** A shared database file (SQLite) or a fresh database (PostgreSQL) for several instances. */
export async function sharedDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect.name === "postgres") return await dialect.create();
  const dir = mkdtempSync(join(tmpdir(), "keyship-changes-"));
  return {
    url: `sqlite:${join(dir, "keyship.db")}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An instance of the shared database with the pinned cache lifetime and a shared secret. */
export function instanceOf(url: string, options: KeyshipOptions = {}): KeyshipApp {
  return testApp(url, {
    authCacheTtlSeconds: PINNED_CACHE_TTL_SECONDS,
    sessionSecret: "change-feed-test-secret-0123456789abcdef",
    ...options,
  });
}

/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /** Gives up after this (ms). @default {@link PROPAGATION_DEADLINE_MS} */
  readonly deadlineMs?: number;
  /** Asks again after this pause (ms). @default 5 */
  readonly everyMs?: number;
}

/**
 * Waits until `check` answers true, asking every `everyMs`, and returns how long it took (ms).
 * @throws after `deadlineMs`
 */
export async function eventually(
  check: () => Promise<boolean>,
  options: EventuallyOptions = {},
): Promise<number> {
  const { deadlineMs = PROPAGATION_DEADLINE_MS, everyMs = 5 } = options;
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > deadlineMs) {
      throw new Error(`not seen within ${deadlineMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return performance.now() - start;
}
