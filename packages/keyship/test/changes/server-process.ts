/**
 * A keyship server as its own process, for the multi-instance tests: settings from the
 * environment (KEYSHIP_*), no `.env`; an app route behind `requireUser()` at `GET /app/whoami`;
 * prints `URL <url>` once it listens.
 */
import { createApp, listen, requireUser } from "../../src/index.ts";

const app = createApp({ envFile: false });
app.get("/app/whoami", requireUser(), (c) => c.json({ userId: c.var.principal?.userId }));
await app.keyship.ready;
const { url } = await listen(app, { port: 0, hostname: "127.0.0.1" });
process.stdout.write(`URL ${url}\n`);
