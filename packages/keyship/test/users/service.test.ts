import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/schema.ts";
import { ProblemError } from "../../src/errors.ts";
import {
  addUserScopes,
  demoteUser,
  disableUser,
  enableUser,
  findUserByIdOrEmail,
  listUserViews,
  promoteUser,
  removeUserScopes,
  type UsersContext,
} from "../../src/users/service.ts";
import { findUserById, insertUser } from "../../src/users/store.ts";
import { dialects } from "../helpers/databases.ts";
import { CREATED_AT, type MigratedDatabase, migratedDatabase, userRow } from "./fixtures.ts";

const NOW = "2026-05-05T12:00:00.000Z";

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return error.code;
    throw error;
  }
  return undefined;
}

describe.each(dialects)("users service on $name", (dialect) => {
  let database: MigratedDatabase;
  let db: DB;
  let ctx: UsersContext;

  beforeAll(async () => {
    database = await migratedDatabase(dialect);
    db = database.db;
    ctx = { db, now: () => new Date(NOW) };
  });
  afterAll(() => database.close());

  async function seed(overrides: Parameters<typeof userRow>[0] = {}) {
    const row = userRow(overrides);
    await insertUser(db, row);
    return row;
  }

  async function stored(id: string) {
    const row = await findUserById(db, id);
    if (row === undefined) throw new Error(`user ${id} vanished`);
    return row;
  }

  describe("resolving users", () => {
    it("finds a user by id", async () => {
      const user = await seed();
      expect((await findUserByIdOrEmail(db, user.id))?.id).toBe(user.id);
    });

    it("finds a user by email, normalizing it first", async () => {
      const user = await seed({ email: "mixed.case@example.com" });
      expect((await findUserByIdOrEmail(db, "  Mixed.Case@EXAMPLE.com "))?.id).toBe(user.id);
    });

    it.each([
      ["promoteUser", (who: string) => promoteUser(ctx, who)],
      ["demoteUser", (who: string) => demoteUser(ctx, who)],
      ["addUserScopes", (who: string) => addUserScopes(ctx, who, "a")],
      ["removeUserScopes", (who: string) => removeUserScopes(ctx, who, "a")],
      ["disableUser", (who: string) => disableUser(ctx, who)],
      ["enableUser", (who: string) => enableUser(ctx, who)],
    ])("%s answers resource.not_found for an unknown user", async (_name, run) => {
      expect(await codeOf(run("nobody@example.com"))).toBe("resource.not_found");
    });
  });

  describe("roles", () => {
    it("promotes a user to admin by email", async () => {
      const user = await seed({ email: "promote.me@example.com" });
      await promoteUser(ctx, "Promote.Me@example.com");
      expect(await stored(user.id)).toMatchObject({ role: "admin", updated_at: NOW });
    });

    it("promotes a user by id and returns the new view", async () => {
      const user = await seed();
      expect(await promoteUser(ctx, user.id)).toMatchObject({
        changed: true,
        user: { id: user.id, role: "admin" },
      });
    });

    it("leaves an admin untouched when promoting again", async () => {
      const user = await seed({ role: "admin" });
      expect((await promoteUser(ctx, user.id)).changed).toBe(false);
      expect((await stored(user.id)).updated_at).toBe(CREATED_AT);
    });

    it("demotes an admin to user", async () => {
      const user = await seed({ role: "admin" });
      await demoteUser(ctx, user.id);
      expect((await stored(user.id)).role).toBe("user");
    });

    it("leaves a plain user untouched when demoting", async () => {
      const user = await seed();
      expect((await demoteUser(ctx, user.id)).changed).toBe(false);
    });
  });

  describe("scopes", () => {
    it("adds scopes, stored sorted and without duplicates", async () => {
      const user = await seed({ scopes: '["docs/read"]' });
      await addUserScopes(ctx, user.id, "billing:refund, docs/read");
      expect(await stored(user.id)).toMatchObject({
        scopes: '["billing:refund","docs/read"]',
        updated_at: NOW,
      });
    });

    it("accepts scopes as a list", async () => {
      const user = await seed();
      await addUserScopes(ctx, user.id, ["b", "a"]);
      expect((await stored(user.id)).scopes).toBe('["a","b"]');
    });

    it("reports no change when every scope is already granted", async () => {
      const user = await seed({ scopes: '["a"]' });
      expect((await addUserScopes(ctx, user.id, "a")).changed).toBe(false);
    });

    it("refuses a malformed scope with validation.failed", async () => {
      const user = await seed();
      expect(await codeOf(addUserScopes(ctx, user.id, ["ok", "not ok!"]))).toBe(
        "validation.failed",
      );
    });

    it("stores nothing when a scope is malformed", async () => {
      const user = await seed();
      await codeOf(addUserScopes(ctx, user.id, ["ok", "bad!"]));
      expect((await stored(user.id)).scopes).toBe("[]");
    });

    it("refuses an empty scope list with validation.failed", async () => {
      const user = await seed();
      expect(await codeOf(addUserScopes(ctx, user.id, " , "))).toBe("validation.failed");
    });

    it("removes scopes", async () => {
      const user = await seed({ scopes: '["a","b","c"]' });
      await removeUserScopes(ctx, user.id, "a c");
      expect((await stored(user.id)).scopes).toBe('["b"]');
    });

    it("reports no change when removing scopes the user does not have", async () => {
      const user = await seed({ scopes: '["a"]' });
      expect((await removeUserScopes(ctx, user.id, "z")).changed).toBe(false);
    });
  });

  describe("disabling", () => {
    it("disables a user at the current time", async () => {
      const user = await seed();
      await disableUser(ctx, user.id);
      expect(await stored(user.id)).toMatchObject({ disabled_at: NOW, updated_at: NOW });
    });

    it("keeps the first disabled time when disabling again", async () => {
      const user = await seed({ disabled_at: CREATED_AT });
      expect((await disableUser(ctx, user.id)).changed).toBe(false);
      expect((await stored(user.id)).disabled_at).toBe(CREATED_AT);
    });

    it("enables a disabled user", async () => {
      const user = await seed({ disabled_at: CREATED_AT });
      await enableUser(ctx, user.id);
      expect((await stored(user.id)).disabled_at).toBeNull();
    });

    it("reports no change when enabling a user who is not disabled", async () => {
      const user = await seed();
      expect((await enableUser(ctx, user.id)).changed).toBe(false);
    });
  });

  describe("the onUserChanged hook", () => {
    it("is called with the user's id after a change", async () => {
      const user = await seed();
      const changed: string[] = [];
      await disableUser(ctx, user.email!, { onUserChanged: (id) => changed.push(id) });
      expect(changed).toEqual([user.id]);
    });

    it("is not called when nothing changed", async () => {
      const user = await seed();
      const changed: string[] = [];
      await enableUser(ctx, user.id, { onUserChanged: (id) => changed.push(id) });
      expect(changed).toEqual([]);
    });

    it("runs after the commit: a hook that throws does not undo the change", async () => {
      const user = await seed();
      const failing = promoteUser(ctx, user.id, {
        onUserChanged: () => {
          throw new Error("cache unavailable");
        },
      });
      await expect(failing).rejects.toThrow("cache unavailable");
      expect((await stored(user.id)).role).toBe("admin");
    });
  });
});

describe.each(dialects)("listing user views on $name", (dialect) => {
  let database: MigratedDatabase;
  let ctx: UsersContext;

  beforeAll(async () => {
    database = await migratedDatabase(dialect);
    ctx = { db: database.db, now: () => new Date(NOW) };
    await insertUser(database.db, userRow({ id: "u-view-1", email: "ada@example.com" }));
    await insertUser(database.db, userRow({ id: "u-view-2", email: "grace@example.org" }));
  });
  afterAll(() => database.close());

  it("returns views, never password hashes", async () => {
    const [first] = await listUserViews(ctx, { limit: 1, offset: 0 });
    expect(first).toEqual({
      id: "u-view-1",
      email: "ada@example.com",
      displayName: null,
      role: "user",
      scopes: [],
      emailVerifiedAt: null,
      disabledAt: null,
      createdAt: CREATED_AT,
    });
  });

  it("filters by search text", async () => {
    const users = await listUserViews(ctx, { limit: 10, offset: 0, search: " Grace " });
    expect(users.map((u) => u.id)).toEqual(["u-view-2"]);
  });

  it.each([[0], [1001], [1.5], [Number.NaN]])(
    "refuses limit %j with validation.failed",
    async (limit) => {
      expect(await codeOf(listUserViews(ctx, { limit, offset: 0 }))).toBe("validation.failed");
    },
  );

  it.each([[-1], [0.5]])("refuses offset %j with validation.failed", async (offset) => {
    expect(await codeOf(listUserViews(ctx, { limit: 10, offset }))).toBe("validation.failed");
  });
});
