/**
 * Better Auth, the peer of `npm run bench:peers`: two `betterAuth()` instances, each on its own
 * SQLite file opened with node:sqlite's `DatabaseSync` (Better Auth's Kysely adapter drives it
 * with its own node:sqlite dialect) and the pragmas keyship sets on its own files (WAL,
 * synchronous NORMAL, foreign keys, busy timeout). One reads every session from the database,
 * the other trusts its signed cookie cache. Each serves `GET /me` through Hono and
 * `@hono/node-server`, as keyship's routes are served: `auth.api.getSession()` and the user's
 * id, or 401. One user signs up with email and password on each.
 *
 * Prints `{ url, cookie, cachedUrl, cachedCookie, version }` as one JSON line, then serves until
 * killed. Lives in bench/peers/ with its own dependencies (never the library's).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { serve } from "@hono/node-server";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { Hono } from "hono";

const dir = mkdtempSync(join(tmpdir(), "keyship-bench-better-auth-"));

/** Starts one instance; `cookieCache` turns Better Auth's session cookie cache on. */
async function start(name: string, cookieCache: boolean) {
  const database = new DatabaseSync(join(dir, `${name}.db`));
  database.exec("PRAGMA journal_mode = WAL");
  database.exec("PRAGMA foreign_keys = ON");
  database.exec("PRAGMA busy_timeout = 5000");
  database.exec("PRAGMA synchronous = NORMAL");
  const options = {
    database,
    baseURL: "http://127.0.0.1",
    secret: "bench-secret-bench-secret-bench-secret-0123456789",
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    // An hour: longer than one run, so the cached cookie never expires mid-measurement.
    session: { cookieCache: { enabled: cookieCache, maxAge: 3600 } },
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const auth = betterAuth(options);

  const signUp = await auth.api.signUpEmail({
    body: { email: `${name}@example.com`, password: "a long enough bench passphrase", name },
    asResponse: true,
  });
  if (!signUp.ok) throw new Error(`Better Auth sign-up answered ${signUp.status}`);
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  keep(signUp);
  // With the cache on, the first getSession answers the signed session_data cookie.
  const first = await auth.api.getSession({
    headers: new Headers({ cookie: cookie() }),
    asResponse: true,
  });
  keep(first);

  const app = new Hono();
  app.get("/me", async (c) => {
    const session = await auth.api.getSession({ headers: c.req.raw.headers });
    if (session === null) return c.json({ error: "unauthenticated" }, 401);
    return c.json({ ok: true, user: session.user.id });
  });
  app.get("/bench/cpu", (c) => c.json(process.cpuUsage()));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, cookie: cookie(), server };
}

const plain = await start("plain", false);
const cached = await start("cached", true);
const { version } = JSON.parse(
  readFileSync(new URL("./node_modules/better-auth/package.json", import.meta.url), "utf8"),
) as { version: string };
process.stdout.write(
  `${JSON.stringify({ url: plain.url, cookie: plain.cookie, cachedUrl: cached.url, cachedCookie: cached.cookie, version })}\n`,
);
process.on("SIGTERM", () => {
  plain.server.close();
  cached.server.close();
  process.exit(0);
});
