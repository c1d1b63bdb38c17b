/**
 * `POST /auth/oauth/token`, the client-credentials grant (RFC 6749 §4.4): client
 * authentication by Basic or in the body, form and JSON bodies, scopes, and every refusal as
 * RFC 6749 §5.2 JSON with its problem members.
 */
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { renderMetrics } from "../../src/observability/metrics.ts";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import {
  basic,
  clientToken,
  type Encoding,
  oauthErrorOf,
  oauthPost,
  registerClient,
  type TestClient,
  type TokenBody,
} from "./helpers.ts";

const TOKEN = "/auth/oauth/token";
const BASIC_CHALLENGE = 'Basic realm="keyship", charset="UTF-8"';

describe.each(dialects)("the client-credentials grant on $name", (dialect) => {
  const suite = useSuite(dialect);
  let client: TestClient;
  beforeAll(async () => {
    client = await registerClient(suite.app, { scopes: ["invoices:read", "invoices:write"] });
  });

  const grant = (params: Record<string, string>, headers = {}, encoding: Encoding = "form") =>
    oauthPost(
      suite.app,
      TOKEN,
      { grant_type: "client_credentials", ...params },
      { headers, encoding },
    );

  it.each<[string, Encoding, "basic" | "post"]>([
    ["a form with Basic", "form", "basic"],
    ["a form with the credentials in it (client_secret_post)", "form", "post"],
    ["JSON with Basic", "json", "basic"],
    ["JSON with the credentials in it", "json", "post"],
  ])("issues a token for %s", async (_name, encoding, method) => {
    const res =
      method === "basic"
        ? await grant({}, basic(client.id, client.secret), encoding)
        : await grant({ client_id: client.id, client_secret: client.secret }, {}, encoding);
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 900,
      scope: "invoices:read invoices:write",
    });
    expect(decodeJwt(body.access_token)).toMatchObject({
      sub: client.id,
      client_id: client.id,
      scope: "invoices:read invoices:write",
      token_use: "access",
    });
  });

  it("answers with Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1)", async () => {
    const res = await grant({}, basic(client.id, client.secret));
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("pragma")).toBe("no-cache");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("grants a subset of the client's scopes when asked", async () => {
    const body = await clientToken(suite.app, client, { scope: "invoices:read" });
    expect(body.scope).toBe("invoices:read");
    expect(decodeJwt(body.access_token).scope).toBe("invoices:read");
  });

  it.each([
    ["a scope the client does not have", "invoices:read admin"],
    ["an empty scope", ""],
    ["only spaces", "   "],
  ])("refuses %s with invalid_scope", async (_name, scope) => {
    const res = await grant({ scope }, basic(client.id, client.secret));
    expect(await oauthErrorOf(res)).toMatchObject({
      status: 400,
      error: "invalid_scope",
      code: "oauth.invalid_scope",
    });
  });

  it.each([
    ["a wrong secret", () => basic(client.id, `kss_${"A".repeat(43)}`)],
    ["a secret of another shape", () => basic(client.id, "hunter2")],
    ["an unknown client id", () => basic(`o${"0".repeat(31)}`, client.secret)],
    ["a client id that is no id", () => basic("billing", client.secret)],
    ["another scheme", () => ({ authorization: `Bearer ${client.secret}` })],
    ["malformed Basic credentials", () => ({ authorization: "Basic !!!" })],
    ["Basic without a colon", () => ({ authorization: `Basic ${btoa(client.id)}` })],
  ])("refuses %s with 401 invalid_client and a Basic challenge", async (_name, headers) => {
    expect(await oauthErrorOf(await grant({}, headers()))).toEqual({
      status: 401,
      error: "invalid_client",
      code: "oauth.invalid_client",
      type: "application/json",
      challenge: BASIC_CHALLENGE,
    });
  });

  it("refuses a wrong secret in the body like one in the header", async () => {
    const res = await grant({ client_id: client.id, client_secret: `kss_${"B".repeat(43)}` });
    expect(await oauthErrorOf(res)).toMatchObject({ status: 401, error: "invalid_client" });
  });

  it("refuses a request without client credentials with invalid_client", async () => {
    expect(await oauthErrorOf(await grant({}))).toMatchObject({
      status: 401,
      error: "invalid_client",
      challenge: BASIC_CHALLENGE,
    });
  });

  it("refuses credentials in the header and the body at once with invalid_request", async () => {
    const res = await grant(
      { client_id: client.id, client_secret: client.secret },
      basic(client.id, client.secret),
    );
    expect(await oauthErrorOf(res)).toMatchObject({
      status: 400,
      error: "invalid_request",
      code: "oauth.invalid_request",
    });
  });

  it("accepts a body client_id that repeats the Basic one", async () => {
    const res = await grant({ client_id: client.id }, basic(client.id, client.secret));
    expect(res.status).toBe(200);
  });

  it("answers errors with the problem members too", async () => {
    const res = await grant({ scope: "nope" }, basic(client.id, client.secret));
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      error: "invalid_scope",
      error_description: expect.any(String),
      type: "urn:keyship:error:oauth.invalid_scope",
      title: expect.any(String),
      status: 400,
      detail: expect.any(String),
      code: "oauth.invalid_scope",
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it.each([
    ["an unknown grant type", { grant_type: "password" }, "unsupported_grant_type"],
    [
      "the authorization-code grant",
      { grant_type: "authorization_code" },
      "unsupported_grant_type",
    ],
    ["no grant type", {}, "invalid_request"],
  ])("refuses %s", async (_name, params, error) => {
    const res = await oauthPost(suite.app, TOKEN, params as Record<string, string>, {
      headers: basic(client.id, client.secret),
    });
    expect(await oauthErrorOf(res)).toMatchObject({ status: 400, error });
  });

  it("refuses a repeated parameter with invalid_request (RFC 6749 §3.2)", async () => {
    const res = await suite.app.request(TOKEN, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...basic(client.id, client.secret),
      },
      body: "grant_type=client_credentials&scope=invoices:read&scope=invoices:write",
    });
    expect(await oauthErrorOf(res)).toMatchObject({ status: 400, error: "invalid_request" });
  });

  it("refuses malformed JSON with invalid_request", async () => {
    const res = await suite.app.request(TOKEN, {
      method: "POST",
      headers: { "content-type": "application/json", ...basic(client.id, client.secret) },
      body: "{not json",
    });
    expect(await oauthErrorOf(res)).toMatchObject({ status: 400, error: "invalid_request" });
  });

  it("refuses other media types with 415, as everywhere", async () => {
    const res = await suite.app.request(TOKEN, {
      method: "POST",
      headers: { "content-type": "text/plain", ...basic(client.id, client.secret) },
      body: "grant_type=client_credentials",
    });
    expect([res.status, await codeOf(res)]).toEqual([415, "request.unsupported_media_type"]);
  });

  it("still refuses form bodies on every other route", async () => {
    for (const path of ["/auth/token/refresh", "/auth/logout", "/auth/passkey/register/start"]) {
      const res = await suite.app.request(path, {
        method: "POST",
        // Content-Length: the setup's check runs on requests that declare a body.
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": "3" },
        body: "a=b",
      });
      expect([path, res.status]).toEqual([path, 415]);
    }
  });

  it("does not answer GET (fastauth-api's token routes were GETs with secrets in the URL)", async () => {
    const res = await suite.app.request(
      `${TOKEN}?grant_type=client_credentials&client_id=${client.id}`,
    );
    expect([res.status, res.headers.get("allow")]).toEqual([405, "POST"]);
  });

  it("never takes client credentials from the URL", async () => {
    const res = await suite.app.request(
      `${TOKEN}?client_id=${client.id}&client_secret=${client.secret}`,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
      },
    );
    expect(await oauthErrorOf(res)).toMatchObject({ status: 401, error: "invalid_client" });
  });

  it("takes a form body that declares its length (the setup lets forms through here only)", async () => {
    const body = "grant_type=client_credentials";
    const res = await suite.app.request(TOKEN, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
        "content-length": String(body.length),
        ...basic(client.id, client.secret),
      },
      body,
    });
    expect(res.status).toBe(200);
  });

  it("does not count Basic credentials at the OAuth endpoints as a refused token", async () => {
    const invalidTokens = () =>
      Number(
        /token_verification_failures_total\{code="token.invalid"\} (\d+)/.exec(
          renderMetrics(),
        )?.[1] ?? 0,
      );
    const before = invalidTokens();
    const res = await postJson(
      suite.app,
      TOKEN,
      { grant_type: "client_credentials" },
      basic(client.id, client.secret),
    );
    expect([res.status, invalidTokens()]).toEqual([200, before]);
  });
});

describe.each(dialects)("the token endpoint's rate limit on $name", (dialect) => {
  const suite = useSuite(dialect, { rateLimitOauthToken: "3/1m" });

  it("allows the configured calls per client, then answers 429 with Retry-After", async () => {
    const client = await registerClient(suite.app);
    for (let i = 0; i < 3; i++) await clientToken(suite.app, client);
    const res = await oauthPost(
      suite.app,
      TOKEN,
      { grant_type: "client_credentials" },
      { headers: basic(client.id, client.secret) },
    );
    expect([res.status, await codeOf(res)]).toEqual([429, "rate_limited"]);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
