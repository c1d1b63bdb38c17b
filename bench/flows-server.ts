/**
 * The server of the flow benchmarks (`bench:login-storm`, `bench:clients`, `bench:peers`): a
 * keyship app on a temporary SQLite file with password sign-in, one password account, 200
 * passkey accounts (their software authenticators report signCount 0, as platform passkeys
 * do), one OAuth client, every rate limit out of the way, and a protected route. Prints
 * `{ url, token, email, password, devicePublicKey, clientId, clientSecret, algorithm,
 * hashConcurrency }` as one JSON line, then serves until killed.
 *
 * Two set-up routes, called before a measurement and never during one, hand the load
 * generator what it cannot make itself: `POST /bench/passkey-flows?n=` answers `n` ready
 * `login/finish` bodies (a started flow, the assertion of the accounts' authenticators in turn,
 * so no account passes `maxDevicesPerUser` in a run of 3000, and a new device key), and
 * `POST /bench/refresh-tokens?n=` the refresh tokens of `n` new bearer sessions.
 *
 * BENCH_ALG=ES256 signs with an ES256 key instead of the development HS256 secret;
 * STORM_CONCURRENCY overrides the password-hash concurrency bound.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { StatementSync } from "node:sqlite";
import { exportJWK, generateKeyPair } from "jose";
import { listen } from "keyship";
import { CLI_SOURCE } from "../packages/keyship/src/audit/model.ts";
import { createClient } from "../packages/keyship/src/clients/manage.ts";
import { newId } from "../packages/keyship/src/ids.ts";
import { SoftwareAuthenticator } from "../packages/keyship/test/helpers/authenticator.ts";
import {
  mintDeviceToken,
  newDeviceKey,
  registerAccount,
  startLogin,
  TEST_ORIGIN,
} from "../packages/keyship/test/helpers/passkeys.ts";
import { loginWithSession } from "../packages/keyship/test/helpers/sessions.ts";
import { createBenchKeyship } from "./apps.ts";

const NO_LIMIT = "9999999/1s";
const algorithm = process.env.BENCH_ALG === "ES256" ? "ES256" : "HS256";
async function es256Key(): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid: "bench", alg: "ES256" });
}

const app = createBenchKeyship({
  passwords: true,
  mailer: { send: async () => {} },
  rateLimitLoginPerIp: NO_LIMIT,
  rateLimitLoginPerAccount: NO_LIMIT,
  rateLimitRegisterPerIp: NO_LIMIT,
  rateLimitCeremonyPerIp: NO_LIMIT,
  rateLimitCeremonyPerAccount: NO_LIMIT,
  rateLimitOauthToken: NO_LIMIT,
  maxOpenChallengesPerIp: 10_000,
  trustProxy: true,
  // Each run of 3000 passkey sign-ins gives each of the 200 accounts 15 new devices: with the
  // default limit of 20, a second run would also evict one device per sign-in, and runs would
  // not compare.
  maxDevicesPerUser: 100,
  ...(process.env.STORM_CONCURRENCY
    ? { passwordHashConcurrency: Number(process.env.STORM_CONCURRENCY) }
    : {}),
  ...(algorithm === "ES256" ? { sessionPrivateKeys: await es256Key() } : {}),
});
// SQL statements run (BEGIN and COMMIT included): every query of the SQLite dialect runs a
// prepared `StatementSync`, so counting their calls counts the statements of a flow.
let statements = 0;
for (const method of ["all", "run", "iterate", "get"] as const) {
  const original = StatementSync.prototype[method] as (...args: unknown[]) => unknown;
  Object.defineProperty(StatementSync.prototype, method, {
    value(this: StatementSync, ...args: unknown[]) {
      statements++;
      return original.apply(this, args);
    },
  });
}
// The server's own CPU time and statement count, so a bench can report both per request.
app.get("/bench/cpu", (c) => c.json({ ...process.cpuUsage(), statements }));
// A CPU profile of one measurement: POST starts it, POST ?to=file stops it and writes it there.
const inspector = new Session();
inspector.connect();
app.post("/bench/profile", async (c) => {
  const to = c.req.query("to");
  if (to === undefined) {
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.start");
  } else {
    const { profile } = await inspector.post("Profiler.stop");
    writeFileSync(to, JSON.stringify(profile));
  }
  return c.body(null, 204);
});

const authenticators = Array.from(
  { length: 200 },
  () => new SoftwareAuthenticator({ origin: TEST_ORIGIN, counterMode: "zero" }),
);
for (const a of authenticators) await registerAccount(app, a);
const [authenticator] = authenticators as [SoftwareAuthenticator];
// A ceremony start is limited per client IP (maxOpenChallengesPerIp / 2 per webauthnTtlSeconds,
// at most 5,000 per 5 minutes): the set-up routes, which start thousands of sign-ins a run, give
// every thousand starts their own made-up client IP (X-Forwarded-For, trusted here). The measured
// requests come from the load generator's own address.
let starts = 0;
const setupClient = () => {
  const block = Math.floor(starts++ / 1000);
  return { "x-forwarded-for": `10.${(block >> 8) & 255}.${block & 255}.1` };
};
app.post("/bench/passkey-flows", async (c) => {
  const bodies: object[] = [];
  for (let i = Number(c.req.query("n") ?? 1); i > 0; i--) {
    const { flowId, options } = await startLogin(app, setupClient());
    const credential = (
      authenticators[i % authenticators.length] as SoftwareAuthenticator
    ).getAssertion(options);
    bodies.push({ flowId, credential, devicePublicKey: newDeviceKey().publicJwk });
  }
  return c.json(bodies);
});
app.post("/bench/refresh-tokens", async (c) => {
  const tokens: string[] = [];
  for (let i = Number(c.req.query("n") ?? 1); i > 0; i--) {
    const { refreshToken } = await loginWithSession(app, authenticator, "bearer", setupClient());
    if (refreshToken === undefined) throw new Error("bearer sign-in returned no refresh token");
    tokens.push(refreshToken);
  }
  return c.json(tokens);
});

/** Registers a password account and answers its first device's id. */
async function registerPasswordAccount(email: string, password: string, device: object) {
  const res = await app.request("/auth/register", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, devicePublicKey: device }),
  });
  if (res.status !== 201) throw new Error(`registering ${email} answered ${res.status}`);
  return ((await res.json()) as { deviceId: string }).deviceId;
}

// The account the password logins sign into: every login binds a new device, so after
// maxDevicesPerUser of them its first device is evicted. The protected route's token belongs to
// another account, which nothing signs into during a run.
const email = "storm@example.com";
const password = "a long enough storm passphrase";
const deviceKey = newDeviceKey();
await registerPasswordAccount(email, password, deviceKey.publicJwk);
const watcherKey = newDeviceKey();
const watcherDevice = await registerPasswordAccount(
  "watcher@example.com",
  password,
  watcherKey.publicJwk,
);
const nowSeconds = Math.floor(Date.now() / 1000);
const token = await mintDeviceToken(watcherKey, watcherDevice, {
  iat: nowSeconds,
  exp: nowSeconds + 900, // the longest lifetime a device token may have (15 min)
});
await app.keyship.ready;
const { client, clientSecret } = await createClient(
  { db: app.keyship.db, now: () => new Date(), newId },
  CLI_SOURCE,
  { name: "bench-worker", scopes: ["invoices:read", "invoices:write"] },
);
const server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });

process.stdout.write(
  `${JSON.stringify({
    url: `http://127.0.0.1:${server.port}`,
    token,
    email,
    password,
    devicePublicKey: deviceKey.publicJwk,
    clientId: client.id,
    clientSecret,
    algorithm,
    hashConcurrency: process.env.STORM_CONCURRENCY ?? "default",
  })}\n`,
);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
