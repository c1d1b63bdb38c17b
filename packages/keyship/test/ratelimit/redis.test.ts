import { randomUUID } from "node:crypto";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyshipConfigError } from "../../src/errors.ts";
import { assertAllowed, createRateLimiter } from "../../src/ratelimit/limiter.ts";
import { redisRateLimitStore } from "../../src/ratelimit/redis.ts";
import { type RateLimitStore, RateLimitStoreError } from "../../src/ratelimit/store.ts";
import { storeContract, T0 } from "./store-contract.ts";

const redisUrl = process.env.KEYSHIP_TEST_REDIS_URL || undefined;
// Locally an unset URL skips the suite; in CI it must run, so a missing or unreachable
// Redis fails it instead of passing silently.
const mustRun = process.env.CI === "true";
const prefix = `keyship:test:${randomUUID()}:`;

describe.skipIf(redisUrl === undefined && !mustRun)("redisRateLimitStore", () => {
  let client: ReturnType<typeof createClient>;
  let store: RateLimitStore;
  let counter = 0;
  const uniqueKey = () => `k${++counter}`;

  beforeAll(async () => {
    if (redisUrl === undefined) {
      throw new Error("CI=true but KEYSHIP_TEST_REDIS_URL is not set: the Redis suite must run");
    }
    client = createClient({
      url: redisUrl,
      socket: { connectTimeout: 3000, reconnectStrategy: false },
    });
    client.on("error", () => {
      // Surfaced through the rejected connect() or command instead.
    });
    await client.connect();
    store = redisRateLimitStore({ client, prefix });
  });

  afterAll(async () => {
    if (!client?.isOpen) return;
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 200 })) {
      if (keys.length > 0) await client.del(keys);
    }
    client.destroy();
  });

  storeContract(() => store, uniqueKey);

  it("writes under the prefix with a TTL just past the window's end", async () => {
    await store.hit("ttl", 60_000, T0);
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}ttl:*` })) keys.push(...batch);
    expect(keys).toEqual([`${prefix}ttl:${Math.floor(T0 / 60_000)}`]);
    const ttl = await client.pTTL(keys[0] ?? "");
    // 50 s left in the window plus 1 s of grace.
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(51_000);
  });

  it("does not extend the TTL on later hits", async () => {
    await store.hit("fixed", 60_000, T0);
    await store.hit("fixed", 60_000, T0 + 40_000);
    const ttl = await client.pTTL(`${prefix}fixed:${Math.floor(T0 / 60_000)}`);
    expect(ttl).toBeGreaterThan(50_000);
  });

  it("backs a limiter: refuses past the limit with Retry-After, allows in the next window", async () => {
    const clock = { now: T0 };
    const limiter = createRateLimiter({
      store,
      rules: { login: { limit: 2, windowMs: 60_000 } },
      now: () => clock.now,
    });
    await assertAllowed(limiter, "203.0.113.9", "login");
    await assertAllowed(limiter, "203.0.113.9", "login");
    await expect(assertAllowed(limiter, "203.0.113.9", "login")).rejects.toMatchObject({
      code: "rate_limited",
      headers: { "Retry-After": "50" },
    });
    clock.now = T0 + 50_000;
    expect((await limiter.consume("203.0.113.9", "login")).allowed).toBe(true);
  });

  it("wraps a driver failure in RateLimitStoreError", async () => {
    const broken = redisRateLimitStore({
      client: {
        eval: () => Promise.reject(new Error("READONLY You can't write against a replica")),
      },
      prefix,
    });
    await expect(broken.hit("x", 60_000, T0)).rejects.toBeInstanceOf(RateLimitStoreError);
  });

  it("refuses an empty prefix", () => {
    expect(() => redisRateLimitStore({ client, prefix: "" })).toThrow(KeyshipConfigError);
  });
});
