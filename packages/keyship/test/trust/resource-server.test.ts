/**
 * Resource-server mode against a real OpenID Provider (`oidc-provider`, Keycloak-shaped: a
 * realm issuer path and `realm_access.roles`): its own JWT access tokens authenticate as
 * `via: "external"` beside keyship's credentials, and every bad token is refused with the
 * pipeline's `token.*` problems.
 */
import { base64url, decodeJwt, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyshipConfigError } from "../../src/errors.ts";
import { requireAdmin, requireScopes, requireUser } from "../../src/guards/guards.ts";
import { testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { problemsOf } from "../helpers/config-problems.ts";
import { dialects } from "../helpers/databases.ts";
import { startOidcProvider } from "../helpers/oidc-provider.ts";
import { codeOf, registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";

const ORDERS = "https://orders.test";
const OTHER = "https://other.test";
const SYMMETRIC = "https://symmetric.test";
const ADMIN = { clientId: "ops-bot", clientSecret: "ops-bot-secret" };
const PLAIN = { clientId: "report-bot", clientSecret: "report-bot-secret" };

const idp = await startOidcProvider({
  issuerPath: "/realms/main",
  clients: [
    { ...ADMIN, tokenClaims: { realm_access: { roles: ["admin", "ops"] } } },
    { ...PLAIN, tokenClaims: { realm_access: { roles: ["reporting"] } } },
  ],
  resources: {
    [ORDERS]: { audience: "orders-api", scope: "orders:read orders:write" },
    [OTHER]: { audience: "other-api" },
    [SYMMETRIC]: { audience: "orders-api", sign: { alg: "HS256", key: "x".repeat(32) } },
  },
});
const stranger = await startOidcProvider({
  clients: [ADMIN],
  resources: { [ORDERS]: { audience: "orders-api" } },
});
afterAll(() => Promise.all([idp.close(), stranger.close()]));

const token = (
  client: typeof ADMIN,
  scope = "orders:read",
  resource = ORDERS,
  from = idp,
): Promise<string> => from.clientCredentialsToken({ ...client, scope, resource });

describe.each(dialects)("resource-server mode on $name", (dialect) => {
  const suite = useSuite(dialect, {
    trust: {
      sso: {
        issuer: idp.issuer,
        audience: "orders-api",
        rolesClaim: "realm_access.roles",
        // Every unknown kid refetches at once, so the rotation test needs no waiting.
        jwksCooldownSeconds: 0,
      },
    },
  });
  beforeAll(() => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
    suite.app.get("/orders", requireScopes("orders:read"), (c) => c.json({ ok: true }));
    suite.app.post("/orders", requireScopes("orders:write"), (c) => c.json({ ok: true }));
    suite.app.get("/ops", requireAdmin(), (c) => c.json({ ok: true }));
  });
  const get = (path: string, jwt: string, method = "GET") =>
    suite.app.request(path, { method, headers: bearer(jwt) });

  const headerOf = (jwt: string) =>
    JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split(".")[0] as string)));

  async function expectRefused(jwt: string, code: string): Promise<void> {
    const res = await get("/whoami", jwt);
    expect([res.status, await codeOf(res)]).toEqual([401, code]);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  }

  it("authenticates the issuer's token as via external, with its roles and scopes", async () => {
    const res = await get("/whoami", await token(ADMIN));
    expect(await res.json()).toEqual({
      userId: "sso:ops-bot",
      role: "admin",
      scopes: ["orders:read"],
      via: "external",
      provider: "sso",
      roles: ["admin", "ops"],
    });
  });

  it("answers the same warm as cold", async () => {
    const jwt = await token(PLAIN);
    const cold = await (await get("/whoami", jwt)).json();
    expect(await (await get("/whoami", jwt)).json()).toEqual(cold);
  });

  it("applies requireScopes() to the token's scopes", async () => {
    const jwt = await token(PLAIN, "orders:read");
    expect((await get("/orders", jwt)).status).toBe(200);
    const refused = await get("/orders", jwt, "POST");
    expect([refused.status, await codeOf(refused)]).toEqual([403, "auth.forbidden"]);
    expect(refused.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  it("lets a role named admin pass requireAdmin(), and no other role", async () => {
    expect((await get("/ops", await token(ADMIN))).status).toBe(200);
    const refused = await get("/ops", await token(PLAIN));
    expect([refused.status, await codeOf(refused)]).toEqual([403, "auth.forbidden"]);
  });

  it("fetches the new key after the issuer rotated its signing key", async () => {
    expect((await get("/whoami", await token(PLAIN))).status).toBe(200);
    const [kid] = idp.rotateKeys();
    const rotated = await token(PLAIN);
    expect(headerOf(rotated).kid).toBe(kid);
    expect((await get("/whoami", rotated)).status).toBe(200);
  });

  it("refuses a token for another audience", async () => {
    await expectRefused(await token(PLAIN, "read", OTHER), "token.invalid");
  });

  it("refuses an expired token", async () => {
    const jwt = await token(PLAIN);
    expect((await get("/whoami", jwt)).status).toBe(200);
    // Past `exp` and the 30 s skew, on the app's clock (which lags the IdP's real one).
    const { exp } = decodeJwt(jwt) as { exp: number };
    suite.clock.advance((exp + 31 - suite.clock.seconds()) * 1000);
    await expectRefused(jwt, "token.expired");
  });

  it("refuses a token of another issuer", async () => {
    await expectRefused(await token(ADMIN, "read", ORDERS, stranger), "token.invalid");
  });

  it("refuses a token that names the trusted issuer but is signed by another key", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ scope: "orders:read" })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: idp.kids[0] as string })
      .setIssuer(idp.issuer)
      .setAudience("orders-api")
      .setSubject("ops-bot")
      .setIssuedAt(suite.clock.seconds())
      .setExpirationTime(suite.clock.seconds() + 60)
      .sign(privateKey);
    await expectRefused(forged, "token.invalid");
  });

  it("refuses alg none", async () => {
    const [, payload] = (await token(ADMIN)).split(".");
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt" }));
    await expectRefused(`${header}.${payload}.`, "token.invalid");
  });

  it("refuses an HS256 token of the trusted issuer", async () => {
    const jwt = await token(PLAIN, "read", SYMMETRIC);
    expect(headerOf(jwt).alg).toBe("HS256");
    await expectRefused(jwt, "token.invalid");
  });

  it("still accepts keyship's own device tokens and access tokens beside it", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    const device = await suite.app.request("/whoami", { headers: await account.auth() });
    expect(await device.json()).toMatchObject({ userId: account.userId, via: "device" });
    const { body } = await registerWithSession(suite.app, "bearer");
    const session = await get("/whoami", body.accessToken as string);
    expect(await session.json()).toMatchObject({ via: "session" });
  });
});

describe("resource-server mode's edges", () => {
  it("refuses at startup to trust keyship's own issuer", () => {
    expect(() =>
      testApp("sqlite::memory:", {
        sessionIssuer: "https://api.example.com",
        trust: { self: { issuer: "https://api.example.com", audience: "api" } },
      }),
    ).toThrow(KeyshipConfigError);
  });

  it("refuses at startup an http issuer in production", () => {
    const problems = problemsOf(() =>
      testApp("sqlite::memory:", {
        env: "production",
        trust: { local: { issuer: "http://127.0.0.1:9/realms/main", audience: "api" } },
      }),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^KEYSHIP_TRUST_LOCAL_ISSUER must be https in production/),
    );
  });

  it("answers 503 while the issuer cannot be reached, never a 401 or a pass", async () => {
    const gone = await startOidcProvider({
      clients: [ADMIN],
      resources: { [ORDERS]: { audience: "orders-api" } },
    });
    const jwt = await token(ADMIN, "read", ORDERS, gone);
    await gone.close();
    const app = testApp("sqlite::memory:", {
      trust: { gone: { issuer: gone.issuer, audience: "orders-api" } },
    });
    app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
    const res = await app.request("/whoami", { headers: bearer(jwt) });
    expect([res.status, await codeOf(res)]).toEqual([503, "service_unavailable"]);
    await app.keyship.close();
  });
});
