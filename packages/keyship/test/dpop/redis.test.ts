/**
 * DPoP's replay cache on the shared Redis: two instances on one database and one Redis
 * prefix; a proof spent on one is refused on the other. The suite also sets
 * `dpopOrigin` (a public origin behind a proxy), which proofs must name in `htu`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair, generateProof } from "dpop";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { requireUser } from "../../src/guards/guards.ts";
import { randomSecret } from "../../src/tokens/index.ts";
import { testApp } from "../helpers/app.ts";
import { codeOf } from "../helpers/passkeys.ts";
import {
  deletePrefix,
  redisReady,
  redisRequired,
  sharedRedisUrl,
  testPrefix,
} from "../helpers/redis.ts";
import { registerWithSession } from "../helpers/sessions.ts";
import { callWithDpop } from "./helpers.ts";

if (redisRequired && sharedRedisUrl === undefined) {
  throw new Error("CI=true but KEYSHIP_TEST_REDIS_URL is not set: the DPoP Redis suite must run.");
}

const PUBLIC_ORIGIN = "https://api.example.com";

describe.skipIf(sharedRedisUrl === undefined)("DPoP replay cache on Redis", () => {
  const prefix = testPrefix();
  let first: KeyshipApp;
  let second: KeyshipApp;
  beforeAll(async () => {
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), "keyship-dpop-")), "shared.db")}`;
    const options = {
      redisUrl: sharedRedisUrl,
      redisPrefix: prefix,
      sessionSecret: randomSecret(),
      dpopOrigin: PUBLIC_ORIGIN,
    };
    first = testApp(url, options);
    await first.keyship.ready;
    second = testApp(url, { ...options, autoMigrate: false });
    await Promise.all([redisReady(first.keyship.redis), redisReady(second.keyship.redis)]);
    for (const app of [first, second]) {
      app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
    }
  });
  afterAll(async () => {
    await first?.keyship.close();
    await second?.keyship.close();
    if (sharedRedisUrl !== undefined) await deletePrefix(sharedRedisUrl, prefix);
  });

  it("refuses on one instance a proof spent on the other; its jti is kept in Redis", async () => {
    const key = await generateKeyPair("ES256");
    const signUp = await generateProof(
      key,
      `${PUBLIC_ORIGIN}/auth/passkey/register/finish`,
      "POST",
    );
    const { body } = await registerWithSession(first, "bearer", { headers: { dpop: signUp } });
    expect(body.tokenType).toBe("DPoP");
    const token = body.accessToken as string;
    const dpop = await generateProof(key, `${PUBLIC_ORIGIN}/whoami`, "GET", undefined, token);
    expect((await callWithDpop(first, "/whoami", token, dpop)).status).toBe(200);
    const replayed = await callWithDpop(second, "/whoami", token, dpop);
    expect(replayed.status).toBe(401);
    expect(await codeOf(replayed)).toBe("dpop.invalid_proof");
    const fresh = await generateProof(key, `${PUBLIC_ORIGIN}/whoami`, "GET", undefined, token);
    expect((await callWithDpop(second, "/whoami", token, fresh)).status).toBe(200);

    const client = createClient({ url: sharedRedisUrl as string });
    await client.connect();
    try {
      const keys = await client.keys(`${prefix}dpop:jti:*`);
      expect(keys).toHaveLength(3); // the sign-up's proof and the two calls'
      const ttl = await client.pTTL(keys[0] as string);
      expect(ttl).toBeGreaterThan(60_000);
      expect(ttl).toBeLessThanOrEqual(120_000);
    } finally {
      await client.close();
    }
  });

  it("refuses a proof naming the request's own URL instead of the public origin", async () => {
    const key = await generateKeyPair("ES256");
    const dpop = await generateProof(key, "http://localhost/auth/passkey/register/finish", "POST");
    await expect(registerWithSession(first, "bearer", { headers: { dpop } })).rejects.toThrow(
      /dpop\.invalid_proof/,
    );
  });
});
