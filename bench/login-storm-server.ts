/**
 * The login-storm benchmark's server process: a keyship app with password sign-in on a
 * temporary SQLite file, one password account, and a protected route. Prints
 * `{ url, token, email, password, devicePublicKey }` as one JSON line, then serves until killed.
 */
import { listen } from "keyship";
import { mintDeviceToken, newDeviceKey } from "../packages/keyship/test/helpers/passkeys.ts";
import { createBenchKeyship } from "./apps.ts";

const NO_LIMIT = "1000000/1m";
const app = createBenchKeyship({
  passwords: true,
  mailer: { send: async () => {} },
  rateLimitLoginPerIp: NO_LIMIT,
  rateLimitLoginPerAccount: NO_LIMIT,
  rateLimitRegisterPerIp: NO_LIMIT,
  ...(process.env.STORM_CONCURRENCY
    ? { passwordHashConcurrency: Number(process.env.STORM_CONCURRENCY) }
    : {}),
});

const email = "storm@example.com";
const password = "a long enough storm passphrase";
const deviceKey = newDeviceKey();
const res = await app.request("/auth/register", {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email, password, devicePublicKey: deviceKey.publicJwk }),
});
const { deviceId } = (await res.json()) as { deviceId: string };
const nowSeconds = Math.floor(Date.now() / 1000);
const token = await mintDeviceToken(deviceKey, deviceId, {
  iat: nowSeconds,
  exp: nowSeconds + 900,
});
const server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });

process.stdout.write(
  `${JSON.stringify({ url: `http://127.0.0.1:${server.port}`, token, email, password, devicePublicKey: deviceKey.publicJwk, hashConcurrency: process.env.STORM_CONCURRENCY ?? "default" })}\n`,
);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
