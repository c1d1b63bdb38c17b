/**
 * The client-credentials benchmark's server process: a keyship app on a temporary SQLite file
 * with one registered OAuth client and the token endpoint's limit out of the way. Prints
 * `{ url, clientId, clientSecret, algorithm }` as one JSON line, then serves until killed.
 *
 * BENCH_ALG=ES256 signs with an ES256 key instead of the development HS256 secret.
 */
import { exportJWK, generateKeyPair } from "jose";
import { listen } from "keyship";
import { CLI_SOURCE } from "../packages/keyship/src/audit/model.ts";
import { createClient } from "../packages/keyship/src/clients/manage.ts";
import { newId } from "../packages/keyship/src/ids.ts";
import { createBenchKeyship } from "./apps.ts";

const algorithm = process.env.BENCH_ALG === "ES256" ? "ES256" : "HS256";
async function es256Key(): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid: "bench", alg: "ES256" });
}

const app = createBenchKeyship({
  rateLimitOauthToken: "9999999/1s",
  ...(algorithm === "ES256" ? { sessionPrivateKeys: await es256Key() } : {}),
});
// The server's own CPU time, so the bench can report microseconds per grant.
app.get("/bench/cpu", (c) => c.json(process.cpuUsage()));
await app.keyship.ready;
const { client, clientSecret } = await createClient(
  { db: app.keyship.db, now: () => new Date(), newId },
  CLI_SOURCE,
  { name: "bench-worker", scopes: ["invoices:read", "invoices:write"] },
);
const server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });

process.stdout.write(
  `${JSON.stringify({ url: `http://127.0.0.1:${server.port}`, clientId: client.id, clientSecret, algorithm })}\n`,
);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
