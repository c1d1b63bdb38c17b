import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { prepared, preparedInsert } from "../../src/db/prepared.ts";
import type { DB } from "../../src/db/schema.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { userRow } from "../users/fixtures.ts";

describe.each(dialects)("prepared queries on $name", (dialect) => {
  let target: TestDatabase;
  let db: DB;

  beforeAll(async () => {
    target = await dialect.create();
    db = openDatabase(target.url).db;
    await migrateToLatest(db, dialect.name);
    for (const [id, email, role] of [
      ["u-p1", "p1@example.com", "user"],
      ["u-p2", "p2@example.com", "admin"],
    ] as const) {
      await db
        .insertInto("users")
        .values({ ...userRow({ id, email }), role })
        .execute();
    }
  });
  afterAll(async () => {
    await db.destroy();
    await target.drop();
  });

  const findEmail = prepared((db, v: { id: string; role: string | null }) =>
    db
      .selectFrom("users")
      .select("email")
      .where("id", "=", v.id)
      .where((eb) => eb.or([eb("role", "=", v.role), eb("role", "=", "admin")])),
  );

  it("runs the compiled statement with each call's values, constants kept", async () => {
    expect((await findEmail(db, { id: "u-p1", role: "user" })).rows).toEqual([
      { email: "p1@example.com" },
    ]);
    expect((await findEmail(db, { id: "u-p2", role: null })).rows).toEqual([
      { email: "p2@example.com" },
    ]);
    // `role = null` matches nothing, and u-p1 is no admin.
    expect((await findEmail(db, { id: "u-p1", role: null })).rows).toEqual([]);
  });

  it("runs inside a transaction on the transaction's connection, and rolls back with it", async () => {
    const rename = prepared((db, v: { id: string; name: string }) =>
      db.updateTable("users").set({ display_name: v.name }).where("id", "=", v.id),
    );
    await expect(
      db.transaction().execute(async (trx) => {
        const result = await rename(trx, { id: "u-p1", name: "Renamed" });
        expect(Number(result.numAffectedRows)).toBe(1);
        const seen = await trx
          .selectFrom("users")
          .select("display_name")
          .where("id", "=", "u-p1")
          .executeTakeFirstOrThrow();
        expect(seen.display_name).toBe("Renamed");
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const after = await db
      .selectFrom("users")
      .select("display_name")
      .where("id", "=", "u-p1")
      .executeTakeFirstOrThrow();
    expect(after.display_name).toBeNull();
  });

  it("refuses a value the builder reads instead of binding it", async () => {
    // Branching on a value would freeze the first call's branch into every later call.
    const branching = prepared((db, v: { id: string; admin: boolean }) => {
      const query = db.selectFrom("users").select("id").where("id", "=", v.id);
      return v.admin ? query.where("role", "=", "admin") : query;
    });
    await expect(branching(db, { id: "u-p1", admin: false })).rejects.toThrow(
      "prepared query: admin did not become parameters",
    );
  });

  it("inserts rows with every listed column, an undefined value as null", async () => {
    const row = {
      id: "a-p1",
      at: "2026-12-04T00:00:00.000Z",
      action: "user.signed_in",
      outcome: "success" as const,
      actor_id: "u-p1",
      impersonator_id: null,
      target_type: "user",
      target_id: "u-p1",
      ip: "203.0.113.9",
      user_agent: "test",
      trace_id: null,
      data: "{}",
    };
    const insertEvent = preparedInsert("audit_events", Object.keys(row) as Array<keyof typeof row>);
    await insertEvent(db, row);
    await insertEvent(db, { ...row, id: "a-p2", ip: undefined as unknown as null });
    const rows = await db
      .selectFrom("audit_events")
      .selectAll()
      .where("id", "in", ["a-p1", "a-p2"])
      .orderBy("id")
      .execute();
    expect(rows).toEqual([row, { ...row, id: "a-p2", ip: null }]);
  });

  it("builds the query anew for a database with plugins", async () => {
    const names: string[] = [];
    const withPlugin = db.withPlugin({
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        names.push("seen");
        return args.result;
      },
    });
    const { rows } = await findEmail(withPlugin, { id: "u-p2", role: "admin" });
    expect(rows).toEqual([{ email: "p2@example.com" }]);
    expect(names).toEqual(["seen"]);
  });
});
