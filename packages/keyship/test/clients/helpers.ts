/** OAuth clients for the client suites: registration, token requests, Basic credentials. */
import { expect } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { CLI_SOURCE } from "../../src/audit/model.ts";
import { createClient } from "../../src/clients/manage.ts";
import { newId } from "../../src/ids.ts";
import { clockOf } from "../helpers/clock.ts";

/** A registered client and its secret. */
export interface TestClient {
  readonly id: string;
  readonly secret: string;
}

let registered = 0;

/**
 * Registers a client straight through the service (as the CLI does: no in-process revocation
 * list, which the admin API's changes have).
 */
export async function registerClient(
  app: KeyshipApp,
  options: { scopes?: string[]; allowRefresh?: boolean; name?: string } = {},
): Promise<TestClient> {
  const ctx = { db: app.keyship.db, now: clockOf(app).now, newId };
  const { client, clientSecret } = await createClient(ctx, CLI_SOURCE, {
    name: options.name ?? `client-${++registered}-${newId("client").slice(-6)}`,
    scopes: options.scopes ?? ["invoices:read", "invoices:write"],
    allowRefresh: options.allowRefresh ?? false,
  });
  return { id: client.id, secret: clientSecret };
}

/** `Authorization: Basic` of a client (RFC 6749 §2.3.1: each part form-urlencoded first). */
export function basic(id: string, secret: string): Record<string, string> {
  const encode = (part: string) => encodeURIComponent(part).replaceAll("%20", "+");
  return {
    authorization: `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString("base64")}`,
  };
}

/** How a test sends an OAuth request's body. */
export type Encoding = "form" | "json";

/** POSTs OAuth parameters to `path` as a form (the default) or as JSON. */
export function oauthPost(
  app: KeyshipApp,
  path: string,
  params: Record<string, string>,
  options: { headers?: Record<string, string>; encoding?: Encoding } = {},
): Promise<Response> {
  const json = options.encoding === "json";
  return Promise.resolve(
    app.request(path, {
      method: "POST",
      headers: {
        "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
        ...options.headers,
      },
      body: json ? JSON.stringify(params) : new URLSearchParams(params).toString(),
    }),
  );
}

/** The successful token response. */
export interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

/** Asks for a client-credentials token with Basic credentials and returns it (asserting 200). */
export async function clientToken(
  app: KeyshipApp,
  client: TestClient,
  params: Record<string, string> = {},
): Promise<TokenBody> {
  const res = await oauthPost(
    app,
    "/auth/oauth/token",
    { grant_type: "client_credentials", ...params },
    { headers: basic(client.id, client.secret) },
  );
  const body = (await res.json()) as TokenBody;
  expect([res.status, body]).toEqual([200, expect.objectContaining({ token_type: "Bearer" })]);
  return body;
}

/** The OAuth error of a refused request: status, `error`, `code` and challenge. */
export async function oauthErrorOf(res: Response) {
  const body = (await res.json()) as { error?: string; code?: string };
  return {
    status: res.status,
    error: body.error,
    code: body.code,
    type: res.headers.get("content-type"),
    challenge: res.headers.get("www-authenticate"),
  };
}
