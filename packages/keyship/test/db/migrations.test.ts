import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.ts";
import { migrateToLatest, migrationStatus } from "../../src/db/migrate.ts";
import type { DB } from "../../src/db/schema.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { userRow } from "../users/fixtures.ts";

describe.each(dialects)("migrations and transactions on $name", (dialect) => {
  let target: TestDatabase;
  let db: DB;

  beforeAll(async () => {
    target = await dialect.create();
    db = openDatabase(target.url).db;
  });
  afterAll(async () => {
    await db.destroy();
    await target.drop();
  });

  it("reports every migration pending on an empty database", async () => {
    const status = await migrationStatus(db, dialect.name);
    expect(status.length).toBeGreaterThan(0);
    expect(status.every((m) => m.executedAt === undefined)).toBe(true);
  });

  it("applies migrations, and a second run is a no-op", async () => {
    const first = await migrateToLatest(db, dialect.name);
    expect(first.map((r) => r.status)).toEqual(first.map(() => "Success"));
    expect(await migrateToLatest(db, dialect.name)).toEqual([]);
    const status = await migrationStatus(db, dialect.name);
    expect(status.every((m) => m.executedAt instanceof Date)).toBe(true);
  });

  it("stores and reads timestamps as ISO-8601 strings", async () => {
    await db
      .insertInto("users")
      .values(userRow({ id: "u-ts", email: "ts@example.com" }))
      .execute();
    const row = await db
      .selectFrom("users")
      .select("created_at")
      .where("id", "=", "u-ts")
      .executeTakeFirstOrThrow();
    expect(row.created_at).toBe("2026-01-01T00:00:00.000Z");
  });

  it("rolls back every row of a failing transaction", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto("users")
          .values(userRow({ id: "u-tx-1", email: "tx@example.com" }))
          .execute();
        // Same email: the unique index fails the second insert, so the first must vanish too.
        await trx
          .insertInto("users")
          .values(userRow({ id: "u-tx-2", email: "tx@example.com" }))
          .execute();
      }),
    ).rejects.toThrow();
    const rows = await db
      .selectFrom("users")
      .select("id")
      .where("id", "in", ["u-tx-1", "u-tx-2"])
      .execute();
    expect(rows).toEqual([]);
  });
});
