import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Kysely, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { adaptDatabaseSync, createSqliteDialect } from "../../src/db/sqlite.ts";

interface T {
  items: { id: number; name: string; flag: number };
}

const open: Kysely<T>[] = [];
function kysely(path = ":memory:"): Kysely<T> {
  const db = new Kysely<T>({ dialect: createSqliteDialect(path) });
  open.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.destroy()));
});

describe("node:sqlite adapter", () => {
  it("spreads parameters and flags statements that return rows as readers", () => {
    const raw = new DatabaseSync(":memory:");
    const db = adaptDatabaseSync(raw);
    db.prepare("create table t (a integer, b text)").run([]);
    const insert = db.prepare("insert into t (a, b) values (?, ?)");
    expect(insert.reader).toBe(false);
    expect(insert.run([1, "x"]).changes).toBe(1);
    const select = db.prepare("select a, b from t where a = ?");
    expect(select.reader).toBe(true);
    expect(select.all([1])).toEqual([{ a: 1, b: "x" }]);
    expect([...select.iterate([1])]).toEqual([{ a: 1, b: "x" }]);
    db.close();
  });

  it("binds booleans, undefined and dates that node:sqlite refuses as is", () => {
    const db = adaptDatabaseSync(new DatabaseSync(":memory:"));
    const row = db
      .prepare("select ? as t, ? as f, ? as n, ? as d")
      .all([true, false, undefined, new Date("2026-01-02T03:04:05.000Z")]);
    expect(row).toEqual([{ t: 1, f: 0, n: null, d: "2026-01-02T03:04:05.000Z" }]);
    db.close();
  });

  it("runs Kysely queries, including insert … returning", async () => {
    const db = kysely();
    await db.schema
      .createTable("items")
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("name", "text")
      .addColumn("flag", "integer")
      .execute();
    const inserted = await db
      .insertInto("items")
      .values({ id: 1, name: "a", flag: 1 })
      .returning(["id", "name"])
      .executeTakeFirstOrThrow();
    expect(inserted).toEqual({ id: 1, name: "a" });
    const result = await db
      .updateTable("items")
      .set({ name: "b" })
      .where("id", "=", 1)
      .executeTakeFirst();
    expect(result.numUpdatedRows).toBe(1n);
    expect(await db.selectFrom("items").selectAll().execute()).toEqual([
      { id: 1, name: "b", flag: 1 },
    ]);
  });

  it("turns on WAL, foreign keys and a busy timeout for files", async () => {
    const db = kysely(join(mkdtempSync(join(tmpdir(), "keyship-sqlite-")), "k.db"));
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`PRAGMA ${name}`).execute(db)).rows[0] as object)[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(await pragma("foreign_keys")).toBe(1);
    expect(await pragma("busy_timeout")).toBe(5000);
  });

  it("enforces foreign keys", async () => {
    const db = kysely();
    await sql`create table parent (id integer primary key)`.execute(db);
    await sql`create table child (id integer primary key, parent_id integer references parent(id))`.execute(
      db,
    );
    await expect(sql`insert into child (id, parent_id) values (1, 99)`.execute(db)).rejects.toThrow(
      /FOREIGN KEY/,
    );
  });
});
