/**
 * A keyship server as its own process, for the multi-instance tests: settings from the
 * environment (KEYSHIP_*), no `.env`; prints `URL <url>` once it listens.
 */
import { createApp, listen } from "../../src/index.ts";

const app = createApp({ envFile: false });
await app.keyship.ready;
const { url } = await listen(app, { port: 0, hostname: "127.0.0.1" });
process.stdout.write(`URL ${url}\n`);
