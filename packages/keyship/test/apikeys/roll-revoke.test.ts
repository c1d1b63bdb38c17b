/**
 * Rolling and revoking API keys: both need a step-up and are audited; a revoked key is
 * refused on its very next request (warm or not); a rolled key's previous secret works until
 * the chosen time and then is refused; nobody can touch someone else's key (404); and an API
 * key can manage neither keys nor the account.
 */
import { beforeAll, describe, expect, it } from "vitest";
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
  getWith,
  type IssuedKey,
  postSteppedUp,
} from "./fixtures.ts";

const HOUR = 3_600_000;

describe.each(dialects)("rolling and revoking API keys on $name", (dialect) => {
  const suite = useSuite(dialect);
  beforeAll(() => addProbeRoutes(suite.app));
  const whoami = (key: string) => getWith(suite.app, "/whoami", bearerKey(key));
  const statusOf = async (key: string) => (await whoami(key)).status;

  it("revokes a key: 204, refused at once with token.revoked, gone from the list, audited", async () => {
    const owner = await accountWithScopes(suite.app);
    const { id, key } = await createKey(suite.app, owner);
    expect(await statusOf(key)).toBe(200); // cached now

    suite.clock.advance(301_000); // past the step-up of the creation
    const unstepped = await postJson(
      suite.app,
      `/auth/api-keys/${id}/revoke`,
      {},
      await owner.auth(),
    );
    expect([unstepped.status, await codeOf(unstepped)]).toEqual([401, "auth.step_up_required"]);
    expect(await statusOf(key)).toBe(200);

    const res = await postSteppedUp(suite.app, owner, `/auth/api-keys/${id}/revoke`);
    expect(res.status).toBe(204);
    const refused = await whoami(key);
    expect([refused.status, await codeOf(refused)]).toEqual([401, "token.revoked"]);
    const list = await (await getWith(suite.app, "/auth/api-keys", await owner.auth())).json();
    expect(list).toEqual({ apiKeys: [] });
    expect(await eventsOf(suite.app, { action: "apikey.revoked", target: id })).toMatchObject([
      { actorId: owner.userId, targetType: "apikey", data: { name: "ci" } },
    ]);

    const again = await postSteppedUp(suite.app, owner, `/auth/api-keys/${id}/revoke`);
    expect([again.status, await codeOf(again)]).toEqual([404, "resource.not_found"]);
  });

  it("rolls a key: a new secret at once, the old one until the chosen time, then 401", async () => {
    const owner = await accountWithScopes(suite.app);
    const old = await createKey(suite.app, owner);
    expect(await statusOf(old.key)).toBe(200);

    const res = await postSteppedUp(suite.app, owner, `/auth/api-keys/${old.id}/roll`, {
      previousValidForSeconds: 3600,
    });
    expect(res.status).toBe(200);
    const rolled = (await res.json()) as IssuedKey;
    expect(rolled).toMatchObject({ id: old.id, name: "ci", prefix: rolled.key.slice(0, 12) });
    expect(rolled.key).not.toBe(old.key);
    expect(Date.parse(rolled.previousValidUntil as string)).toBeGreaterThan(Date.now());

    expect(await statusOf(rolled.key)).toBe(200);
    expect(await statusOf(old.key)).toBe(200);
    suite.clock.advance(HOUR - 60_000);
    expect(await statusOf(old.key)).toBe(200);
    suite.clock.advance(60_000);
    const expired = await whoami(old.key);
    expect([expired.status, await codeOf(expired)]).toEqual([401, "token.expired"]);
    expect(await statusOf(rolled.key)).toBe(200);

    expect(await eventsOf(suite.app, { action: "apikey.rolled", target: old.id })).toMatchObject([
      { actorId: owner.userId, data: { previousValidUntil: rolled.previousValidUntil } },
    ]);
  });

  it("ends the previous secret at once with 0 seconds, and on a second roll", async () => {
    const owner = await accountWithScopes(suite.app);
    const first = await createKey(suite.app, owner);
    const roll = async (seconds: number) =>
      (await (
        await postSteppedUp(suite.app, owner, `/auth/api-keys/${first.id}/roll`, {
          previousValidForSeconds: seconds,
        })
      ).json()) as IssuedKey;
    const second = await roll(0);
    expect(second.previousValidUntil).toBeNull();
    expect(await statusOf(first.key)).toBe(401);
    const third = await roll(86_400);
    const fourth = await roll(86_400);
    expect(await statusOf(second.key)).toBe(401); // a key keeps one previous secret
    expect(await statusOf(third.key)).toBe(200);
    expect(await statusOf(fourth.key)).toBe(200);
  });

  it.each([
    ["more than 7 days", { previousValidForSeconds: 7 * 86_400 + 1 }],
    ["a negative time", { previousValidForSeconds: -1 }],
  ])("refuses a roll with %s as validation.failed", async (_name, body) => {
    const owner = await accountWithScopes(suite.app);
    const { id, key } = await createKey(suite.app, owner);
    const res = await postSteppedUp(suite.app, owner, `/auth/api-keys/${id}/roll`, body);
    expect([res.status, await codeOf(res)]).toEqual([400, "validation.failed"]);
    expect(await statusOf(key)).toBe(200);
  });

  it("refuses to roll an expired key (404)", async () => {
    const owner = await accountWithScopes(suite.app);
    const { id } = await createKey(suite.app, owner, { name: "short", expiresInDays: 1 });
    suite.clock.advance(86_400_000);
    const res = await postSteppedUp(suite.app, owner, `/auth/api-keys/${id}/roll`, {});
    expect([res.status, await codeOf(res)]).toEqual([404, "resource.not_found"]);
  });

  it("answers 404 for someone else's key, and leaves it working", async () => {
    const owner = await accountWithScopes(suite.app);
    const other = await accountWithScopes(suite.app);
    const { id, key } = await createKey(suite.app, owner);
    for (const action of ["revoke", "roll"]) {
      const res = await postSteppedUp(suite.app, other, `/auth/api-keys/${id}/${action}`, {});
      expect([res.status, await codeOf(res)]).toEqual([404, "resource.not_found"]);
    }
    expect(await statusOf(key)).toBe(200);
    const list = await (await getWith(suite.app, "/auth/api-keys", await other.auth())).json();
    expect(list).toEqual({ apiKeys: [] });
  });

  it("refuses an API key on the key and account routes with auth.forbidden", async () => {
    const owner = await accountWithScopes(suite.app);
    const { id, key } = await createKey(suite.app, owner);
    const calls: Array<[string, string]> = [
      ["GET", "/auth/api-keys"],
      ["POST", "/auth/api-keys"],
      ["POST", `/auth/api-keys/${id}/roll`],
      ["POST", `/auth/api-keys/${id}/revoke`],
      ["GET", "/auth/devices"],
      ["GET", "/auth/sessions"],
      ["POST", "/auth/logout"],
      ["POST", "/auth/logout-all"],
    ];
    for (const [method, path] of calls) {
      const res = await suite.app.request(path, {
        method,
        headers: { ...bearerKey(key), "content-type": "application/json" },
        ...(method === "POST" ? { body: JSON.stringify({ name: "more" }) } : {}),
      });
      expect([path, res.status, await codeOf(res)]).toEqual([path, 403, "auth.forbidden"]);
    }
    expect(await statusOf(key)).toBe(200);
    const me = await getWith(suite.app, "/auth/me", bearerKey(key));
    expect(await me.json()).toMatchObject({ id: owner.userId });
  });
});
