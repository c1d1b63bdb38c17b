/**
 * Sessions in tests: passkey sign-ins that ask for a session, a tiny cookie jar, and requests
 * carrying an access token or cookies.
 */
import type { KeyshipApp } from "../../src/app.ts";
import { runKeygen } from "../../src/cli/keygen.ts";
import { postJson } from "./app.ts";
import { SoftwareAuthenticator } from "./authenticator.ts";
import { newDeviceKey, startLogin, startRegistration, TEST_ORIGIN } from "./passkeys.ts";

/** A sign-in finish answer with a session. */
export interface SessionAnswer {
  readonly userId: string;
  readonly passkeyId: string;
  readonly deviceId: string | null;
  readonly sessionId: string;
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly tokenType?: string;
  readonly expiresIn: number;
  readonly csrfToken?: string;
}

/** A signed-up account with a session, and the raw finish response. */
export interface SessionAccount {
  readonly res: Response;
  readonly body: SessionAnswer;
  readonly authenticator: SoftwareAuthenticator;
  readonly cookies: Record<string, string>;
}

/** Options of {@link registerWithSession}. */
export interface SessionSignUpOptions {
  readonly withDevice?: boolean;
  readonly origin?: string;
  readonly headers?: Record<string, string>;
}

/** `name=value` pairs of a response's Set-Cookie headers (the value "" when deleted). */
export function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = (pair as string).indexOf("=");
    out[(pair as string).slice(0, eq)] = (pair as string).slice(eq + 1);
  }
  return out;
}

/** A Cookie request header from a jar. */
export function cookieHeader(jar: Record<string, string>): string {
  return Object.entries(jar)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
}

async function expectStatus<T>(res: Response, status: number): Promise<T> {
  const body = (await res.clone().json()) as T;
  if (res.status !== status) {
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(body)}`);
  }
  return body;
}

/** Registers a new account with a passkey and asks for a session in `mode`. */
export async function registerWithSession(
  app: KeyshipApp,
  mode: "cookie" | "bearer",
  options: SessionSignUpOptions = {},
): Promise<SessionAccount> {
  const authenticator = new SoftwareAuthenticator({ origin: options.origin ?? TEST_ORIGIN });
  const { flowId, options: creation } = await startRegistration(app);
  const res = await postJson(
    app,
    "/auth/passkey/register/finish",
    {
      flowId,
      credential: authenticator.createCredential(creation),
      session: mode,
      ...(options.withDevice ? { devicePublicKey: newDeviceKey().publicJwk } : {}),
    },
    options.headers,
  );
  const body = await expectStatus<SessionAnswer>(res, 201);
  return { res, body, authenticator, cookies: cookiesOf(res) };
}

/**
 * Signs in again with the account's passkey, asking for a session in `mode`.
 * @param startHeaders extra headers of the ceremony's start (e.g. `X-Forwarded-For`)
 */
export async function loginWithSession(
  app: KeyshipApp,
  authenticator: SoftwareAuthenticator,
  mode: "cookie" | "bearer",
  startHeaders: Record<string, string> = {},
): Promise<SessionAnswer> {
  const { flowId, options } = await startLogin(app, startHeaders);
  const res = await postJson(app, "/auth/passkey/login/finish", {
    flowId,
    credential: authenticator.getAssertion(options),
    session: mode,
  });
  return expectStatus<SessionAnswer>(res, 200);
}

/** `{ authorization: "Bearer …" }`. */
export function bearer(token: string | undefined): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** POSTs `{ refreshToken }` to the refresh route. */
export function refresh(app: KeyshipApp, refreshToken: string | undefined): Promise<Response> {
  return postJson(app, "/auth/token/refresh", { refreshToken });
}

/** Runs `keyship keygen --type es256` and returns the private JWK it printed. */
export async function keygenEs256(): Promise<Record<string, string>> {
  const out: string[] = [];
  const code = await runKeygen(
    { type: "es256" },
    { out: (l) => out.push(l), err: () => {}, env: {}, cwd: process.cwd() },
  );
  if (code !== 0 || out.length !== 1) throw new Error("keygen failed");
  return JSON.parse(out[0] as string) as Record<string, string>;
}
