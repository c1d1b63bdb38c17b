/**
 * The last active admin stays: demoting or disabling them answers 409 `user.last_admin` and
 * changes nothing, also when two admins are demoted at the same moment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UsersTable } from "../../src/db/schema.ts";
import { ProblemError } from "../../src/errors.ts";
import { demoteUser, disableUser, type UsersContext } from "../../src/users/service.ts";
import { findUserById, insertUser } from "../../src/users/store.ts";
import { dialects } from "../helpers/databases.ts";
import { type MigratedDatabase, migratedDatabase, userRow } from "../users/fixtures.ts";

describe.each(dialects)("the last admin on $name", (dialect) => {
  let database: MigratedDatabase;
  let ctx: UsersContext;
  beforeAll(async () => {
    database = await migratedDatabase(dialect, true);
    ctx = { db: database.db, now: () => new Date(), dialect: dialect.name };
  });
  afterAll(() => database.close());

  async function onlyAdmins(count: number): Promise<UsersTable[]> {
    await database.db
      .updateTable("users")
      .set({ role: "user" })
      .where("role", "=", "admin")
      .execute();
    const rows = Array.from({ length: count }, () => userRow({ role: "admin" }));
    for (const row of rows) await insertUser(database.db, row);
    return rows;
  }

  const lastAdmin = (error: unknown) =>
    error instanceof ProblemError && error.code === "user.last_admin" && error.status === 409;

  it("refuses to demote or disable the last active admin", async () => {
    const [admin] = await onlyAdmins(1);
    await expect(demoteUser(ctx, admin!.id)).rejects.toSatisfy(lastAdmin);
    await expect(disableUser(ctx, admin!.id)).rejects.toSatisfy(lastAdmin);
    expect(await findUserById(database.db, admin!.id)).toMatchObject({
      role: "admin",
      disabled_at: null,
    });
  });

  it("does not count a disabled admin as the one left", async () => {
    const [active, disabled] = await onlyAdmins(2);
    await database.db
      .updateTable("users")
      .set({ disabled_at: "2026-01-01T00:00:00.000Z" })
      .where("id", "=", disabled!.id)
      .execute();
    await expect(demoteUser(ctx, active!.id)).rejects.toSatisfy(lastAdmin);
    // Demoting the disabled one is fine: it administers nothing.
    expect((await demoteUser(ctx, disabled!.id)).changed).toBe(true);
  });

  it("lets exactly one of two concurrent demotions of the last two admins through", async () => {
    const [a, b] = await onlyAdmins(2);
    const results = await Promise.allSettled([demoteUser(ctx, a!.id), demoteUser(ctx, b!.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(lastAdmin((refused as PromiseRejectedResult).reason)).toBe(true);
    const roles = [
      (await findUserById(database.db, a!.id))?.role,
      (await findUserById(database.db, b!.id))?.role,
    ].sort();
    expect(roles).toEqual(["admin", "user"]);
  });
});
