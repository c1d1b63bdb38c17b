import { Hono } from "hono";
import { createApp, requireUser } from "keyship";
import { createLogger } from "../packages/keyship/src/observability/logger.ts";

async function time(
  name: string,
  fetch: (r: Request) => Response | Promise<Response>,
  headers: Record<string, string> = {},
) {
  const req = () => new Request("http://x/open", { headers });
  for (let i = 0; i < 5000; i++) await (await fetch(req())).text();
  const n = 50000;
  const t = performance.now();
  for (let i = 0; i < n; i++) await (await fetch(req())).text();
  const us = ((performance.now() - t) * 1000) / n;
  console.log(`${name.padEnd(20)} ${us.toFixed(2)} µs/req`);
}
const bare = new Hono();
bare.get("/open", (c) => c.json({ ok: true }));
if (!process.env.ONLY_DEVICE) await time("bare", bare.fetch);
const ks = createApp({
  databaseUrl: "sqlite::memory:",
  envFile: false,
  processEnv: {},
  logger: createLogger("silent"),
});
ks.get("/open", (c) => c.json({ ok: true }));
ks.get("/prot", requireUser(), (c) => c.json({ ok: true }));
await ks.keyship.ready;
if (!process.env.ONLY_DEVICE) await time("keyship open", ks.fetch);

import { SoftwareAuthenticator } from "../packages/keyship/test/helpers/authenticator.ts";
import {
  mintDeviceToken,
  registerAccount,
  TEST_ORIGIN,
} from "../packages/keyship/test/helpers/passkeys.ts";

const acc = await registerAccount(ks, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
const tok = await mintDeviceToken(acc.deviceKey, acc.deviceId);
const prot = (r: Request) => ks.fetch(new Request("http://x/prot", { headers: r.headers }));
await time("keyship device", prot, { authorization: `Bearer ${tok}` });
