/**
 * Abuse limits of the ceremonies: per client IP, per signed-in account, and a bound on the
 * challenges one IP can hold open. Each refusal is a 429 with `Retry-After` that writes
 * nothing; expired challenges are swept.
 */
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox } from "../passwords/helpers.ts";

const fromIp = (ip: string) => ({ "x-forwarded-for": ip });

describe.each(dialects)("ceremony rate limits on $name", (dialect) => {
  const suite = useSuite(dialect, {
    trustProxy: true,
    rateLimitCeremonyPerIp: "6/1m",
    rateLimitCeremonyPerAccount: "3/1m",
    maxOpenChallengesPerIp: 8,
    passwordAuthEnabled: true,
    mailer: mailbox(),
  });

  async function expectLimited(res: Response) {
    expect(res.status).toBe(429);
    expect(await codeOf(res)).toBe("rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  }

  it("bounds the challenges one IP can open, writing none past the bound", async () => {
    const ip = "203.0.113.10";
    for (let i = 0; i < 4; i++) {
      const res = await postJson(suite.app, "/auth/passkey/login/start", {}, fromIp(ip));
      expect(res.status).toBe(200);
    }
    const before = await suite.count("webauthn_challenges");
    await expectLimited(await postJson(suite.app, "/auth/passkey/login/start", {}, fromIp(ip)));
    await expectLimited(await postJson(suite.app, "/auth/passkey/register/start", {}, fromIp(ip)));
    expect(await suite.count("webauthn_challenges")).toEqual(before);
    // Another IP is not affected.
    const other = await postJson(
      suite.app,
      "/auth/passkey/login/start",
      {},
      fromIp("203.0.113.11"),
    );
    expect(other.status).toBe(200);
  });

  it("never lets one IP hold more open challenges than the bound, across windows", async () => {
    const ip = "203.0.113.50";
    const start = () => postJson(suite.app, "/auth/passkey/login/start", {}, fromIp(ip));
    // Move to the last second of a window, open 4, then 4 more right after it ends.
    const windowMs = 300_000;
    suite.clock.advance(windowMs - (suite.clock.now().getTime() % windowMs) - 1000);
    for (let i = 0; i < 4; i++) expect((await start()).status).toBe(200);
    await expectLimited(await start());
    suite.clock.advance(2000);
    for (let i = 0; i < 4; i++) expect((await start()).status).toBe(200);
    await expectLimited(await start());
    // 8 open challenges within two seconds, and no more: the bound holds across the edge.
  });

  it("counts the password routes per IP", async () => {
    const ip = "203.0.113.60";
    const confirm = () =>
      postJson(
        suite.app,
        "/auth/password-reset/confirm",
        { token: "A".repeat(43), newPassword: "a brand new long passphrase" },
        fromIp(ip),
      );
    for (let i = 0; i < 6; i++) expect((await confirm()).status).toBe(400);
    await expectLimited(await confirm());
  });

  it("counts finishes per IP too", async () => {
    const ip = "203.0.113.20";
    const finish = () =>
      postJson(
        suite.app,
        "/auth/passkey/login/finish",
        { flowId: "nope", credential: {}, session: "bearer" },
        fromIp(ip),
      );
    for (let i = 0; i < 6; i++) expect((await finish()).status).not.toBe(429);
    await expectLimited(await finish());
  });

  it("counts a signed-in account's step-ups across IPs", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    for (const ip of ["198.51.100.1", "198.51.100.2", "198.51.100.3"]) {
      const headers = { ...(await account.auth()), ...fromIp(ip) };
      expect((await postJson(suite.app, "/auth/step-up/start", {}, headers)).status).toBe(200);
    }
    const headers = { ...(await account.auth()), ...fromIp("198.51.100.4") };
    await expectLimited(await postJson(suite.app, "/auth/step-up/start", {}, headers));
  });

  it("lets the limits go once the window has passed", async () => {
    const ip = "203.0.113.30";
    for (let i = 0; i < 4; i++)
      await postJson(suite.app, "/auth/passkey/login/start", {}, fromIp(ip));
    await expectLimited(await postJson(suite.app, "/auth/passkey/login/start", {}, fromIp(ip)));
    suite.clock.advance(301_000);
    const res = await postJson(suite.app, "/auth/passkey/login/start", {}, fromIp(ip));
    expect(res.status).toBe(200);
  });

  it("sweeps expired challenges when new ones are issued", async () => {
    const ip = "203.0.113.40";
    await postJson(suite.app, "/auth/passkey/login/start", {}, fromIp(ip));
    suite.clock.advance(10 * 60_000);
    await postJson(suite.app, "/auth/passkey/login/start", {}, fromIp("203.0.113.41"));
    const open = (await suite.count("webauthn_challenges")).webauthn_challenges;
    // Only the challenge issued after the jump is left.
    expect(open).toBe(1);
  });
});
