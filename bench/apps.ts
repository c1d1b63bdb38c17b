/**
 * The apps every benchmark serves: a keyship app on a temporary SQLite file with one
 * registered account (a device and a bearer session), and a bare Hono app with the reference
 * routes. Shared by `server.ts` (autocannon over sockets) and `inprocess.ts`.
 */
import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono, type MiddlewareHandler } from "hono";
import { createApp, type KeyshipApp, type KeyshipOptions, requireUser } from "keyship";
import { echoTraceId, newTraceId } from "../packages/keyship/src/http/trace.ts";
import { createLogger } from "../packages/keyship/src/observability/logger.ts";
import { SoftwareAuthenticator } from "../packages/keyship/test/helpers/authenticator.ts";
import { startOidcProvider } from "../packages/keyship/test/helpers/oidc-provider.ts";
import {
  mintDeviceToken,
  registerAccount,
  TEST_ORIGIN,
} from "../packages/keyship/test/helpers/passkeys.ts";
import { deletePrefix, redisReady, testPrefix } from "../packages/keyship/test/helpers/redis.ts";
import { cookieHeader, registerWithSession } from "../packages/keyship/test/helpers/sessions.ts";
import { dpopProofMinter } from "./mint.ts";

/** The benchmark apps and the credentials their protected route accepts. */
export interface BenchApps {
  /** `/bench/protected` (requireUser) and `/bench/open` (no guard). */
  readonly keyship: KeyshipApp;
  /** `/bench/bare`, `/bench/bare-traced`, `/bench/floor`, `/bench/cpu`. */
  readonly bare: Hono;
  /** A device token (ES256), valid for ten minutes. */
  readonly token: string;
  /** A server-issued access token. */
  readonly accessToken: string;
  /** An API key (`ksk_…`) of the same account. */
  readonly apiKey: string;
  /** A DPoP-bound session's access token and the private JWK of its proof key. */
  readonly dpop: { readonly accessToken: string; readonly privateJwk: JsonWebKey };
  /** A `Cookie` header of a cookie-mode session (its access cookie lives 15 minutes). */
  readonly cookie: string;
  /** The device of `token`: its id and private JWK, to mint fresh tokens (cold requests). */
  readonly device: { readonly id: string; readonly privateJwk: JsonWebKey };
}

/**
 * A keyship app on a fresh SQLite file in a temporary folder, logging nothing, with
 * `GET /bench/protected` behind `requireUser()`.
 * @param options settings on top of those
 */
export function createBenchKeyship(options: KeyshipOptions = {}): KeyshipApp {
  const dir = mkdtempSync(join(tmpdir(), "keyship-bench-"));
  const app = createApp({
    databaseUrl: `sqlite:${join(dir, "bench.db")}`,
    envFile: false,
    processEnv: {},
    logger: createLogger("silent"),
    // The per-key limit is counted on every request; high enough that the bench never trips it.
    rateLimitApiKey: "9999999/1m",
    ...options,
  });
  // c.get(), not c.var: Hono builds a new object of every variable on each c.var access
  // (~1 µs here), which is the handler's cost, not the guard's (docs/benchmarks.md).
  app.get("/bench/protected", requireUser(), (c) =>
    c.json({ ok: true, user: c.get("principal")?.userId }),
  );
  return app;
}

/** Signs up a bearer session bound to a new DPoP key (the finish carries a proof of it). */
async function dpopSession(keyship: KeyshipApp): Promise<BenchApps["dpop"]> {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const privateJwk = privateKey.export({ format: "jwk" });
  const url = `${TEST_ORIGIN}/auth/passkey/register/finish`;
  const dpop = dpopProofMinter(privateJwk, "POST", url)();
  const { accessToken, tokenType } = (
    await registerWithSession(keyship, "bearer", { headers: { dpop } })
  ).body;
  if (accessToken === undefined || tokenType !== "DPoP") throw new Error("no DPoP-bound session");
  return { accessToken, privateJwk };
}

/** The credentials of one registered account, as {@link BenchApps} holds them. */
export type BenchCredentials = Pick<
  BenchApps,
  "token" | "accessToken" | "apiKey" | "device" | "dpop"
>;

/**
 * Registers an account on `keyship` and mints what the protected route accepts: a device
 * token (and its device), a bearer session's access token and an API key.
 * @throws when a step does not answer as it should
 */
export async function benchCredentials(keyship: KeyshipApp): Promise<BenchCredentials> {
  const account = await registerAccount(
    keyship,
    new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
  );
  const nowSeconds = Math.floor(Date.now() / 1000);
  const token = await mintDeviceToken(account.deviceKey, account.deviceId, {
    iat: nowSeconds,
    exp: nowSeconds + 600,
  });
  const { accessToken } = (await registerWithSession(keyship, "bearer")).body;
  if (accessToken === undefined) throw new Error("bearer sign-up returned no access token");
  await account.stepUp();
  const created = await keyship.request("/auth/api-keys", {
    method: "POST",
    headers: { ...(await account.auth()), "content-type": "application/json" },
    body: JSON.stringify({ name: "bench" }),
  });
  if (created.status !== 201) throw new Error(`API key creation answered ${created.status}`);
  const { key: apiKey } = (await created.json()) as { key: string };
  const device = {
    id: account.deviceId,
    privateJwk: account.deviceKey.privateKey.export({ format: "jwk" }),
  };
  return { token, accessToken, apiKey, device, dpop: await dpopSession(keyship) };
}

/** The Redis bench URL: `KEYSHIP_REDIS_URL`, else the tests' `KEYSHIP_TEST_REDIS_URL`. */
export function benchRedisUrl(): string | undefined {
  return process.env.KEYSHIP_REDIS_URL || process.env.KEYSHIP_TEST_REDIS_URL || undefined;
}

/**
 * The benchmark's keyship app with Redis on (`redisUrl`, keys under a fresh prefix): the same
 * route, and an account of its own, once its Redis connection is ready. `deleteKeys()` deletes
 * its keys from Redis once the app is closed.
 */
export async function buildRedisBenchApp(
  redisUrl: string,
): Promise<{ keyship: KeyshipApp; deleteKeys(): Promise<void> } & BenchCredentials> {
  const redisPrefix = testPrefix();
  const keyship = createBenchKeyship({ redisUrl, redisPrefix });
  await keyship.keyship.ready;
  await redisReady(keyship.keyship.redis);
  const deleteKeys = () => deletePrefix(redisUrl, redisPrefix);
  return { keyship, deleteKeys, ...(await benchCredentials(keyship)) };
}

/** Builds the apps, registers the account and mints its tokens. */
export async function buildBenchApps(): Promise<BenchApps> {
  const keyship = createBenchKeyship();
  // The same route without the guard, called without a credential: keyship's request
  // pipeline (trace id, context, authenticate finding nothing) without the token work.
  keyship.get("/bench/open", (c) =>
    c.json({ ok: true, user: c.get("principal")?.userId ?? "anonymous" }),
  );
  const credentials = await benchCredentials(keyship);
  const cookie = cookieHeader((await registerWithSession(keyship, "cookie")).cookies);

  const bare = new Hono();
  bare.get("/bench/bare", (c) => c.json({ ok: true, user: "anonymous" }));
  // The bare route plus only what every keyship response must carry: a fresh X-Trace-Id.
  bare.get("/bench/bare-traced", (c) => {
    echoTraceId(c, newTraceId());
    return c.json({ ok: true, user: "anonymous" });
  });
  // The floor of any protected route: two pass-through middleware (Hono then composes the
  // chain asynchronously instead of calling one handler) plus the trace header.
  const pass: MiddlewareHandler = (_c, next) => next();
  bare.get("/bench/floor", pass, pass, (c) => {
    echoTraceId(c, newTraceId());
    return c.json({ ok: true, user: "anonymous" });
  });
  // The server's own CPU time, so the bench can report microseconds per request.
  bare.get("/bench/cpu", (c) => c.json(process.cpuUsage()));
  return { keyship, bare, ...credentials, cookie };
}

/** A keyship app in resource-server mode, a token of its trusted issuer, and the issuer's stop. */
export interface ExternalBenchApp {
  /** `/bench/protected` (requireUser), trusting the issuer below. */
  readonly keyship: KeyshipApp;
  /** An access token of the trusted issuer (ES256 JWT), valid for an hour. */
  readonly token: string;
  /** Stops the issuer. */
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (`oidc-provider` on loopback) and a keyship app that trusts it
 * (`trust`, docs/resource-server.md), apart from the main app so its figures stay as they were.
 */
export async function buildExternalBenchApp(): Promise<ExternalBenchApp> {
  const client = { clientId: "bench", clientSecret: "bench-secret" };
  const idp = await startOidcProvider({
    clients: [client],
    resources: { "https://bench.test": { audience: "bench-api", accessTokenTtlSeconds: 3600 } },
  });
  const keyship = createBenchKeyship({
    trust: { idp: { issuer: idp.issuer, audience: "bench-api" } },
  });
  const token = await idp.clientCredentialsToken({ ...client, scope: "read" });
  return { keyship, token, close: () => idp.close() };
}
