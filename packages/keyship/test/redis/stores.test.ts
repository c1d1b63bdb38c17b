/**
 * Two instances on one database and one Redis (`redisUrl`): a challenge started on A is spent
 * on B exactly once, a rate limit counts across both, and while Redis is down ceremonies answer
 * 503 `service_unavailable` with `Retry-After`, then work again once it is back.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { eventually } from "../changes/instances.ts";
import { postJson, testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import {
  codeOf,
  finishLogin,
  finishRegistration,
  newDeviceKey,
  registerAccount,
  startLogin,
  startRegistration,
  TEST_ORIGIN,
} from "../helpers/passkeys.ts";
import { type PrivateRedis, redisReady, startPrivateRedis, testPrefix } from "../helpers/redis.ts";

/** Two instances on one SQLite file and one private Redis, for the enclosing suite. */
function useTwoInstances(ceremonyLimit: string) {
  const pair = {} as { redis: PrivateRedis; first: KeyshipApp; second: KeyshipApp };
  beforeAll(async () => {
    pair.redis = await startPrivateRedis();
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), "keyship-redis-")), "shared.db")}`;
    const options = {
      redisUrl: pair.redis.url,
      redisPrefix: testPrefix(),
      rateLimitCeremonyPerIp: ceremonyLimit,
    };
    pair.first = testApp(url, options);
    await pair.first.keyship.ready;
    pair.second = testApp(url, { ...options, autoMigrate: false });
    await Promise.all([
      redisReady(pair.first.keyship.redis),
      redisReady(pair.second.keyship.redis),
    ]);
  });
  afterAll(async () => {
    await pair.first?.keyship.close();
    await pair.second?.keyship.close();
    await pair.redis?.stop();
  });
  return pair;
}

describe("two instances sharing Redis", () => {
  const pair = useTwoInstances("1000000/1m");

  it("spends a challenge started on one instance on the other, exactly once", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const { flowId, options } = await startRegistration(pair.first);
    const credential = authenticator.createCredential(options);
    const [a, b] = await Promise.all([
      finishRegistration(pair.second, flowId, credential, newDeviceKey()),
      finishRegistration(pair.first, flowId, credential, newDeviceKey()),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 400]);
    const refused = a.status === 400 ? a : b;
    expect(await codeOf(refused)).toBe("passkey.challenge_invalid");
    const again = await finishRegistration(pair.second, flowId, credential, newDeviceKey());
    expect(await codeOf(again)).toBe("passkey.challenge_invalid");
  });

  it("signs in with a flow started on one instance on the other, then never again", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    await registerAccount(pair.first, authenticator);
    const { flowId, options } = await startLogin(pair.second);
    const assertion = authenticator.getAssertion(options);
    // Sequential: both instances share one SQLite file in this one process, whose synchronous
    // busy wait would stall the other's transaction (separate processes wait for each other).
    expect((await finishLogin(pair.first, flowId, assertion)).status).toBe(200);
    for (const app of [pair.second, pair.first]) {
      expect(await codeOf(await finishLogin(app, flowId, assertion))).toBe(
        "passkey.challenge_invalid",
      );
    }
  });

  it("keeps the challenge in Redis, not in the database", async () => {
    await startRegistration(pair.first);
    const rows = await pair.first.keyship.db
      .selectFrom("webauthn_challenges")
      .select("id")
      .execute();
    expect(rows).toEqual([]);
  });

  it("answers 503 service_unavailable with Retry-After while Redis is down, then recovers", async () => {
    await pair.redis.stop();
    const down = await postJson(pair.second, "/auth/passkey/register/start", {});
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("2");
    expect(await codeOf(down)).toBe("service_unavailable");
    const ready = await pair.second.request("/health/ready");
    expect(ready.status).toBe(503);
    const health = await pair.second.request("/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "degraded",
      checks: { database: { status: "ok" }, redis: { status: "down" } },
    });

    await pair.redis.start();
    await redisReady(pair.second.keyship.redis);
    // The change feed's subscriber reconnects on its own connection, maybe a moment later.
    await eventually(async () => (await pair.second.request("/health/ready")).status === 200);
    expect((await postJson(pair.second, "/auth/passkey/register/start", {})).status).toBe(200);
  });
});

describe("a rate limit shared by two instances through Redis", () => {
  const pair = useTwoInstances("3/1h");

  it("counts ceremonies on one instance against the next on the other", async () => {
    const statuses: number[] = [];
    for (const app of [pair.first, pair.second, pair.first, pair.second]) {
      statuses.push((await postJson(app, "/auth/passkey/login/start", {})).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
