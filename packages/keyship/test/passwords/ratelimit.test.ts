import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { login, mailbox, register, registerPasswordAccount } from "./helpers.ts";

const fresh = () => `l-${randomUUID()}@example.com`;
const HOUR = 3_600_000;

describe.each(dialects)("password rate limits on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    mailer: mailbox(),
    trustProxy: true,
    rateLimitLoginPerAccount: "3/1h",
    rateLimitLoginPerIp: "5/1h",
    rateLimitRegisterPerIp: "2/1h",
    rateLimitEmailPerAccount: "1/1h",
    rateLimitEmailPerIp: "100/1h",
  });
  // Each test starts in a fresh window and, with its own X-Forwarded-For, its own IP.
  const fromIp = () => {
    suite.clock.advance(HOUR);
    return { "x-forwarded-for": `198.51.100.${Math.floor(Math.random() * 250)}` };
  };

  async function expectLimited(res: Response): Promise<void> {
    expect(res.status).toBe(429);
    expect(await codeOf(res)).toBe("rate_limited");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
  }

  it("limits logins per account, known or not, with Retry-After", async () => {
    const ip = fromIp();
    const email = fresh();
    await registerPasswordAccount(suite.app, email);
    for (let i = 0; i < 3; i++) {
      expect((await login(suite.app, email, "wrong password", undefined, ip)).status).toBe(401);
    }
    await expectLimited(await login(suite.app, email, undefined, undefined, ip));
    // Even the right password waits: the limit is per account.
    const unknown = fresh();
    for (let i = 0; i < 3; i++) await login(suite.app, unknown, "guess", undefined, ip);
    // Two accounts × 3 attempts exceed the IP limit of 5 as well.
    await expectLimited(await login(suite.app, unknown, "guess", undefined, ip));
  });

  it("limits logins per IP across accounts", async () => {
    const ip = fromIp();
    for (let i = 0; i < 5; i++) {
      expect((await login(suite.app, fresh(), "guess", undefined, ip)).status).toBe(401);
    }
    await expectLimited(await login(suite.app, fresh(), "guess", undefined, ip));
    // Another client is not affected.
    const other = { "x-forwarded-for": "203.0.113.250" };
    expect((await login(suite.app, fresh(), "guess", undefined, other)).status).toBe(401);
  });

  it("lets the account in again in the next window", async () => {
    const ip = fromIp();
    const email = fresh();
    await registerPasswordAccount(suite.app, email);
    for (let i = 0; i < 3; i++) await login(suite.app, email, "wrong", undefined, ip);
    await expectLimited(await login(suite.app, email, undefined, undefined, ip));
    suite.clock.advance(HOUR);
    expect((await login(suite.app, email, undefined, undefined, ip)).status).toBe(200);
  });

  it("limits registrations per IP", async () => {
    const ip = fromIp();
    expect((await register(suite.app, fresh(), undefined, undefined, ip)).status).toBe(201);
    expect((await register(suite.app, fresh(), undefined, undefined, ip)).status).toBe(201);
    await expectLimited(await register(suite.app, fresh(), undefined, undefined, ip));
  });

  it.each(["/auth/password-reset/request", "/auth/email/verify/request"])(
    "limits %s per email, whether or not it exists",
    async (path) => {
      const ip = fromIp();
      const email = fresh();
      expect((await postJson(suite.app, path, { email }, ip)).status).toBe(202);
      await expectLimited(await postJson(suite.app, path, { email }, ip));
    },
  );
});
