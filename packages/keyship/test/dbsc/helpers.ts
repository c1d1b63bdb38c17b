/**
 * DBSC test plumbing: an app served on an HTTPS origin (as behind a TLS-terminating proxy), a
 * cookie sign-in there, and the browser's registration and refresh calls.
 */
import type { KeyshipApp } from "../../src/app.ts";
import type { KeyshipOptions } from "../../src/keyship.ts";
import {
  cookieHeader,
  cookiesOf,
  registerWithSession,
  type SessionAnswer,
} from "../helpers/sessions.ts";
import { DbscKey, parseRegistration, type RegistrationRequest } from "./client.ts";

/** The public origin of the DBSC test apps. */
export const ORIGIN = "https://app.example";

/** Settings of a DBSC test app: one HTTPS origin. */
export const DBSC_OPTIONS: KeyshipOptions = { origins: [ORIGIN], rpId: "app.example" };

/** The bound cookie's name, as the browser sees it. */
export const BOUND = "__Host-keyship-bound";

/** `app`, with relative request paths resolved against `base` instead of `http://localhost`. */
export function servedAt(app: KeyshipApp, base: string = ORIGIN): KeyshipApp {
  const served = Object.create(app) as KeyshipApp;
  const request = app.request.bind(app);
  served.request = ((input: string | Request | URL, ...rest: unknown[]) =>
    request(
      typeof input === "string" && input.startsWith("/") ? `${base}${input}` : input,
      ...(rest as [RequestInit?]),
    )) as KeyshipApp["request"];
  return served;
}

/** A browser's cookie jar, updated from each response's Set-Cookie headers. */
export class CookieJar {
  readonly cookies: Record<string, string> = {};
  /** Takes the cookies a response set (a deleted one becomes ""). */
  take(res: Response): Response {
    Object.assign(this.cookies, cookiesOf(res));
    return res;
  }
  /** The Cookie header, optionally without some cookies. */
  header(...without: string[]): string {
    const kept = Object.fromEntries(
      Object.entries(this.cookies).filter(([name]) => !without.includes(name)),
    );
    return cookieHeader(kept);
  }
}

/** A cookie sign-up on `app` and what its answer carried. */
export interface SignedIn {
  readonly res: Response;
  readonly body: SessionAnswer;
  readonly jar: CookieJar;
}

/** Signs up with a passkey asking for a cookie session, as a same-origin page would. */
export async function signUpWithCookies(app: KeyshipApp): Promise<SignedIn> {
  const jar = new CookieJar();
  const { res, body } = await registerWithSession(app, "cookie", {
    origin: ORIGIN,
    headers: { origin: ORIGIN },
  });
  jar.take(res);
  return { res, body, jar };
}

/** The browser's registration POST: the proof in `Secure-Session-Response`, cookies sent. */
export function postRegistration(
  app: KeyshipApp,
  path: string,
  proof: string,
  cookie: string,
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: "POST",
      headers: { "secure-session-response": proof, cookie, origin: ORIGIN },
    }),
  );
}

/** The browser's refresh POST, with a proof when it answers a challenge. */
export function postRefresh(
  app: KeyshipApp,
  sessionId: string,
  cookie: string,
  proof?: string,
): Promise<Response> {
  const headers: Record<string, string> = { "sec-secure-session-id": sessionId, cookie };
  if (proof !== undefined) headers["secure-session-response"] = proof;
  return Promise.resolve(app.request("/auth/dbsc/refresh", { method: "POST", headers }));
}

/** A cookie session bound with DBSC: sign-up, registration by `key`, the jar after both. */
export interface BoundSession extends SignedIn {
  readonly key: DbscKey;
  readonly registration: RegistrationRequest;
  readonly registered: Response;
}

/** Signs up with cookies and registers a DBSC session with a new key (or `key`). */
export async function signUpBound(app: KeyshipApp, key?: DbscKey): Promise<BoundSession> {
  const signedIn = await signUpWithCookies(app);
  const sessionKey = key ?? (await DbscKey.create());
  const registration = parseRegistration(signedIn.res.headers.get("secure-session-registration"));
  const registered = signedIn.jar.take(
    await postRegistration(
      app,
      registration.path,
      await sessionKey.registration(registration.challenge),
      signedIn.jar.header(),
    ),
  );
  if (registered.status !== 200) throw new Error(`registration: ${registered.status}`);
  return { ...signedIn, key: sessionKey, registration, registered };
}

/** GET `path` with the jar's cookies (minus `without`). */
export function getWithCookies(
  app: KeyshipApp,
  path: string,
  jar: CookieJar,
  ...without: string[]
): Promise<Response> {
  return Promise.resolve(app.request(path, { headers: { cookie: jar.header(...without) } }));
}
