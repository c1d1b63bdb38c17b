/**
 * The benchmark's server process: a keyship app on a temporary SQLite file with one registered
 * account (a device and a bearer session), and a bare Hono app with the reference routes. Prints
 * `{ keyshipUrl, bareUrl, token, accessToken }` as one JSON line, then serves until killed.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { Hono, type MiddlewareHandler } from "hono";
import { createApp, listen, requireUser } from "keyship";
import { echoTraceId, newTraceId } from "../packages/keyship/src/http/trace.ts";
import { createLogger } from "../packages/keyship/src/observability/logger.ts";
import { SoftwareAuthenticator } from "../packages/keyship/test/helpers/authenticator.ts";
import {
  mintDeviceToken,
  registerAccount,
  TEST_ORIGIN,
} from "../packages/keyship/test/helpers/passkeys.ts";
import { registerWithSession } from "../packages/keyship/test/helpers/sessions.ts";

const dir = mkdtempSync(join(tmpdir(), "keyship-bench-"));
const app = createApp({
  databaseUrl: `sqlite:${join(dir, "bench.db")}`,
  envFile: false,
  processEnv: {},
  logger: createLogger("silent"),
});
app.get("/bench/protected", requireUser(), (c) =>
  c.json({ ok: true, user: c.var.principal?.userId }),
);
// The same route without the guard, called without a credential: keyship's request pipeline
// (trace id, context, authenticate finding nothing) without the token work.
app.get("/bench/open", (c) => c.json({ ok: true, user: c.var.principal?.userId ?? "anonymous" }));

const account = await registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
const nowSeconds = Math.floor(Date.now() / 1000);
const token = await mintDeviceToken(account.deviceKey, account.deviceId, {
  iat: nowSeconds,
  exp: nowSeconds + 600,
});
const { accessToken } = (await registerWithSession(app, "bearer")).body;
const keyship = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });

const bare = new Hono();
bare.get("/bench/bare", (c) => c.json({ ok: true, user: "anonymous" }));
// The same bare route plus only what every keyship response must carry: a fresh X-Trace-Id.
bare.get("/bench/bare-traced", (c) => {
  echoTraceId(c, newTraceId());
  return c.json({ ok: true, user: "anonymous" });
});
// The structural floor of any protected route: two pass-through middleware (Hono then composes
// the chain asynchronously instead of calling one handler) plus the trace header.
const pass: MiddlewareHandler = (_c, next) => next();
bare.get("/bench/floor", pass, pass, (c) => {
  echoTraceId(c, newTraceId());
  return c.json({ ok: true, user: "anonymous" });
});
// The server's own CPU time, so the bench can report microseconds per request.
bare.get("/bench/cpu", (c) => c.json(process.cpuUsage()));
const bareServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: bare.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
});
const address = bareServer.address();
const barePort = typeof address === "object" && address !== null ? address.port : 0;

process.stdout.write(
  `${JSON.stringify({ keyshipUrl: `http://127.0.0.1:${keyship.port}`, bareUrl: `http://127.0.0.1:${barePort}`, token, accessToken })}\n`,
);
process.on("SIGTERM", () => {
  bareServer.close();
  void keyship.close().then(() => process.exit(0));
});
