/**
 * Passkey flows through the real HTTP API, driven by the software authenticator, plus device
 * keys and device tokens as a browser would hold and mint them.
 */
import { generateKeyPairSync, type KeyObject, randomUUID } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { SignJWT } from "jose";
import type { KeyshipApp } from "../../src/app.ts";
import { postJson } from "./app.ts";
import type { CreateOverrides, GetOverrides, SoftwareAuthenticator } from "./authenticator.ts";
import { clockOf, type TestClock } from "./clock.ts";

/** The origin test apps run on (the dev fallback for port 8787). */
export const TEST_ORIGIN = "http://localhost:8787";

/** A browser's device key pair. */
export interface DeviceKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: { kty: string; crv: string; x: string; y: string };
}

/** Generates a P-256 device key, like the SDK's WebCrypto key. */
export function newDeviceKey(): DeviceKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" }) as {
    kty: string;
    crv: string;
    x: string;
    y: string;
  };
  return { privateKey, publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } };
}

/** Claims and header overrides for {@link mintDeviceToken}. */
export interface MintOptions {
  readonly aud?: string | undefined;
  readonly iat?: number;
  readonly exp?: number | undefined;
  readonly sub?: string;
  readonly alg?: string;
  readonly header?: Record<string, unknown>;
  /** The time the token is minted at, in seconds. @default the clock's, else the real time */
  readonly nowSeconds?: number;
  /** The clock of the app the token is for (`clockOf(app)`). */
  readonly clock?: TestClock;
}

/** Signs a device token as the SDK does: ES256, kid = device id, aud keyship:http, 5 min. */
export async function mintDeviceToken(
  key: DeviceKey,
  deviceId: string,
  options: MintOptions = {},
): Promise<string> {
  const now = options.nowSeconds ?? options.clock?.seconds() ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { jti: randomUUID() };
  if (options.sub !== undefined) payload.sub = options.sub;
  const jwt = new SignJWT(payload).setProtectedHeader({
    alg: options.alg ?? "ES256",
    kid: deviceId,
    typ: "JWT",
    ...options.header,
  });
  jwt.setIssuedAt(options.iat ?? now);
  if (!("exp" in options) || options.exp !== undefined)
    jwt.setExpirationTime(options.exp ?? now + 300);
  if (!("aud" in options) || options.aud !== undefined)
    jwt.setAudience(options.aud ?? "keyship:http");
  // jose refuses to sign unknown `crit` members unless told they are understood.
  const crit = Array.isArray(options.header?.crit) ? (options.header.crit as string[]) : [];
  return jwt.sign(key.privateKey, { crit: Object.fromEntries(crit.map((name) => [name, true])) });
}

/** A signed-in account in a test. */
export interface TestAccount {
  readonly userId: string;
  readonly passkeyId: string;
  readonly deviceId: string;
  readonly deviceKey: DeviceKey;
  /** `Authorization` header with a fresh device token. */
  auth(): Promise<Record<string, string>>;
  /** Steps this device up with the account's passkey (a fresh, user-verified assertion). */
  stepUp(): Promise<void>;
}

/**
 * Runs the step-up ceremony with `authenticator` for the caller of `headers` (a device token
 * or an access token), as the SDK does when a sensitive action asks for it.
 */
export async function stepUpWith(
  app: KeyshipApp,
  authenticator: SoftwareAuthenticator,
  headers: Record<string, string> | (() => Promise<Record<string, string>>),
): Promise<void> {
  const headersNow = async () => (typeof headers === "function" ? headers() : headers);
  const { flowId, options } = await jsonOf<{
    flowId: string;
    options: PublicKeyCredentialRequestOptionsJSON;
  }>(await postJson(app, "/auth/step-up/start", {}, await headersNow()), 200);
  const credential = authenticator.getAssertion(options);
  await jsonOf(
    await postJson(app, "/auth/step-up/finish", { flowId, credential }, await headersNow()),
    200,
  );
}

async function jsonOf<T>(res: Response, status: number): Promise<T> {
  const body = (await res.json()) as T;
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

type AccountIds = { userId: string; passkeyId: string; deviceId: string };

/**
 * A signed-in account of `app`: its ids, its device key, and `auth()` minting a fresh token on
 * the app's clock. Password and passkey helpers both build theirs here.
 */
export function signedInAccount<T extends { userId: string; deviceId: string }>(
  app: KeyshipApp,
  result: T,
  deviceKey: DeviceKey,
  stepUp: (auth: () => Promise<Record<string, string>>) => Promise<void>,
): T & {
  deviceKey: DeviceKey;
  auth(): Promise<Record<string, string>>;
  stepUp(): Promise<void>;
} {
  const clock = clockOf(app);
  const auth = async () => ({
    authorization: `Bearer ${await mintDeviceToken(deviceKey, result.deviceId, { clock })}`,
  });
  return { ...result, deviceKey, auth, stepUp: () => stepUp(auth) };
}

/** Starts a registration and returns the flow and options. */
export async function startRegistration(app: KeyshipApp, body: object = {}) {
  return jsonOf<{ flowId: string; options: PublicKeyCredentialCreationOptionsJSON }>(
    await postJson(app, "/auth/passkey/register/start", body),
    200,
  );
}

/**
 * Starts a sign-in and returns the flow and options.
 * @param headers extra request headers (e.g. `X-Forwarded-For` on an app that trusts a proxy)
 */
export async function startLogin(app: KeyshipApp, headers: Record<string, string> = {}) {
  return jsonOf<{ flowId: string; options: PublicKeyCredentialRequestOptionsJSON }>(
    await postJson(app, "/auth/passkey/login/start", {}, headers),
    200,
  );
}

/** Posts a registration finish and returns the raw response. */
export function finishRegistration(
  app: KeyshipApp,
  flowId: string,
  credential: RegistrationResponseJSON,
  deviceKey: DeviceKey = newDeviceKey(),
): Promise<Response> {
  return postJson(app, "/auth/passkey/register/finish", {
    flowId,
    credential,
    devicePublicKey: deviceKey.publicJwk,
  });
}

/** Posts a sign-in finish and returns the raw response. */
export function finishLogin(
  app: KeyshipApp,
  flowId: string,
  credential: AuthenticationResponseJSON,
  deviceKey: DeviceKey = newDeviceKey(),
): Promise<Response> {
  return postJson(app, "/auth/passkey/login/finish", {
    flowId,
    credential,
    devicePublicKey: deviceKey.publicJwk,
  });
}

/** Registers a new account with a passkey held by `authenticator`. */
export async function registerAccount(
  app: KeyshipApp,
  authenticator: SoftwareAuthenticator,
  body: object = {},
  overrides: CreateOverrides = {},
): Promise<TestAccount> {
  const { flowId, options } = await startRegistration(app, body);
  const deviceKey = newDeviceKey();
  const res = await finishRegistration(
    app,
    flowId,
    authenticator.createCredential(options, overrides),
    deviceKey,
  );
  return signedInAccount(app, await jsonOf<AccountIds>(res, 201), deviceKey, (auth) =>
    stepUpWith(app, authenticator, auth),
  );
}

/** Signs in with a passkey held by `authenticator`. */
export async function loginAccount(
  app: KeyshipApp,
  authenticator: SoftwareAuthenticator,
  overrides: GetOverrides = {},
): Promise<TestAccount> {
  const { flowId, options } = await startLogin(app);
  const deviceKey = newDeviceKey();
  const res = await finishLogin(
    app,
    flowId,
    authenticator.getAssertion(options, overrides),
    deviceKey,
  );
  return signedInAccount(app, await jsonOf<AccountIds>(res, 200), deviceKey, (auth) =>
    stepUpWith(app, authenticator, auth),
  );
}

/** Reads a problem body's code. */
export async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code;
}
