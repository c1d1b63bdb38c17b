/**
 * RFC 7638 thumbprints, and the replay caches of DPoP proofs: the memory one (bounded, marks expire with the window) and,
 * on a private Redis that is stopped mid-test, a DPoP request answering 503 while Redis is down
 * (never accepted unchecked) and working again once it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { jwkThumbprint } from "../../src/dpop/proof.ts";
import { memoryReplayCache } from "../../src/dpop/replay.ts";
import { requireUser } from "../../src/guards/guards.ts";
import { testApp } from "../helpers/app.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { type PrivateRedis, redisReady, startPrivateRedis, testPrefix } from "../helpers/redis.ts";
import { generateKeyPair, signUpWithDpop, whoamiWithDpop } from "./helpers.ts";

describe("the memory replay cache", () => {
  it("accepts a name once within its lifetime, and again after it", async () => {
    let now = 0;
    const cache = memoryReplayCache(() => now);
    expect(await cache.first("a", 60)).toBe(true);
    expect(await cache.first("a", 60)).toBe(false);
    now += 59_999;
    expect(await cache.first("a", 60)).toBe(false);
    now += 1;
    expect(await cache.first("a", 60)).toBe(true);
  });

  it("keeps at most max marks, forgetting the oldest first", async () => {
    const cache = memoryReplayCache(() => 0, 2);
    for (const name of ["a", "b", "c"]) expect(await cache.first(name, 60)).toBe(true);
    expect(await cache.first("c", 60)).toBe(false);
    expect(await cache.first("b", 60)).toBe(false);
    expect(await cache.first("a", 60)).toBe(true); // dropped when c came in
  });
});

describe("DPoP while Redis is down", () => {
  let redis: PrivateRedis;
  let app: KeyshipApp;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    app = testApp("sqlite::memory:", { redisUrl: redis.url, redisPrefix: testPrefix() });
    await app.keyship.ready;
    await redisReady(app.keyship.redis);
    app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
  });
  afterAll(async () => {
    await app?.keyship.close();
    await redis?.stop();
  });

  it("answers 503 service_unavailable, then works once Redis is back", async () => {
    const key = await generateKeyPair("ES256");
    const token = (await signUpWithDpop(app, key)).accessToken as string;
    await redis.stop();
    const down = await whoamiWithDpop(app, key, token);
    expect(down.status).toBe(503);
    expect(await codeOf(down)).toBe("service_unavailable");
    expect(down.headers.get("retry-after")).not.toBeNull();
    await redis.start();
    await redisReady(app.keyship.redis);
    expect((await whoamiWithDpop(app, key, token)).status).toBe(200);
  });
});

describe("jwkThumbprint", () => {
  it("computes RFC 7638 §3.1's example thumbprint", () => {
    const n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    expect(jwkThumbprint({ kty: "RSA", n, e: "AQAB", alg: "RS256", kid: "2011-04-29" })).toBe(
      "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
    );
  });

  it("refuses symmetric keys and keys missing a member", () => {
    expect(jwkThumbprint({ kty: "oct", k: "c2VjcmV0" })).toBeUndefined();
    expect(jwkThumbprint({ kty: "EC", crv: "P-256", x: "AQ" })).toBeUndefined();
  });
});
