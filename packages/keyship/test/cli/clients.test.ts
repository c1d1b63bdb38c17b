/**
 * `keyship clients create|list|rotate-secret|delete`: the secret printed once and stored as
 * SHA-256 only, changes audited with the CLI as source, helpful errors and exit codes.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "../../src/audit/service.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { type MigratedDatabase, migratedDatabase, persistentDatabase } from "../users/fixtures.ts";
import { keyship } from "./run.ts";

/** The client id and secret a `create` or `rotate-secret` printed. */
function printed(out: readonly string[]) {
  const field = (name: string) =>
    out
      .find((line) => line.trim().startsWith(`${name}:`))
      ?.split(":")
      .slice(1)
      .join(":")
      .trim();
  return { id: field("client_id") as string, secret: field("client_secret") as string };
}

describe.each(dialects)("keyship clients on $name", (dialect) => {
  let database: MigratedDatabase;
  let url: string;
  beforeAll(async () => {
    database = await migratedDatabase(dialect, true);
    url = database.target.url;
  });
  afterAll(() => database.close());

  const row = (id: string) =>
    database.db.selectFrom("oauth_clients").selectAll().where("id", "=", id).executeTakeFirst();

  it("creates a client, prints its id and secret once, and stores only the secret's hash", async () => {
    const { code, out } = await keyship(
      url,
      "clients",
      "create",
      "billing-worker",
      "--scopes",
      "invoices:read,invoices:write",
    );
    expect(code).toBe(0);
    const { id, secret } = printed(out);
    expect(id).toMatch(/^o[0-9a-z]{31}$/);
    expect(secret).toMatch(/^kss_[A-Za-z0-9_-]{43}$/);
    expect(await row(id)).toMatchObject({
      name: "billing-worker",
      scopes: '["invoices:read","invoices:write"]',
      allow_refresh: 0,
      secret_hash: createHash("sha256").update(secret).digest("hex"),
    });
    expect(JSON.stringify(await row(id))).not.toContain(secret);
    expect(out.join("\n")).toContain("shown this once");
  });

  it("creates a client allowed to refresh with --refresh", async () => {
    const { out } = await keyship(
      url,
      "clients",
      "create",
      "sync-job",
      "--scopes",
      "sync",
      "--refresh",
    );
    expect((await row(printed(out).id))?.allow_refresh).toBe(1);
  });

  it("audits the creation with the CLI as its source", async () => {
    const { out } = await keyship(url, "clients", "create", "audited-job", "--scopes", "a");
    const { id } = printed(out);
    const { items } = await listAuditEvents({ db: database.db }, { target: id }, { limit: 10 });
    expect(items).toEqual([
      expect.objectContaining({
        action: "client.created",
        actorId: null,
        userAgent: "keyship-cli",
        targetType: "client",
        data: { name: "audited-job", scopes: ["a"], allowRefresh: false },
      }),
    ]);
  });

  it("lists clients without their secrets", async () => {
    const created = printed(
      (await keyship(url, "clients", "create", "listed-job", "--scopes", "x:y")).out,
    );
    const { code, out } = await keyship(url, "clients", "list");
    expect(code).toBe(0);
    expect(out.find((l) => l.startsWith("ID "))).toMatch(
      /^ID\s+NAME\s+SCOPES\s+REFRESH\s+CREATED\s+ROTATED$/,
    );
    expect(out.find((l) => l.startsWith(created.id))).toMatch(
      new RegExp(`^${created.id}\\s+listed-job\\s+x:y\\s+no\\s+\\S+\\s+-$`),
    );
    expect(out.join("\n")).not.toContain("kss_");
  });

  it("rotates a secret by name: a new secret, the old hash gone", async () => {
    const created = printed((await keyship(url, "clients", "create", "rotated-job")).out);
    const { code, out } = await keyship(url, "clients", "rotate-secret", "rotated-job");
    const rotated = printed(out);
    expect([code, rotated.id]).toEqual([0, created.id]);
    expect(rotated.secret).not.toBe(created.secret);
    expect(await row(created.id)).toMatchObject({
      secret_hash: createHash("sha256").update(rotated.secret).digest("hex"),
      secret_rotated_at: expect.any(String),
    });
  });

  it("deletes a client by id, which frees its name", async () => {
    const created = printed((await keyship(url, "clients", "create", "deleted-job")).out);
    expect((await keyship(url, "clients", "delete", created.id)).code).toBe(0);
    expect((await row(created.id))?.deleted_at).not.toBeNull();
    expect((await keyship(url, "clients", "list")).out.some((l) => l.startsWith(created.id))).toBe(
      false,
    );
    expect((await keyship(url, "clients", "create", "deleted-job")).code).toBe(0);
  });

  it("refuses a taken name with exit code 1 and says what to do", async () => {
    await keyship(url, "clients", "create", "taken-job");
    const { code, err } = await keyship(url, "clients", "create", "taken-job");
    expect(code).toBe(1);
    expect(err.join("\n")).toContain("keyship clients delete taken-job");
  });

  it.each(["rotate-secret", "delete"])(
    "%s of an unknown client exits 1 and names it",
    async (subcommand) => {
      const { code, err } = await keyship(url, "clients", subcommand, "nobody-job");
      expect(code).toBe(1);
      expect(err.join("\n")).toContain("nobody-job");
    },
  );

  it.each([
    [["clients"]],
    [["clients", "frobnicate"]],
    [["clients", "create"]],
    [["clients", "create", "a", "b"]],
    [["clients", "create", "bad name!"]],
    [["clients", "create", "ok-name", "--scopes", "b@d!"]],
    [["clients", "list", "--refresh"]],
    [["clients", "delete"]],
  ])("refuses %j with exit code 2", async (argv) => {
    expect((await keyship(url, ...argv)).code).toBe(2);
  });
});

describe.each(dialects)("keyship clients on an unmigrated $name database", (dialect) => {
  let target: TestDatabase;
  beforeAll(async () => {
    target = await persistentDatabase(dialect);
  });
  afterAll(() => target.drop());

  it("exits 1 and asks for keyship migrate", async () => {
    const { code, err } = await keyship(target.url, "clients", "list");
    expect(code).toBe(1);
    expect(err.join("\n")).toContain("keyship migrate");
  });
});
