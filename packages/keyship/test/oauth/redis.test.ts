/**
 * OAuth flows (`state`) and one-time codes in Redis when `redisUrl` is set: two instances on
 * one database and one private `redis-server`, a sign-in started on A finished on B, the code
 * spent exactly once across both, expired on our clock and by Redis's TTL, nothing in the
 * database tables; and 503 `service_unavailable` while Redis is down, then recovery.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { hashCode } from "../../src/oauth/context.ts";
import { CODE_TTL_SECONDS } from "../../src/oauth/model.ts";
import { testApp } from "../helpers/app.ts";
import { clockOf } from "../helpers/clock.ts";
import {
  callOAuthCallback,
  exchangeOAuthCode,
  followToCallback,
  fragmentOf,
  oauthRoundTrip,
  startOAuth,
} from "../helpers/oauth.ts";
import { type OAuth2Server, startOAuth2Server } from "../helpers/oauth2-server.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { type PrivateRedis, redisReady, startPrivateRedis, testPrefix } from "../helpers/redis.ts";

const ORIGIN = "http://localhost:8787";
const CALLBACK = `${ORIGIN}/auth/oauth/github/callback`;
const client = { clientId: "keyship-test", clientSecret: "test-secret" };

describe("OAuth flows and one-time codes in Redis", () => {
  let github: OAuth2Server;
  let redis: PrivateRedis;
  let dir: string;
  let prefix: string;
  let a: KeyshipApp;
  let b: KeyshipApp;

  beforeAll(async () => {
    [github, redis] = await Promise.all([startOAuth2Server("github", client), startPrivateRedis()]);
    dir = mkdtempSync(join(tmpdir(), "keyship-oauth-redis-"));
    prefix = testPrefix();
    const url = `sqlite:${join(dir, "shared.db")}`;
    const options = {
      redisUrl: redis.url,
      redisPrefix: prefix,
      // The flow cookie's key derives from it: every instance checks the others' cookies.
      sessionSecret: "oauth-redis-test-secret-0123456789abcdef",
      oauth: { github: { ...client, endpoints: github.endpoints } },
    };
    a = testApp(url, options);
    await a.keyship.ready;
    b = testApp(url, { ...options, autoMigrate: false });
    await Promise.all([redisReady(a.keyship.redis), redisReady(b.keyship.redis)]);
  });
  afterAll(async () => {
    await a?.keyship.close();
    await b?.keyship.close();
    await Promise.all([redis?.stop(), github?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = async () => {
    const db = a.keyship.db;
    const flows = await db.selectFrom("oauth_flows").select("id").execute();
    const codes = await db.selectFrom("oauth_codes").select("id").execute();
    return flows.length + codes.length;
  };
  const pttl = async (key: string) => {
    const probe = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
    await probe.connect();
    try {
      return await probe.pTTL(key);
    } finally {
      await probe.close();
    }
  };
  const newCode = async (app: KeyshipApp, id: number) => {
    github.signInAs({ id });
    return (await oauthRoundTrip(app, "github", ORIGIN)).get("keyship_oauth") as string;
  };

  it("finishes on B a sign-in started on A, keeping the flow and the code in Redis only", async () => {
    github.signInAs({ id: 1 });
    const started = await startOAuth(a, "github");
    const callback = await followToCallback(started.location, CALLBACK);
    const code = fragmentOf(await callOAuthCallback(b, callback, started.cookie)).get(
      "keyship_oauth",
    ) as string;
    const ttl = await pttl(`${prefix}oauth:code:${hashCode(code)}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(CODE_TTL_SECONDS * 1000);
    expect((await exchangeOAuthCode(a, code)).status).toBe(200);
    expect(await rows()).toBe(0);
    // The flow was spent by B's callback: replaying it on A is refused.
    const replay = await callOAuthCallback(a, callback, started.cookie);
    expect([replay.status, await codeOf(replay)]).toEqual([400, "oauth.state_invalid"]);
  });

  it("spends a code exactly once, even when both instances exchange it at once", async () => {
    const code = await newCode(a, 2);
    const answers = await Promise.all([exchangeOAuthCode(a, code), exchangeOAuthCode(b, code)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    const refused = answers.find((r) => r.status === 400) as Response;
    expect(await codeOf(refused)).toBe("oauth.code_invalid");
  });

  it("refuses a code past its 60 s on the instance's clock, and leaves it spent", async () => {
    const code = await newCode(a, 3);
    clockOf(b).advance(CODE_TTL_SECONDS * 1000 + 1);
    const late = await exchangeOAuthCode(b, code);
    expect([late.status, await codeOf(late)]).toEqual([400, "oauth.code_invalid"]);
    const again = await exchangeOAuthCode(a, code);
    expect([again.status, await codeOf(again)]).toEqual([400, "oauth.code_invalid"]);
  });

  it("answers 503 service_unavailable while Redis is down, then works again", async () => {
    const code = await newCode(a, 4);
    await redis.stop();
    const start = await a.request("/auth/oauth/github/start?returnTo=%2Fafter");
    expect([start.status, start.headers.get("retry-after")]).toEqual([503, "2"]);
    expect(await codeOf(start)).toBe("service_unavailable");
    const exchange = await exchangeOAuthCode(b, code);
    expect([exchange.status, await codeOf(exchange)]).toEqual([503, "service_unavailable"]);

    await redis.start();
    await Promise.all([redisReady(a.keyship.redis), redisReady(b.keyship.redis)]);
    expect((await exchangeOAuthCode(a, await newCode(b, 5))).status).toBe(200);
  });
});
