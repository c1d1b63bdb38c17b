import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UsersTable } from "../../src/db/schema.ts";
import { findUserById, insertUser } from "../../src/users/store.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import {
  type MigratedDatabase,
  migratedDatabase,
  persistentDatabase,
  userRow,
} from "../users/fixtures.ts";
import { keyship } from "./run.ts";

describe.each(dialects)("keyship users on $name", (dialect) => {
  let database: MigratedDatabase;
  let url: string;

  beforeAll(async () => {
    database = await migratedDatabase(dialect, true);
    url = database.target.url;
  });
  afterAll(() => database.close());

  async function seed(overrides: Partial<UsersTable> = {}) {
    const row = userRow(overrides);
    await insertUser(database.db, row);
    return row;
  }

  async function stored(id: string) {
    return await findUserById(database.db, id);
  }

  describe("list", () => {
    it("prints a table with a header row", async () => {
      await seed();
      const { code, out } = await keyship(url, "users", "list");
      expect(code).toBe(0);
      expect(out.find((l) => l.startsWith("ID "))).toMatch(
        /^ID\s+EMAIL\s+ROLE\s+SCOPES\s+DISABLED$/,
      );
    });

    it("shows each user's id, email, role and scopes", async () => {
      const user = await seed({ role: "admin", scopes: '["billing:refund","docs/read"]' });
      const { out } = await keyship(url, "users", "list", "--limit", "1000");
      expect(out.find((l) => l.startsWith(user.id))).toMatch(
        new RegExp(`^${user.id}\\s+${user.email}\\s+admin\\s+billing:refund docs/read\\s+-$`),
      );
    });

    it("keeps only users matching --search", async () => {
      const wanted = await seed({ email: "findable.person@example.net" });
      const other = await seed();
      const { out } = await keyship(url, "users", "list", "--search", "findable.person");
      expect(out.some((l) => l.startsWith(wanted.id))).toBe(true);
      expect(out.some((l) => l.startsWith(other.id))).toBe(false);
    });

    it("shows at most --limit users", async () => {
      await seed();
      await seed();
      const { out } = await keyship(url, "users", "list", "--limit", "1");
      expect(out.filter((l) => /^u[0-9a-z]{31}\s/.test(l))).toHaveLength(1);
    });

    it.each([["0"], ["-1"], ["abc"], ["1001"]])(
      "refuses --limit %s with exit code 2",
      async (limit) => {
        expect((await keyship(url, "users", "list", "--limit", limit)).code).toBe(2);
      },
    );
  });

  describe("roles", () => {
    it("promotes a user by email", async () => {
      const user = await seed();
      expect((await keyship(url, "users", "promote", user.email!.toUpperCase())).code).toBe(0);
      expect((await stored(user.id))?.role).toBe("admin");
      // Audited with the CLI as its source, in the change's transaction.
      const rows = await database.db
        .selectFrom("audit_events")
        .selectAll()
        .where("target_id", "=", user.id)
        .execute();
      expect(rows).toMatchObject([
        {
          action: "user.role_changed",
          outcome: "success",
          actor_id: null,
          user_agent: "keyship-cli",
          target_type: "user",
          data: '{"from":"user","to":"admin"}',
        },
      ]);
    });

    it("demotes an admin by id", async () => {
      const user = await seed({ role: "admin" });
      expect((await keyship(url, "users", "demote", user.id)).code).toBe(0);
      expect((await stored(user.id))?.role).toBe("user");
    });

    it("refuses to demote or disable the last active admin, changing nothing", async () => {
      await database.db
        .updateTable("users")
        .set({ role: "user" })
        .where("role", "=", "admin")
        .execute();
      const last = await seed({ role: "admin" });
      for (const command of ["demote", "disable"]) {
        const { code, err } = await keyship(url, "users", command, last.email!);
        expect(code).toBe(1);
        expect(err.join("\n")).toMatch(/last active admin; promote another user first/);
      }
      expect(await stored(last.id)).toMatchObject({ role: "admin", disabled_at: null });
      // With a second admin, the first may go.
      const second = await seed({ role: "admin" });
      expect((await keyship(url, "users", "demote", last.id)).code).toBe(0);
      expect((await stored(second.id))?.role).toBe("admin");
    });

    it("exits 0 when the user already has the role", async () => {
      const user = await seed({ role: "admin" });
      expect((await keyship(url, "users", "promote", user.id)).code).toBe(0);
    });
  });

  describe("scopes", () => {
    it("adds scopes given as separate arguments", async () => {
      const user = await seed();
      const { code } = await keyship(url, "users", "scopes", "add", user.id, "b:x", "a:y");
      expect(code).toBe(0);
      expect((await stored(user.id))?.scopes).toBe('["a:y","b:x"]');
    });

    it("removes scopes", async () => {
      const user = await seed({ scopes: '["a","b"]' });
      expect((await keyship(url, "users", "scopes", "remove", user.id, "a")).code).toBe(0);
      expect((await stored(user.id))?.scopes).toBe('["b"]');
    });

    it("refuses a malformed scope with exit code 2 and changes nothing", async () => {
      const user = await seed();
      expect((await keyship(url, "users", "scopes", "add", user.id, "ok", "b@d!")).code).toBe(2);
      expect((await stored(user.id))?.scopes).toBe("[]");
    });

    it.each([
      [["scopes"]],
      [["scopes", "add"]],
      [["scopes", "add", "someone@example.com"]],
      [["scopes", "grant", "someone@example.com", "a"]],
    ])("refuses %j with exit code 2", async (args) => {
      expect((await keyship(url, "users", ...args)).code).toBe(2);
    });
  });

  describe("disable and enable", () => {
    it("disables a user", async () => {
      const user = await seed();
      expect((await keyship(url, "users", "disable", user.id)).code).toBe(0);
      expect((await stored(user.id))?.disabled_at).not.toBeNull();
    });

    it("enables a disabled user", async () => {
      const user = await seed({ disabled_at: "2026-01-02T00:00:00.000Z" });
      expect((await keyship(url, "users", "enable", user.email!)).code).toBe(0);
      expect((await stored(user.id))?.disabled_at).toBeNull();
    });
  });

  describe("errors", () => {
    it.each([["promote"], ["demote"], ["disable"], ["enable"]])(
      "%s exits 1 for an unknown user",
      async (subcommand) => {
        expect((await keyship(url, "users", subcommand, "nobody@example.com")).code).toBe(1);
      },
    );

    it("names the unknown user on stderr", async () => {
      const { err } = await keyship(url, "users", "promote", "nobody@example.com");
      expect(err.join("\n")).toContain("nobody@example.com");
    });

    it.each([
      [["users"]],
      [["users", "frobnicate"]],
      [["users", "promote"]],
      [["users", "promote", "a@example.com", "b@example.com"]],
      [["users", "promote", "a@example.com", "--limit", "3"]],
      [["users", "list", "extra"]],
    ])("refuses %j with exit code 2", async (argv) => {
      expect((await keyship(url, ...argv)).code).toBe(2);
    });
  });
});

describe.each(dialects)("keyship users on an unmigrated $name database", (dialect) => {
  let target: TestDatabase;

  beforeAll(async () => {
    target = await persistentDatabase(dialect);
  });
  afterAll(() => target.drop());

  it("exits 1 and asks for keyship migrate", async () => {
    const { code, err } = await keyship(target.url, "users", "list");
    expect(code).toBe(1);
    expect(err.join("\n")).toContain("keyship migrate");
  });
});

describe("keyship users without a database", () => {
  it("exits 1 when the database is unreachable", async () => {
    const { code } = await keyship("postgres://postgres@127.0.0.1:1/x", "users", "list");
    expect(code).toBe(1);
  });

  it("rejects list flags on migrate with exit code 2", async () => {
    const { code } = await keyship("sqlite::memory:", "migrate", "--limit", "3");
    expect(code).toBe(2);
  });
});
