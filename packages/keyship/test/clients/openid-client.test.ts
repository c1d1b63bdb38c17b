/**
 * A real OAuth library as the peer: openid-client (over oauth4webapi, which checks media types
 * and response shapes strictly) runs the client-credentials and refresh grants, introspection
 * and revocation against keyship, with both client authentication methods, and reads its
 * errors.
 */
import * as oauth from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { dialects } from "../helpers/databases.ts";
import { bearer } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { registerClient, type TestClient } from "./helpers.ts";

const ISSUER = "http://keyship.test";

describe.each(dialects)("openid-client against keyship on $name", (dialect) => {
  const suite = useSuite(dialect);
  let client: TestClient;
  beforeAll(async () => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
    client = await registerClient(suite.app, {
      scopes: ["feeds:read", "feeds:write"],
      allowRefresh: true,
    });
  });

  function configuration(method: "basic" | "post"): oauth.Configuration {
    const config = new oauth.Configuration(
      {
        issuer: ISSUER,
        token_endpoint: `${ISSUER}/auth/oauth/token`,
        introspection_endpoint: `${ISSUER}/auth/oauth/introspect`,
        revocation_endpoint: `${ISSUER}/auth/oauth/revoke`,
      },
      client.id,
      undefined,
      method === "basic"
        ? oauth.ClientSecretBasic(client.secret)
        : oauth.ClientSecretPost(client.secret),
    );
    // The library's requests go to the app in process (no socket), over plain http.
    config[oauth.customFetch] = (url, init) =>
      Promise.resolve(suite.app.request(url, init as RequestInit));
    oauth.allowInsecureRequests(config);
    return config;
  }

  it.each(["basic", "post"] as const)(
    "runs the client-credentials grant (client_secret_%s)",
    async (method) => {
      const tokens = await oauth.clientCredentialsGrant(configuration(method), {
        scope: "feeds:read",
      });
      expect(tokens).toMatchObject({ token_type: "bearer", scope: "feeds:read" });
      expect(tokens.expiresIn()).toBeGreaterThan(890); // 900 s, read on the real clock
      const res = await suite.app.request("/whoami", { headers: bearer(tokens.access_token) });
      expect(await res.json()).toMatchObject({
        via: "client",
        userId: client.id,
        scopes: ["feeds:read"],
      });
    },
  );

  it("refreshes, introspects and revokes", async () => {
    const config = configuration("basic");
    const first = await oauth.clientCredentialsGrant(config);
    const next = await oauth.refreshTokenGrant(config, first.refresh_token as string);
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(await oauth.tokenIntrospection(config, next.access_token)).toMatchObject({
      active: true,
      client_id: client.id,
      sub: client.id,
    });
    await oauth.tokenRevocation(config, next.refresh_token as string);
    expect(await oauth.tokenIntrospection(config, next.access_token)).toEqual({ active: false });
  });

  it("reads keyship's OAuth errors as RFC 6749 errors", async () => {
    const attempt = oauth.clientCredentialsGrant(configuration("basic"), { scope: "feeds:admin" });
    await expect(attempt).rejects.toMatchObject({
      name: "ResponseBodyError",
      error: "invalid_scope",
      status: 400,
    });
  });

  it("reads a refused client's 401 with its Basic challenge (RFC 6749 §5.2)", async () => {
    const config = new oauth.Configuration(
      { issuer: ISSUER, token_endpoint: `${ISSUER}/auth/oauth/token` },
      client.id,
      undefined,
      oauth.ClientSecretBasic(`kss_${"E".repeat(43)}`),
    );
    config[oauth.customFetch] = (url, init) =>
      Promise.resolve(suite.app.request(url, init as RequestInit));
    oauth.allowInsecureRequests(config);
    // oauth4webapi reports a 401's challenges before its body.
    await expect(oauth.clientCredentialsGrant(config)).rejects.toMatchObject({
      name: "WWWAuthenticateChallengeError",
      status: 401,
      cause: [{ scheme: "basic", parameters: { realm: "keyship", charset: "UTF-8" } }],
    });
  });
});
