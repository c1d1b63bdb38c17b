/**
 * API keys end to end: creation (step-up, format, shown once, stored as a hash, audited),
 * listing, both headers, the principal (scopes ∩ the owner's current scopes, role `user`),
 * refused creations, and every way a key is refused (malformed, bad checksum, unknown,
 * expired, disabled owner) with its 401 code.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { apiKeyChecksum, hashApiKey } from "../../src/apikeys/model.ts";
import { eventsOf } from "../admin/fixtures.ts";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import {
  accountWithScopes,
  addProbeRoutes,
  bearerKey,
  createKey,
  disableUser,
  getWith,
  postSteppedUp,
  setScopes,
} from "./fixtures.ts";

const INVALID = 'Bearer error="invalid_token"';

describe.each(dialects)("API keys on $name", (dialect) => {
  const suite = useSuite(dialect);
  beforeAll(() => addProbeRoutes(suite.app));
  const whoami = (headers: Record<string, string>) => getWith(suite.app, "/whoami", headers);

  async function expectRefused(res: Response, code: string) {
    expect([res.status, await codeOf(res)]).toEqual([401, code]);
    expect(res.headers.get("www-authenticate")).toContain(INVALID);
  }

  it("creates a key after a step-up: 201, the key once, its SHA-256 alone in the row, audited", async () => {
    const owner = await accountWithScopes(suite.app, ["reports:read", "reports:write"]);
    const before = await postJson(suite.app, "/auth/api-keys", { name: "ci" }, await owner.auth());
    expect([before.status, await codeOf(before)]).toEqual([401, "auth.step_up_required"]);

    const created = await createKey(suite.app, owner, {
      name: "ci",
      scopes: ["reports:read"],
      expiresInDays: 30,
    });
    expect(created.key).toMatch(/^ksk_[0-9A-Za-z]{49}$/);
    expect(created.key.slice(-6)).toBe(apiKeyChecksum(created.key.slice(4, 47)));
    expect(created).toMatchObject({
      name: "ci",
      prefix: created.key.slice(0, 12),
      scopes: ["reports:read"],
      lastUsedAt: null,
    });
    expect(created.id).toMatch(/^a[0-9a-z]{31}$/);
    expect(Date.parse(created.expiresAt as string) - Date.parse(created.createdAt)).toBe(
      30 * 86_400_000,
    );

    const row = await suite.app.keyship.db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: owner.userId, secret_hash: hashApiKey(created.key) });
    expect(JSON.stringify(row)).not.toContain(created.key.slice(12));

    const list = (await (
      await getWith(suite.app, "/auth/api-keys", await owner.auth())
    ).json()) as {
      apiKeys: Array<Record<string, unknown>>;
    };
    expect(list.apiKeys).toEqual([
      {
        id: created.id,
        name: "ci",
        prefix: created.prefix,
        scopes: ["reports:read"],
        createdAt: created.createdAt,
        lastUsedAt: null,
        expiresAt: created.expiresAt,
      },
    ]);
    expect(JSON.stringify(list)).not.toContain(created.key);

    const events = await eventsOf(suite.app, { action: "apikey.created" });
    expect(events).toMatchObject([
      {
        actorId: owner.userId,
        targetType: "apikey",
        targetId: created.id,
        data: { name: "ci", scopes: ["reports:read"], expiresAt: created.expiresAt },
      },
    ]);
  });

  it("accepts a key as Authorization: Bearer and as X-API-Key, as an apikey principal", async () => {
    const owner = await accountWithScopes(suite.app, ["reports:read"]);
    const { id, key } = await createKey(suite.app, owner, { name: "k", scopes: ["reports:read"] });
    for (const headers of [bearerKey(key), { "x-api-key": key }]) {
      const res = await whoami(headers);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        userId: owner.userId,
        role: "user",
        scopes: ["reports:read"],
        via: "apikey",
        keyId: id,
      });
      expect((await getWith(suite.app, "/reports", headers)).status).toBe(200);
    }
  });

  it("grants only the key's scopes that the owner holds now, role user even for an admin", async () => {
    const owner = await accountWithScopes(suite.app, ["reports:read", "billing:refund"]);
    await suite.app.keyship.db
      .updateTable("users")
      .set({ role: "admin" })
      .where("id", "=", owner.userId)
      .execute();
    suite.app.keyship.invalidateUser(owner.userId);
    const { key } = await createKey(suite.app, owner, { name: "k", scopes: ["reports:read"] });
    expect(await (await whoami(bearerKey(key))).json()).toMatchObject({
      role: "user",
      scopes: ["reports:read"],
    });
    expect((await getWith(suite.app, "/admin/api/overview", bearerKey(key))).status).toBe(403);

    await setScopes(suite.app, owner.userId, ["billing:refund"]);
    expect(await (await whoami(bearerKey(key))).json()).toMatchObject({ scopes: [] });
    const scoped = await getWith(suite.app, "/reports", bearerKey(key));
    expect([scoped.status, await codeOf(scoped)]).toEqual([403, "auth.forbidden"]);

    await setScopes(suite.app, owner.userId, ["reports:read"]);
    expect((await getWith(suite.app, "/reports", bearerKey(key))).status).toBe(200);
  });

  it("gives a key without scopes none, whatever its owner holds", async () => {
    const owner = await accountWithScopes(suite.app, ["reports:read"]);
    const created = await createKey(suite.app, owner, { name: "plain" });
    expect(created.scopes).toEqual([]);
    expect(await (await whoami(bearerKey(created.key))).json()).toMatchObject({ scopes: [] });
    expect((await getWith(suite.app, "/reports", bearerKey(created.key))).status).toBe(403);
  });

  it("refuses a key asking for a scope its owner lacks with 403 missing_scopes, creating nothing", async () => {
    const owner = await accountWithScopes(suite.app, ["reports:read"]);
    const res = await postSteppedUp(suite.app, owner, "/auth/api-keys", {
      name: "greedy",
      scopes: ["reports:read", "billing:refund"],
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      code: "auth.forbidden",
      missing_scopes: ["billing:refund"],
    });
    const rows = await suite.app.keyship.db
      .selectFrom("api_keys")
      .select("id")
      .where("user_id", "=", owner.userId)
      .execute();
    expect(rows).toEqual([]);
  });

  it.each([
    ["no name", {}],
    ["an empty name", { name: " " }],
    ["a malformed scope", { name: "k", scopes: ["not a scope"] }],
    ["0 days", { name: "k", expiresInDays: 0 }],
    ["an unknown member", { name: "k", role: "admin" }],
  ])("refuses a creation with %s as validation.failed", async (_name, body) => {
    const owner = await accountWithScopes(suite.app);
    const res = await postSteppedUp(suite.app, owner, "/auth/api-keys", body);
    expect([res.status, await codeOf(res)]).toEqual([400, "validation.failed"]);
  });

  it("refuses malformed keys, a bad checksum and an unknown key with token.invalid", async () => {
    const owner = await accountWithScopes(suite.app);
    const { key } = await createKey(suite.app, owner);
    const body = key.slice(4, 47);
    const flipped = body[0] === "A" ? `B${body.slice(1)}` : `A${body.slice(1)}`;
    const forged = `ksk_${flipped}${apiKeyChecksum(flipped)}`; // well-formed, never issued
    for (const bad of [
      "ksk_",
      key.slice(0, -1),
      `${key}0`,
      `${key.slice(0, -6)}000000`, // wrong checksum
      `ksk_${flipped}${key.slice(-6)}`, // a changed character: the checksum no longer fits
      `${key.slice(0, 20)}-${key.slice(21)}`,
      forged,
    ]) {
      await expectRefused(await whoami(bearerKey(bad)), "token.invalid");
      await expectRefused(await whoami({ "x-api-key": bad }), "token.invalid");
    }
  });

  it("refuses an expired key with token.expired", async () => {
    const owner = await accountWithScopes(suite.app);
    const { key } = await createKey(suite.app, owner, { name: "short", expiresInDays: 1 });
    expect((await whoami(bearerKey(key))).status).toBe(200);
    suite.clock.advance(86_400_000);
    await expectRefused(await whoami(bearerKey(key)), "token.expired");
  });

  it("refuses the keys of a disabled owner on the next request", async () => {
    const owner = await accountWithScopes(suite.app);
    const { key } = await createKey(suite.app, owner);
    expect((await whoami(bearerKey(key))).status).toBe(200);
    await disableUser(suite.app, owner.userId);
    await expectRefused(await whoami(bearerKey(key)), "token.invalid");
  });

  it("judges a request by Authorization over X-API-Key, and X-API-Key over a foreign value", async () => {
    const owner = await accountWithScopes(suite.app);
    const { key } = await createKey(suite.app, owner);
    const both = await whoami({ ...(await owner.auth()), "x-api-key": key });
    expect(await both.json()).toMatchObject({ via: "device" });
    const foreign = await whoami({ "x-api-key": "someone-elses-key" });
    expect([foreign.status, await codeOf(foreign)]).toEqual([401, "auth.unauthenticated"]);
  });
});
