import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/schema.ts";
import {
  countUsers,
  findUserByEmail,
  findUserById,
  insertUser,
  listUsers,
  setUserDisabled,
  updateUserRole,
  updateUserScopes,
} from "../../src/users/store.ts";
import { dialects } from "../helpers/databases.ts";
import { type MigratedDatabase, migratedDatabase, userRow } from "./fixtures.ts";

const LATER = "2026-02-02T10:00:00.000Z";

describe.each(dialects)("users store on $name", (dialect) => {
  let database: MigratedDatabase;
  let db: DB;

  beforeAll(async () => {
    database = await migratedDatabase(dialect);
    db = database.db;
  });
  afterAll(() => database.close());

  describe("insert and find", () => {
    it("reads back every column of an inserted user by id", async () => {
      const row = userRow({
        display_name: "Ada",
        role: "admin",
        scopes: '["a","b"]',
        password_hash: "$argon2id$x",
        email_verified_at: "2026-01-02T00:00:00.000Z",
        disabled_at: "2026-01-03T00:00:00.000Z",
      });
      await insertUser(db, row);
      expect(await findUserById(db, row.id)).toEqual(row);
    });

    it("returns undefined for an unknown id", async () => {
      expect(await findUserById(db, "u-does-not-exist")).toBeUndefined();
    });

    it("finds a user by normalized email", async () => {
      const row = userRow({ email: "grace.find@example.com" });
      await insertUser(db, row);
      expect((await findUserByEmail(db, "grace.find@example.com"))?.id).toBe(row.id);
    });

    it("returns undefined for an unknown email", async () => {
      expect(await findUserByEmail(db, "nobody@example.com")).toBeUndefined();
    });

    it("refuses a second user with the same email", async () => {
      await insertUser(db, userRow({ email: "twice@example.com" }));
      await expect(insertUser(db, userRow({ email: "twice@example.com" }))).rejects.toThrow();
    });

    it("runs inside a transaction, which a rollback undoes", async () => {
      const row = userRow();
      await expect(
        db.transaction().execute(async (trx) => {
          await insertUser(trx, row);
          expect((await findUserById(trx, row.id))?.id).toBe(row.id);
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await findUserById(db, row.id)).toBeUndefined();
    });
  });

  describe("update", () => {
    it("sets the role and updated_at, reporting one row changed", async () => {
      const row = userRow();
      await insertUser(db, row);
      expect(await updateUserRole(db, row.id, "admin", LATER)).toBe(1);
      expect(await findUserById(db, row.id)).toMatchObject({ role: "admin", updated_at: LATER });
    });

    it("reports no row changed when setting the role of an unknown user", async () => {
      expect(await updateUserRole(db, "u-does-not-exist", "admin", LATER)).toBe(0);
    });

    it("replaces the scopes and updated_at, reporting one row changed", async () => {
      const row = userRow({ scopes: '["old"]' });
      await insertUser(db, row);
      expect(await updateUserScopes(db, row.id, '["a","b"]', LATER)).toBe(1);
      expect(await findUserById(db, row.id)).toMatchObject({
        scopes: '["a","b"]',
        updated_at: LATER,
      });
    });

    it("reports no row changed when setting the scopes of an unknown user", async () => {
      expect(await updateUserScopes(db, "u-does-not-exist", "[]", LATER)).toBe(0);
    });

    it("disables a user with the given time", async () => {
      const row = userRow();
      await insertUser(db, row);
      expect(await setUserDisabled(db, row.id, LATER, LATER)).toBe(1);
      expect(await findUserById(db, row.id)).toMatchObject({
        disabled_at: LATER,
        updated_at: LATER,
      });
    });

    it("enables a disabled user with null", async () => {
      const row = userRow({ disabled_at: LATER });
      await insertUser(db, row);
      expect(await setUserDisabled(db, row.id, null, LATER)).toBe(1);
      expect((await findUserById(db, row.id))?.disabled_at).toBeNull();
    });

    it("reports no row changed when disabling an unknown user", async () => {
      expect(await setUserDisabled(db, "u-does-not-exist", LATER, LATER)).toBe(0);
    });

    it("changes only the targeted user", async () => {
      const [target, bystander] = [userRow(), userRow()];
      await insertUser(db, target);
      await insertUser(db, bystander);
      await updateUserRole(db, target.id, "admin", LATER);
      expect(await findUserById(db, bystander.id)).toEqual(bystander);
    });
  });
});

describe.each(dialects)("listing users on $name", (dialect) => {
  let database: MigratedDatabase;
  let db: DB;
  const rows = [
    userRow({ id: "u-list-3", email: "c@example.org", created_at: "2026-03-03T00:00:00.000Z" }),
    userRow({ id: "u-list-1", email: "a@example.com", created_at: "2026-03-01T00:00:00.000Z" }),
    userRow({
      id: "u-list-2b",
      email: null,
      display_name: "Grace HOPPER",
      created_at: "2026-03-02T00:00:00.000Z",
    }),
    userRow({
      id: "u-list-2a",
      email: "100%_sure@example.com",
      created_at: "2026-03-02T00:00:00.000Z",
    }),
  ];

  beforeAll(async () => {
    database = await migratedDatabase(dialect);
    db = database.db;
    for (const row of rows) await insertUser(db, row);
  });
  afterAll(() => database.close());

  const ids = (list: readonly { id: string }[]) => list.map((r) => r.id);

  it("lists users oldest first, then by id", async () => {
    expect(ids(await listUsers(db, { limit: 10, offset: 0 }))).toEqual([
      "u-list-1",
      "u-list-2a",
      "u-list-2b",
      "u-list-3",
    ]);
  });

  it("pages with limit and offset", async () => {
    expect(ids(await listUsers(db, { limit: 2, offset: 1 }))).toEqual(["u-list-2a", "u-list-2b"]);
  });

  it("returns every column", async () => {
    const [first] = await listUsers(db, { limit: 1, offset: 0 });
    expect(first).toEqual(rows[1]);
  });

  it("searches emails by substring", async () => {
    expect(ids(await listUsers(db, { limit: 10, offset: 0, search: "example.org" }))).toEqual([
      "u-list-3",
    ]);
  });

  it("searches display names case-insensitively", async () => {
    expect(ids(await listUsers(db, { limit: 10, offset: 0, search: "grace hop" }))).toEqual([
      "u-list-2b",
    ]);
  });

  it("searches ids", async () => {
    expect(ids(await listUsers(db, { limit: 10, offset: 0, search: "list-2" }))).toEqual([
      "u-list-2a",
      "u-list-2b",
    ]);
  });

  it.each([["%"], ["_"], ["%_"]])("treats %j in a search as a literal character", async (s) => {
    expect(ids(await listUsers(db, { limit: 10, offset: 0, search: s }))).toEqual(["u-list-2a"]);
  });

  it("treats an empty search as no search", async () => {
    expect(await listUsers(db, { limit: 10, offset: 0, search: "" })).toHaveLength(4);
  });

  it("counts every user", async () => {
    expect(await countUsers(db)).toBe(4);
  });
});
