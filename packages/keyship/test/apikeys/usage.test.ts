/**
 * What an API-key request costs: no database write (a warm one no database access at all),
 * last-used times written in batches by a timer and on close(), and the per-key rate limit
 * (429 with Retry-After, never 401, one `ratelimit.tripped` row per key and window).
 */
import type { CompiledQuery } from "kysely";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { LAST_USED_FLUSH_MS } from "../../src/apikeys/usage.ts";
import type { KeyshipApp } from "../../src/app.ts";
import { eventsOf } from "../admin/fixtures.ts";
import { testApp } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { accountWithScopes, addProbeRoutes, bearerKey, createKey, getWith } from "./fixtures.ts";

/** Every query the app's database runs from now on, by kind (`SelectQueryNode`…). */
function watchQueries(app: KeyshipApp): { kinds: string[]; stop(): void } {
  const db = app.keyship.db;
  const kinds: string[] = [];
  const executor = db.getExecutor();
  const run = executor.executeQuery.bind(executor);
  const query = vi.spyOn(executor, "executeQuery").mockImplementation((compiled: CompiledQuery) => {
    kinds.push(compiled.query.kind);
    return run(compiled);
  });
  const transaction = vi.spyOn(db, "transaction");
  return {
    kinds,
    stop() {
      query.mockRestore();
      expect(transaction).not.toHaveBeenCalled();
      transaction.mockRestore();
    },
  };
}

async function lastUsedOf(app: KeyshipApp, id: string): Promise<string | null> {
  const row = await app.keyship.db
    .selectFrom("api_keys")
    .select("last_used_at")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  return row.last_used_at;
}

describe.each(dialects)("API-key usage on $name", (dialect) => {
  const suite = useSuite(dialect, { rateLimitApiKey: "3/1m" });
  beforeAll(() => addProbeRoutes(suite.app));
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads the database once for a cold key and never for a warm one, and writes nothing", async () => {
    // Fake interval timers before the key's first use: the last-used timer starts then.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const owner = await accountWithScopes(suite.app);
    const { id, key } = await createKey(suite.app, owner);
    const cold = watchQueries(suite.app);
    expect((await getWith(suite.app, "/whoami", bearerKey(key))).status).toBe(200);
    cold.stop();
    expect(cold.kinds).toEqual(["SelectQueryNode"]);

    const warm = watchQueries(suite.app);
    for (const headers of [bearerKey(key), { "x-api-key": key }]) {
      expect((await getWith(suite.app, "/whoami", headers)).status).toBe(200);
    }
    warm.stop();
    expect(warm.kinds).toEqual([]);
    expect(await lastUsedOf(suite.app, id)).toBeNull();

    vi.advanceTimersByTime(LAST_USED_FLUSH_MS);
    await vi.waitFor(async () => expect(await lastUsedOf(suite.app, id)).not.toBeNull());
    const listed = await (await getWith(suite.app, "/auth/api-keys", await owner.auth())).json();
    expect(listed).toMatchObject({
      apiKeys: [{ id, lastUsedAt: await lastUsedOf(suite.app, id) }],
    });
  });

  it("limits each key on its own: 429 rate_limited with Retry-After, not 401, until the window ends", async () => {
    const owner = await accountWithScopes(suite.app);
    const [first, second] = [await createKey(suite.app, owner), await createKey(suite.app, owner)];
    const start = suite.clock.now().getTime();
    suite.clock.advance(60_000 - (start % 60_000) + 10); // the start of a fresh window
    for (let i = 0; i < 3; i++) {
      expect((await getWith(suite.app, "/whoami", bearerKey(first.key))).status).toBe(200);
    }
    for (let i = 0; i < 2; i++) {
      const refused = await getWith(suite.app, "/whoami", bearerKey(first.key));
      expect([refused.status, await codeOf(refused)]).toEqual([429, "rate_limited"]);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
    }
    const other = await getWith(suite.app, "/whoami", { "x-api-key": second.key });
    expect(other.status).toBe(200);

    await vi.waitFor(async () =>
      expect(
        await eventsOf(suite.app, { action: "ratelimit.tripped", target: first.id }),
      ).toMatchObject([
        {
          outcome: "failure",
          actorId: owner.userId,
          targetType: "apikey",
          data: { rule: "apikey.key", scope: "key" },
        },
      ]),
    );
    suite.clock.advance(60_000);
    expect((await getWith(suite.app, "/whoami", bearerKey(first.key))).status).toBe(200);
  });

  it("writes the pending last-used times on close()", async () => {
    const target = await dialect.create();
    const app = testApp(target.url);
    try {
      addProbeRoutes(app);
      await app.keyship.ready;
      const owner = await accountWithScopes(app);
      const { id, key } = await createKey(app, owner);
      expect((await getWith(app, "/whoami", bearerKey(key))).status).toBe(200);
      expect(await lastUsedOf(app, id)).toBeNull();
      const writes = watchQueries(app);
      await app.keyship.close();
      expect(writes.kinds).toEqual(["UpdateQueryNode"]);
      writes.stop();
    } finally {
      await app.keyship.close();
      await target.drop();
    }
  });
});
