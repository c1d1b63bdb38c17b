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
import { postJson, testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import {
  codeOf,
  finishRegistration,
  newDeviceKey,
  startRegistration,
  TEST_ORIGIN,
} from "../helpers/passkeys.ts";
import { type PrivateRedis, redisReady, startPrivateRedis, testPrefix } from "../helpers/redis.ts";

describe("two instances sharing Redis", () => {
  let redis: PrivateRedis;
  let first: KeyshipApp;
  let second: KeyshipApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), "keyship-redis-")), "shared.db")}`;
    const options = {
      redisUrl: redis.url,
      redisPrefix: testPrefix(),
      rateLimitCeremonyPerIp: "1000000/1m",
    };
    first = testApp(url, options);
    await first.keyship.ready;
    second = testApp(url, { ...options, autoMigrate: false });
    await Promise.all([redisReady(first.keyship.redis), redisReady(second.keyship.redis)]);
  });
  afterAll(async () => {
    await first?.keyship.close();
    await second?.keyship.close();
    await redis?.stop();
  });

  it("spends a challenge started on one instance on the other, exactly once", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const { flowId, options } = await startRegistration(first);
    const credential = authenticator.createCredential(options);
    const [a, b] = await Promise.all([
      finishRegistration(second, flowId, credential, newDeviceKey()),
      finishRegistration(first, flowId, credential, newDeviceKey()),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 400]);
    const refused = a.status === 400 ? a : b;
    expect(await codeOf(refused)).toBe("passkey.challenge_invalid");
    const again = await finishRegistration(second, flowId, credential, newDeviceKey());
    expect(await codeOf(again)).toBe("passkey.challenge_invalid");
  });

  it("keeps the challenge in Redis, not in the database", async () => {
    await startRegistration(first);
    const rows = await first.keyship.db.selectFrom("webauthn_challenges").select("id").execute();
    expect(rows).toEqual([]);
  });

  it("answers 503 service_unavailable with Retry-After while Redis is down, then recovers", async () => {
    await redis.stop();
    const down = await postJson(second, "/auth/passkey/register/start", {});
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("2");
    expect(await codeOf(down)).toBe("service_unavailable");
    const ready = await second.request("/health/ready");
    expect(ready.status).toBe(503);
    const health = await second.request("/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "degraded",
      checks: { database: { status: "ok" }, redis: { status: "down" } },
    });

    await redis.start();
    await redisReady(second.keyship.redis);
    expect((await second.request("/health/ready")).status).toBe(200);
    expect((await postJson(second, "/auth/passkey/register/start", {})).status).toBe(200);
  });
});

describe("a rate limit shared by two instances through Redis", () => {
  let redis: PrivateRedis;
  let first: KeyshipApp;
  let second: KeyshipApp;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), "keyship-redis-")), "shared.db")}`;
    const options = {
      redisUrl: redis.url,
      redisPrefix: testPrefix(),
      rateLimitCeremonyPerIp: "3/1h",
    };
    first = testApp(url, options);
    await first.keyship.ready;
    second = testApp(url, { ...options, autoMigrate: false });
    await Promise.all([redisReady(first.keyship.redis), redisReady(second.keyship.redis)]);
  });
  afterAll(async () => {
    await first?.keyship.close();
    await second?.keyship.close();
    await redis?.stop();
  });

  it("counts ceremonies on one instance against the next on the other", async () => {
    const statuses: number[] = [];
    for (const app of [first, second, first, second]) {
      statuses.push((await postJson(app, "/auth/passkey/login/start", {})).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
