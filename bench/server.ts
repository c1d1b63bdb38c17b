/**
 * The benchmark's server process: serves the apps of `apps.ts` on two ports. Prints
 * `{ keyshipUrl, bareUrl, token, accessToken, apiKey }` as one JSON line, then serves until killed.
 */
import { serve } from "@hono/node-server";
import { listen } from "keyship";
import { buildBenchApps } from "./apps.ts";

const { keyship: app, bare, token, accessToken, apiKey } = await buildBenchApps();
const keyship = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });
const bareServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: bare.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
});
const address = bareServer.address();
const barePort = typeof address === "object" && address !== null ? address.port : 0;

process.stdout.write(
  `${JSON.stringify({ keyshipUrl: `http://127.0.0.1:${keyship.port}`, bareUrl: `http://127.0.0.1:${barePort}`, token, accessToken, apiKey })}\n`,
);
process.on("SIGTERM", () => {
  bareServer.close();
  void keyship.close().then(() => process.exit(0));
});
