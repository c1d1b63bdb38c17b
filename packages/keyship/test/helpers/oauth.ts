/**
 * Steps of an OAuth sign-in for route suites: the start (302 and the flow cookie), the
 * provider's leg (followed over real HTTP until it redirects to keyship's callback), the
 * callback and the code exchange.
 * @module
 */
import { expect } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { postJson } from "./app.ts";
import { newDeviceKey, signedInAccount } from "./passkeys.ts";
import { cookieHeader, cookiesOf } from "./sessions.ts";

/** A started flow: the provider URL and the cookie header that carries the flow cookie. */
export interface StartedOAuth {
  readonly location: string;
  readonly cookie: string;
}

/** `GET /auth/oauth/{provider}/start`, expecting the 302. */
export async function startOAuth(
  app: KeyshipApp,
  provider: string,
  returnTo = "/after",
): Promise<StartedOAuth> {
  const response = await app.request(
    `/auth/oauth/${provider}/start?returnTo=${encodeURIComponent(returnTo)}`,
  );
  expect(response.status).toBe(302);
  return {
    location: response.headers.get("location") as string,
    cookie: cookieHeader(cookiesOf(response)),
  };
}

/**
 * Follows the provider's redirects over HTTP (with a cookie jar, for providers that keep a
 * session) until one points at `callbackPrefix`, and returns that URL.
 * @param interact answers a page that needs a form post (oidc-provider's dev interactions)
 */
export async function followToCallback(
  location: string,
  callbackPrefix: string,
  interact?: (url: string, html: string) => { url: string; body: URLSearchParams } | undefined,
): Promise<URL> {
  const jar = new Map<string, string>();
  let url = location;
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(callbackPrefix)) return new URL(url);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie },
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(";");
      const [name, ...value] = (pair as string).split("=");
      jar.set(name as string, value.join("="));
    }
    const next = response.headers.get("location");
    if (next !== null) {
      url = new URL(next, url).href;
      init = {};
      continue;
    }
    const form = interact?.(url, await response.text());
    if (form === undefined) throw new Error(`the provider stopped at ${url} (${response.status})`);
    url = form.url;
    init = {
      method: "POST",
      body: form.body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    };
  }
  throw new Error("too many redirects");
}

/**
 * Answers `oidc-provider`'s dev sign-in page as `login` (any password), and its consent page:
 * the `interact` of {@link followToCallback}.
 */
export function interactAs(login: string) {
  return (url: string, html: string) => {
    const action = /action="([^"]+)"/.exec(html)?.[1];
    if (action === undefined) return undefined;
    const body = html.includes('name="login"')
      ? new URLSearchParams({ prompt: "login", login, password: "any" })
      : new URLSearchParams({ prompt: "consent" });
    return { url: new URL(action, url).href, body };
  };
}

/**
 * A whole sign-in at an `oidc-provider` as `login` (its dev sign-in and consent pages): start,
 * provider, callback and a bearer exchange; returns the exchange's answer.
 * @param check looks at the started flow's provider URL before it is followed
 */
export async function signInAtOidcProvider(
  app: KeyshipApp,
  provider: string,
  login: string,
  check: (started: StartedOAuth) => void = () => {},
): Promise<Response> {
  const started = await startOAuth(app, provider);
  check(started);
  const callbackPrefix = `http://localhost:8787/auth/oauth/${provider}/callback`;
  const callback = await followToCallback(started.location, callbackPrefix, interactAs(login));
  const fragment = fragmentOf(await callOAuthCallback(app, callback, started.cookie));
  return exchangeOAuthCode(app, fragment.get("keyship_oauth") as string);
}

/** Calls keyship's callback (path and query of `callback`) with the flow cookie. */
export async function callOAuthCallback(
  app: KeyshipApp,
  callback: URL,
  cookie: string,
): Promise<Response> {
  return app.request(callback.pathname + callback.search, { headers: { cookie } });
}

/** The fragment parameters of a callback's redirect. */
export function fragmentOf(response: Response): URLSearchParams {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location") as string);
  return new URLSearchParams(location.hash.slice(1));
}

/** `POST /auth/oauth/exchange` for a bearer session. */
export function exchangeOAuthCode(
  app: KeyshipApp,
  code: string,
  body: Record<string, unknown> = { session: "bearer" },
): Promise<Response> {
  return postJson(app, "/auth/oauth/exchange", { code, ...body });
}

/**
 * A whole sign-in at a provider that approves without a page (the OAuth 2 test servers):
 * start, provider, callback; returns the fragment.
 */
export async function oauthRoundTrip(
  app: KeyshipApp,
  provider: string,
  origin: string,
  returnTo = "/after",
): Promise<URLSearchParams> {
  const started = await startOAuth(app, provider, returnTo);
  const callback = await followToCallback(
    started.location,
    `${origin}/auth/oauth/${provider}/callback`,
  );
  return fragmentOf(await callOAuthCallback(app, callback, started.cookie));
}

/**
 * Signs up (or in) through an approving provider and exchanges the code, expecting 200.
 * @returns the user id and the email keyship put on the user (null: none)
 */
export async function signUpThrough(
  app: KeyshipApp,
  provider: string,
  origin: string,
): Promise<{ userId: string; email: string | null }> {
  const fragment = await oauthRoundTrip(app, provider, origin);
  const response = await exchangeOAuthCode(app, fragment.get("keyship_oauth") as string);
  expect(response.status).toBe(200);
  const { userId } = (await response.json()) as { userId: string };
  const user = await app.keyship.db
    .selectFrom("users")
    .select("email")
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  return { userId, email: user.email };
}

/**
 * `POST /auth/oauth/{provider}/link` or `/step-up` for the caller of `headers`, followed
 * through the provider and the callback; returns the callback's answer.
 * @param interact answers the provider's pages (see {@link followToCallback})
 */
export async function signedInFlow(
  app: KeyshipApp,
  path: `/auth/oauth/${string}/${"link" | "step-up"}`,
  headers: Record<string, string>,
  origin: string,
  interact?: Parameters<typeof followToCallback>[2],
): Promise<Response> {
  const started = await postJson(app, path, { returnTo: "/settings" }, headers);
  if (started.status !== 200) return started;
  const { url } = (await started.json()) as { url: string };
  const provider = path.split("/")[3] as string;
  const callbackPrefix = `${origin}/auth/oauth/${provider}/callback`;
  const callback = await followToCallback(url, callbackPrefix, interact);
  return callOAuthCallback(app, callback, cookieHeader(cookiesOf(started)));
}

/**
 * Signs in (or up) through an approving provider with a new device key, and returns the
 * account as the passkey helpers do; its `stepUp()` signs in with the provider again.
 */
export async function providerAccount(app: KeyshipApp, provider: string, origin: string) {
  const deviceKey = newDeviceKey();
  const fragment = await oauthRoundTrip(app, provider, origin);
  const response = await exchangeOAuthCode(app, fragment.get("keyship_oauth") as string, {
    devicePublicKey: deviceKey.publicJwk,
  });
  expect(response.status).toBe(200);
  const result = (await response.json()) as { userId: string; deviceId: string; created: boolean };
  return signedInAccount(app, result, deviceKey, async (auth) => {
    const stepped = await signedInFlow(
      app,
      `/auth/oauth/${provider}/step-up`,
      await auth(),
      origin,
    );
    expect(fragmentOf(stepped).get("keyship_oauth_error") ?? "none").toBe("none");
    expect(fragmentOf(stepped).get("keyship_oauth_stepped_up")).toBe(provider);
  });
}
