/**
 * The auth pipeline answers one vocabulary for every credential kind: the same code for the
 * same failure, and `WWW-Authenticate: Bearer error="invalid_token"` on every refused token
 * (RFC 6750 §3.1), the bare `Bearer` when there was none.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { mintDeviceToken, registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { bearer, cookieHeader, registerWithSession } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";

const INVALID = 'Bearer error="invalid_token"';
const EXPIRED = 'Bearer error="invalid_token", error_description="expired"';

describe.each(dialects)("the auth pipeline on $name", (dialect) => {
  const suite = useSuite(dialect);
  beforeAll(() => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
    suite.app.get("/public", (c) => c.json({ principal: c.var.principal }));
  });
  const whoami = (headers: Record<string, string>) => suite.app.request("/whoami", { headers });
  const deviceAccount = () =>
    registerAccount(suite.app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));

  async function expectRefused(res: Response, code: string, challenge: string) {
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(challenge);
    expect(((await res.json()) as { code: string }).code).toBe(code);
  }

  it("answers a request without a credential with auth.unauthenticated and the bare scheme", async () => {
    await expectRefused(await whoami({}), "auth.unauthenticated", "Bearer");
  });

  it.each([
    ["another scheme", "Basic dXNlcjpwYXNz"],
    ["a malformed bearer token", "Bearer not a token!"],
    ["an empty bearer token", "Bearer "],
    ["a JWT no verifier recognises", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"],
  ])("refuses %s with token.invalid", async (_name, authorization) => {
    await expectRefused(await whoami({ authorization }), "token.invalid", INVALID);
  });

  it("answers an expired device token and an expired access token alike", async () => {
    const device = await deviceAccount();
    const deviceToken = await mintDeviceToken(device.deviceKey, device.deviceId, {
      nowSeconds: suite.clock.seconds() - 600,
    });
    const { body } = await registerWithSession(suite.app, "bearer");
    suite.clock.advance(16 * 60 * 1000); // past the 15-minute access-token TTL
    await expectRefused(await whoami(bearer(deviceToken)), "token.expired", EXPIRED);
    await expectRefused(await whoami(bearer(body.accessToken)), "token.expired", EXPIRED);
  });

  it("answers a revoked device and a revoked session alike", async () => {
    const device = await deviceAccount();
    const deviceHeaders = await device.auth();
    expect((await whoami(deviceHeaders)).status).toBe(200);
    expect((await postJson(suite.app, "/auth/logout", {}, deviceHeaders)).status).toBe(204);

    const { body } = await registerWithSession(suite.app, "bearer");
    expect((await whoami(bearer(body.accessToken))).status).toBe(200);
    expect((await postJson(suite.app, "/auth/logout", {}, bearer(body.accessToken))).status).toBe(
      204,
    );

    await expectRefused(await whoami(deviceHeaders), "token.revoked", INVALID);
    await expectRefused(await whoami(bearer(body.accessToken)), "token.revoked", INVALID);
  });

  it("answers a tampered device token and a tampered access token alike", async () => {
    const device = await deviceAccount();
    const deviceToken = await mintDeviceToken(device.deviceKey, device.deviceId, {
      clock: suite.clock,
    });
    const { body } = await registerWithSession(suite.app, "bearer");
    const tamper = (token: string) => `${token.slice(0, -4)}AAAA`;
    await expectRefused(await whoami(bearer(tamper(deviceToken))), "token.invalid", INVALID);
    await expectRefused(
      await whoami(bearer(tamper(body.accessToken as string))),
      "token.invalid",
      INVALID,
    );
  });

  it("refuses a refresh token presented as an access token with token.wrong_type", async () => {
    const { body } = await registerWithSession(suite.app, "bearer");
    // Opaque refresh tokens are no JWT: a JWT refresh token is what could be confused.
    expect(body.refreshToken).not.toMatch(/^eyJ/);
    await expectRefused(await whoami(bearer(body.refreshToken)), "token.invalid", INVALID);
  });

  it("judges a request with an Authorization header by it alone, not by its cookie", async () => {
    const account = await registerWithSession(suite.app, "cookie");
    const cookie = cookieHeader(account.cookies);
    expect((await whoami({ cookie })).status).toBe(200);
    await expectRefused(
      await whoami({ cookie, authorization: "Bearer nope" }),
      "token.invalid",
      INVALID,
    );
  });

  it("answers a revoked cookie session like a revoked bearer session", async () => {
    const account = await registerWithSession(suite.app, "cookie");
    const cookie = cookieHeader(account.cookies);
    const headers = { cookie, "x-csrf-token": account.body.csrfToken as string };
    expect((await postJson(suite.app, "/auth/logout", {}, headers)).status).toBe(204);
    await expectRefused(await whoami({ cookie }), "token.revoked", INVALID);
  });

  it("never blocks a public route: a refused credential is treated as no credential", async () => {
    const device = await deviceAccount();
    const expired = await mintDeviceToken(device.deviceKey, device.deviceId, {
      nowSeconds: suite.clock.seconds() - 600,
    });
    for (const headers of [bearer(expired), { authorization: "Basic eDp5" }]) {
      const res = await suite.app.request("/public", { headers });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ principal: null });
    }
    await expectRefused(await whoami(bearer(expired)), "token.expired", EXPIRED);
  });

  it("identifies the caller on a public route when the credential is valid", async () => {
    const device = await deviceAccount();
    const res = await suite.app.request("/public", { headers: await device.auth() });
    expect(await res.json()).toMatchObject({
      principal: { userId: device.userId, via: "device", deviceId: device.deviceId },
    });
  });
});
