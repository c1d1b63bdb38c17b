/**
 * `keyship({ rateLimitStore })` uses the store it is given: two instances on one Redis store
 * share their password-login limit, as several servers behind a load balancer would.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { redisRateLimitStore } from "../../src/ratelimit/redis.ts";
import { testApp } from "../helpers/app.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { login, mailbox, registerPasswordAccount } from "../passwords/helpers.ts";

const redisUrl = process.env.KEYSHIP_TEST_REDIS_URL || undefined;
const mustRun = process.env.CI === "true";
const prefix = `keyship:test:${randomUUID()}:`;

describe.skipIf(redisUrl === undefined && !mustRun)(
  "a rate-limit store shared by instances",
  () => {
    let client: ReturnType<typeof createClient>;
    let first: KeyshipApp;
    let second: KeyshipApp;

    beforeAll(async () => {
      if (redisUrl === undefined) {
        throw new Error("CI=true but KEYSHIP_TEST_REDIS_URL is not set: the Redis suite must run");
      }
      client = createClient({ url: redisUrl, socket: { reconnectStrategy: false } });
      await client.connect();
      const options = {
        passwordAuthEnabled: true,
        mailer: mailbox(),
        rateLimitLoginPerAccount: "2/1h",
        rateLimitStore: redisRateLimitStore({ client, prefix }),
      };
      // One database file for both, as two servers would share PostgreSQL.
      const url = `sqlite:${join(mkdtempSync(join(tmpdir(), "keyship-")), "shared.db")}`;
      first = testApp(url, options);
      await first.keyship.ready;
      second = testApp(url, { ...options, autoMigrate: false });
    });

    afterAll(async () => {
      await first?.keyship.close();
      await second?.keyship.close();
      if (!client?.isOpen) return;
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 200 })) {
        if (keys.length > 0) await client.del(keys);
      }
      await client.quit();
    });

    it("counts a login on one instance against the next on the other", async () => {
      const email = `shared-${randomUUID()}@example.com`;
      await registerPasswordAccount(first, email);
      expect((await login(first, email)).status).toBe(200);
      expect((await login(second, email)).status).toBe(200);
      const third = await login(first, email);
      expect(third.status).toBe(429);
      expect(await codeOf(third)).toBe("rate_limited");
    });
  },
);
