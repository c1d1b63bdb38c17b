/** Per-suite app setup on one dialect, with its test clock and row counting. */

import { sql } from "kysely";
import { afterAll, beforeAll } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import type { Database } from "../../src/db/schema.ts";
import type { KeyshipOptions } from "../../src/keyship.ts";
import { testApp } from "./app.ts";
import { clockOf, type TestClock } from "./clock.ts";
import type { TestDatabase, TestDialect } from "./databases.ts";

/** A suite's app, clock and database helpers. */
export interface Suite {
  readonly app: KeyshipApp;
  /** The app's clock: `advance(ms)` lets time pass (tests never sleep). */
  readonly clock: TestClock;
  /** Row counts of the given tables. */
  count<T extends keyof Database>(...tables: T[]): Promise<Record<T, number>>;
}

/**
 * Creates a fresh database and app for the enclosing `describe` (before all its tests) and
 * drops them afterwards. Read `suite.app` inside tests only.
 */
export function useSuite(dialect: TestDialect, options: KeyshipOptions = {}): Suite {
  let target: TestDatabase;
  let app: KeyshipApp | undefined;
  beforeAll(async () => {
    target = await dialect.create();
    app = testApp(target.url, options);
    await app.keyship.ready;
  });
  afterAll(async () => {
    await app?.keyship.close();
    await target?.drop();
  });
  return {
    get app() {
      if (app === undefined) throw new Error("the suite's app is created in beforeAll");
      return app;
    },
    get clock() {
      if (app === undefined) throw new Error("the suite's app is created in beforeAll");
      return clockOf(app);
    },
    async count(...tables) {
      const db = (app as KeyshipApp).keyship.db;
      const out = {} as Record<(typeof tables)[number], number>;
      for (const table of tables) {
        const { rows } = await sql<{
          n: number;
        }>`select count(*) as n from ${sql.table(table)}`.execute(db);
        out[table] = Number(rows[0]?.n);
      }
      return out;
    },
  };
}
