/**
 * The change feed over Redis pub/sub: two instances on one SQLite file and one private
 * `redis-server` (with `redisUrl` set, Redis carries the feed, not the database), and the CLI
 * announcing through Redis too. Stopping that server makes both feeds fall back (health says
 * so); starting it again brings them back by themselves.
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { FALLBACK_TRUST_MS } from "../../src/changes/feed.ts";
import { runCli } from "../../src/cli/main.ts";
import { postJson } from "../helpers/app.ts";
import { clockOf } from "../helpers/clock.ts";
import { dialects, type TestDialect } from "../helpers/databases.ts";
import { capturedLogs } from "../helpers/logs.ts";
import { type PrivateRedis, redisReady, startPrivateRedis, testPrefix } from "../helpers/redis.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";
import { eventually, instanceOf, sharedDatabase } from "./instances.ts";
import { baseEnv, runCliProcess } from "./processes.ts";

const sqlite = dialects.find((d) => d.name === "sqlite") as TestDialect;

describe("the change feed over Redis pub/sub", () => {
  let redis: PrivateRedis;
  let drop: () => Promise<void>;
  let url: string;
  let prefix: string;
  let a: KeyshipApp;
  let b: KeyshipApp;
  const logsOfB = capturedLogs("info");

  beforeAll(async () => {
    redis = await startPrivateRedis();
    ({ url, drop } = await sharedDatabase(sqlite));
    prefix = testPrefix();
    a = instanceOf(url, { redisUrl: redis.url, redisPrefix: prefix });
    await a.keyship.ready;
    b = instanceOf(url, {
      redisUrl: redis.url,
      redisPrefix: prefix,
      autoMigrate: false,
      logger: logsOfB.logger,
    });
    await b.keyship.ready;
    await Promise.all([redisReady(a.keyship.redis), redisReady(b.keyship.redis)]);
    await eventually(async () => (await changesOf(a)) === "ok" && (await changesOf(b)) === "ok");
  });
  afterAll(async () => {
    await a?.keyship.close();
    await b?.keyship.close();
    await redis?.stop();
    await drop?.();
  });

  const changesOf = async (app: KeyshipApp) => {
    const body = (await (await app.request("/health")).json()) as {
      checks: Record<string, { status: string }>;
    };
    return body.checks.changes?.status;
  };
  const statusOn = async (app: KeyshipApp, headers: Record<string, string>) =>
    (await app.request("/auth/me", { headers })).status;
  const subscribers = async () => {
    const client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
    await client.connect();
    try {
      const counts = await client.pubSubNumSub(`${prefix}changes`);
      return counts[`${prefix}changes`];
    } finally {
      await client.close();
    }
  };
  /** Signs out a fresh session on A once B cached it; resolves with how long B took to refuse. */
  const signOutOnA = async () => {
    const { body } = await registerWithSession(a, "bearer");
    const headers = bearer(body.accessToken);
    expect(await statusOn(b, headers)).toBe(200);
    expect((await postJson(a, "/auth/logout", {}, headers)).status).toBeLessThan(300);
    return await eventually(async () => (await statusOn(b, headers)) === 401);
  };

  it("carries a sign-out on A to B, each instance subscribed on the prefixed channel", async () => {
    expect(await subscribers()).toBe(2);
    const ms = await signOutOnA();
    console.info(`redis pub/sub: B refused ${ms.toFixed(1)} ms after A's answer`);
  });

  it("carries the CLI's announcements through Redis", async () => {
    const { body } = await registerWithSession(a, "bearer");
    const headers = bearer(body.accessToken);
    expect(await statusOn(b, headers)).toBe(200);
    const env = { KEYSHIP_DATABASE_URL: url, KEYSHIP_REDIS_URL: redis.url };
    const io = { out: () => {}, err: () => {}, env: { ...env, KEYSHIP_REDIS_PREFIX: prefix } };
    const userId = (await (await b.request("/auth/me", { headers })).json()) as { id: string };
    expect(await runCli(["users", "disable", userId.id], { ...io, cwd: "/nonexistent" })).toBe(0);
    await eventually(async () => (await statusOn(b, headers)) === 401);
  });

  it("lets a CLI process with Redis set exit at once, also when it has nothing to announce", async () => {
    const env = baseEnv({ KEYSHIP_DATABASE_URL: url, KEYSHIP_REDIS_URL: redis.url });
    const started = performance.now();
    const cli = await runCliProcess(env, "users", "disable", "nobody@example.com");
    expect([cli.code, cli.output]).toEqual([1, expect.stringContaining("no user")]);
    // The Redis connection it opened is closed although it was still connecting.
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it("falls back while Redis is down, says so in /health, and recovers by itself", async () => {
    const { body: session } = await registerWithSession(a, "bearer");
    const headers = bearer(session.accessToken);
    await redis.stop();
    await eventually(async () => (await changesOf(b)) === "down");
    const health = await b.request("/health/ready");
    expect(health.status).toBe(503);
    const body = (await health.json()) as { checks: Record<string, { status: string }> };
    expect(body.checks).toMatchObject({
      redis: { status: "down" },
      changes: { status: "down", backend: "redis" },
    });
    const lost = logsOfB.lines.filter((l) => l.includes('"msg":"change feed lost'));
    expect(lost.map((l) => JSON.parse(l).backend)).toEqual(["redis"]);
    // Unheard, a sign-out on A reaches B once its cache stops trusting (1 s, not 30 s).
    expect(await statusOn(b, headers)).toBe(200);
    expect((await postJson(a, "/auth/logout", {}, headers)).status).toBeLessThan(300);
    expect(await statusOn(b, headers)).toBe(200);
    clockOf(b).advance(FALLBACK_TRUST_MS + 1);
    expect(await statusOn(b, headers)).toBe(401);

    await redis.start();
    await eventually(async () => (await changesOf(a)) === "ok" && (await changesOf(b)) === "ok");
    // The feed's subscriber is back; A's command connection (challenges, rate limits) may still
    // be reconnecting: wait until A's readiness says Redis is up before signing up on it.
    await eventually(async () => (await a.request("/health/ready")).status === 200);
    expect(await subscribers()).toBe(2);
    expect(logsOfB.lines.filter((l) => l.includes('"msg":"change feed listening"'))).toHaveLength(
      2,
    );
    await signOutOnA();
  });
});
