/**
 * `grant_type=refresh_token` for clients registered with `--refresh` (RFC 6749 §6): every
 * refresh spends the token and hands out the next; a spent token presented again revokes the
 * whole family (RFC 9700 §4.14.2), its access tokens included, and is audited.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { eventsOf } from "../admin/fixtures.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { bearer } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import {
  basic,
  clientToken,
  oauthErrorOf,
  oauthPost,
  registerClient,
  type TestClient,
  type TokenBody,
} from "./helpers.ts";

describe.each(dialects)("client refresh tokens on $name", (dialect) => {
  const suite = useSuite(dialect);
  let client: TestClient;
  beforeAll(async () => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
    client = await registerClient(suite.app, {
      scopes: ["reports:read", "reports:write"],
      allowRefresh: true,
    });
  });
  const refresh = (refreshToken: string, params: Record<string, string> = {}, who = client) =>
    oauthPost(
      suite.app,
      "/auth/oauth/token",
      { grant_type: "refresh_token", refresh_token: refreshToken, ...params },
      { headers: basic(who.id, who.secret) },
    );
  const whoami = (token: string) => suite.app.request("/whoami", { headers: bearer(token) });

  it("hands out a refresh token with the client-credentials grant: a new family", async () => {
    const before = (await suite.count("client_sessions")).client_sessions;
    const body = await clientToken(suite.app, client);
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await suite.count("client_sessions")).client_sessions).toBe(before + 1);
  });

  it("rotates: a refresh answers new tokens, and the new access token works", async () => {
    const first = await clientToken(suite.app, client);
    const res = await refresh(first.refresh_token as string);
    const next = (await res.json()) as TokenBody;
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(next.scope).toBe("reports:read reports:write");
    expect(await (await whoami(next.access_token)).json()).toMatchObject({
      via: "client",
      userId: client.id,
    });
  });

  it("narrows the scope on request, and refuses widening it", async () => {
    const first = await clientToken(suite.app, client, { scope: "reports:read" });
    const wider = await refresh(first.refresh_token as string, {
      scope: "reports:read reports:write",
    });
    expect((await oauthErrorOf(wider)).error).toBe("invalid_scope");
    // The refused request spent nothing: the token still works, for its own scope.
    const same = await refresh(first.refresh_token as string, { scope: "reports:read" });
    expect(((await same.json()) as TokenBody).scope).toBe("reports:read");
  });

  it("revokes the whole family when a spent refresh token comes back", async () => {
    const first = await clientToken(suite.app, client);
    const second = (await (await refresh(first.refresh_token as string)).json()) as TokenBody;
    expect((await whoami(second.access_token)).status).toBe(200);

    const replay = await refresh(first.refresh_token as string);
    expect(await oauthErrorOf(replay)).toMatchObject({ status: 400, error: "invalid_grant" });
    // The thief's and the client's tokens of that family are refused from now on.
    expect(await codeOf(await whoami(second.access_token))).toBe("token.revoked");
    expect((await oauthErrorOf(await refresh(second.refresh_token as string))).error).toBe(
      "invalid_grant",
    );
    const reuse = (await eventsOf(suite.app, { target: client.id })).find(
      (e) => e.action === "client.refresh_reused",
    );
    expect(reuse).toMatchObject({ outcome: "failure", targetType: "client", actorId: null });
    // Another family of the same client is untouched.
    const other = await clientToken(suite.app, client);
    expect((await whoami(other.access_token)).status).toBe(200);
  });

  it.each([
    ["an unknown refresh token", "A".repeat(43)],
    ["a malformed refresh token", "not-a-token"],
  ])("refuses %s with invalid_grant", async (_name, token) => {
    expect((await oauthErrorOf(await refresh(token))).error).toBe("invalid_grant");
  });

  it("refuses a refresh without refresh_token with invalid_request", async () => {
    const res = await oauthPost(
      suite.app,
      "/auth/oauth/token",
      { grant_type: "refresh_token" },
      { headers: basic(client.id, client.secret) },
    );
    expect((await oauthErrorOf(res)).error).toBe("invalid_request");
  });

  it("refuses another client's refresh token with invalid_grant, and spends nothing", async () => {
    const other = await registerClient(suite.app, { scopes: ["reports:read"], allowRefresh: true });
    const mine = await clientToken(suite.app, client);
    expect((await oauthErrorOf(await refresh(mine.refresh_token as string, {}, other))).error).toBe(
      "invalid_grant",
    );
    expect((await refresh(mine.refresh_token as string)).status).toBe(200);
  });

  it("refuses an expired refresh token with invalid_grant", async () => {
    const first = await clientToken(suite.app, client);
    suite.clock.advance(31 * 86_400_000); // past the 30-day refreshTokenTtl
    expect((await oauthErrorOf(await refresh(first.refresh_token as string))).error).toBe(
      "invalid_grant",
    );
  });

  it("refuses the refresh grant to a client registered without refresh (unauthorized_client)", async () => {
    const plain = await registerClient(suite.app);
    const body = await clientToken(suite.app, plain);
    expect(body.refresh_token).toBeUndefined();
    const res = await refresh("A".repeat(43), {}, plain);
    expect(await oauthErrorOf(res)).toMatchObject({ status: 400, error: "unauthorized_client" });
  });

  it("keeps user refresh tokens and client refresh tokens apart", async () => {
    const first = await clientToken(suite.app, client);
    const res = await suite.app.request("/auth/token/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: first.refresh_token }),
    });
    expect([res.status, await codeOf(res)]).toEqual([401, "token.invalid"]);
  });
});
