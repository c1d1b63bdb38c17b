/**
 * `POST /auth/oauth/introspect` (RFC 7662) and `POST /auth/oauth/revoke` (RFC 7009): for
 * authenticated clients only; `{ active: false }` for anything not live; revocation ends the
 * token's family and always answers 200.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { eventsOf } from "../admin/fixtures.ts";
import { calculateThumbprint, generateKeyPair, proof } from "../dpop/helpers.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import {
  basic,
  clientToken,
  type Encoding,
  oauthErrorOf,
  oauthPost,
  registerClient,
  type TestClient,
} from "./helpers.ts";

describe.each(dialects)("introspection and revocation on $name", (dialect) => {
  const suite = useSuite(dialect);
  let resourceServer: TestClient;
  let worker: TestClient;
  beforeAll(async () => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
    resourceServer = await registerClient(suite.app, { scopes: [] });
    worker = await registerClient(suite.app, {
      scopes: ["jobs:run", "jobs:read"],
      allowRefresh: true,
    });
  });
  const introspect = async (
    token: string,
    caller = resourceServer,
    encoding: Encoding = "form",
  ) => {
    const res = await oauthPost(
      suite.app,
      "/auth/oauth/introspect",
      { token },
      {
        headers: basic(caller.id, caller.secret),
        encoding,
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    return (await res.json()) as Record<string, unknown>;
  };
  const revoke = (token: string, caller = worker) =>
    oauthPost(
      suite.app,
      "/auth/oauth/revoke",
      { token, token_type_hint: "access_token" },
      {
        headers: basic(caller.id, caller.secret),
      },
    );
  const whoami = (token: string) => suite.app.request("/whoami", { headers: bearer(token) });

  it.each<Encoding>(["form", "json"])(
    "describes a live client access token (%s body)",
    async (encoding) => {
      const { access_token } = await clientToken(suite.app, worker, { scope: "jobs:run" });
      const now = suite.clock.seconds();
      expect(await introspect(access_token, resourceServer, encoding)).toEqual({
        active: true,
        scope: "jobs:run",
        client_id: worker.id,
        sub: worker.id,
        exp: expect.any(Number),
        iat: expect.any(Number),
        iss: expect.any(String),
        token_type: "Bearer",
      });
      expect((await introspect(access_token)).exp).toBeGreaterThan(now);
    },
  );

  it("describes a user's access token (a resource server may ask about any of ours)", async () => {
    const { body } = await registerWithSession(suite.app, "bearer");
    const answer = await introspect(body.accessToken as string);
    expect(answer).toMatchObject({ active: true, sub: body.userId, token_type: "Bearer" });
    expect(answer.client_id).toBeUndefined();
  });

  it("describes a DPoP-bound token with its key (RFC 9449 §6.2)", async () => {
    const key = await generateKeyPair("ES256");
    const dpop = await proof(key, "POST", "/auth/passkey/register/finish");
    const { body } = await registerWithSession(suite.app, "bearer", { headers: { dpop } });
    expect(await introspect(body.accessToken as string)).toMatchObject({
      active: true,
      sub: body.userId,
      token_type: "DPoP",
      cnf: { jkt: await calculateThumbprint(key.publicKey) },
    });
  });

  it("describes the caller's own refresh token, and no one else's", async () => {
    const { refresh_token } = await clientToken(suite.app, worker);
    expect(await introspect(refresh_token as string, worker)).toMatchObject({
      active: true,
      client_id: worker.id,
      scope: "jobs:read jobs:run",
      token_type: "refresh_token",
    });
    expect(await introspect(refresh_token as string, resourceServer)).toEqual({ active: false });
  });

  it.each([
    ["garbage", "not a token"],
    ["a JWT of someone else", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"],
    ["an unknown refresh token", "B".repeat(43)],
  ])("answers { active: false } for %s", async (_name, token) => {
    expect(await introspect(token)).toEqual({ active: false });
  });

  it("answers { active: false } for an expired token", async () => {
    const { access_token } = await clientToken(suite.app, worker);
    suite.clock.advance(16 * 60 * 1000);
    expect(await introspect(access_token)).toEqual({ active: false });
  });

  it("refuses to introspect for an unauthenticated caller (invalid_client)", async () => {
    const { access_token } = await clientToken(suite.app, worker);
    const res = await oauthPost(suite.app, "/auth/oauth/introspect", { token: access_token });
    expect(await oauthErrorOf(res)).toMatchObject({ status: 401, error: "invalid_client" });
    const wrong = await oauthPost(
      suite.app,
      "/auth/oauth/introspect",
      { token: access_token },
      {
        headers: basic(resourceServer.id, `kss_${"D".repeat(43)}`),
      },
    );
    expect((await oauthErrorOf(wrong)).error).toBe("invalid_client");
  });

  it("revokes a refresh token: its family's access and refresh tokens stop", async () => {
    const { access_token, refresh_token } = await clientToken(suite.app, worker);
    const res = await revoke(refresh_token as string);
    expect([res.status, res.headers.get("cache-control")]).toEqual([200, "no-store"]);
    expect(await codeOf(await whoami(access_token))).toBe("token.revoked");
    expect(await introspect(refresh_token as string, worker)).toEqual({ active: false });
    const audit = await eventsOf(suite.app, { target: worker.id });
    expect(audit.find((e) => e.action === "client.token_revoked")).toMatchObject({
      outcome: "success",
      targetType: "client",
    });
  });

  it("revokes an access token with its family, leaving the client's other families", async () => {
    const one = await clientToken(suite.app, worker);
    const two = await clientToken(suite.app, worker);
    expect((await revoke(one.access_token)).status).toBe(200);
    expect(await codeOf(await whoami(one.access_token))).toBe("token.revoked");
    expect((await whoami(two.access_token)).status).toBe(200);
  });

  it("revokes a client-credentials token: that family ends, a new token works", async () => {
    const plain = await registerClient(suite.app);
    const first = await clientToken(suite.app, plain);
    const sibling = await clientToken(suite.app, plain);
    expect((await revoke(first.access_token, plain)).status).toBe(200);
    expect(await codeOf(await whoami(first.access_token))).toBe("token.revoked");
    expect(await codeOf(await whoami(sibling.access_token))).toBe("token.revoked");
    const fresh = await clientToken(suite.app, plain);
    expect((await whoami(fresh.access_token)).status).toBe(200);
  });

  it("answers 200 and changes nothing for another client's token, a user's token or garbage", async () => {
    const theirs = await clientToken(suite.app, worker);
    const { body } = await registerWithSession(suite.app, "bearer");
    for (const token of [theirs.access_token, body.accessToken as string, "garbage"]) {
      expect((await revoke(token, resourceServer)).status).toBe(200);
    }
    expect((await whoami(theirs.access_token)).status).toBe(200);
    expect((await whoami(body.accessToken as string)).status).toBe(200);
  });

  it("refuses to revoke for an unauthenticated caller (invalid_client)", async () => {
    const res = await oauthPost(suite.app, "/auth/oauth/revoke", { token: "x" });
    expect(await oauthErrorOf(res)).toMatchObject({ status: 401, error: "invalid_client" });
  });
});
