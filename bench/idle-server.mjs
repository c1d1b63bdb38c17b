// The idle-memory probe of `npm run bench:peers`: a plain keyship server as an application
// runs it — the built package (dist/, plain JavaScript: no type stripping), one SQLite file,
// nothing else loaded. Prints `{ url }` as one JSON line once it serves, then serves until
// killed. Plain JavaScript on purpose: a .ts entry would load Node's type stripper too.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, listen } from "keyship";

const dir = mkdtempSync(join(tmpdir(), "keyship-bench-idle-"));
const app = createApp({
  databaseUrl: `sqlite:${join(dir, "idle.db")}`,
  envFile: false,
  processEnv: {},
  logLevel: "silent",
});
await app.keyship.ready;
const server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.port}` })}\n`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
