/**
 * The benchmark's server process: serves the apps of `apps.ts` on two ports, and with a Redis
 * (`KEYSHIP_REDIS_URL`, else `KEYSHIP_TEST_REDIS_URL`) the same keyship route with Redis on, on
 * a third. Prints `{ keyshipUrl, bareUrl, token, accessToken, apiKey, cookie, device, redis }`
 * as one JSON line (`redis`: `{ url, token, apiKey }`, or null without Redis), then serves until
 * killed. BENCH_REDIS=0 leaves the Redis app out (`npm run bench:peers` compares one instance).
 */
import { serve } from "@hono/node-server";
import { listen } from "keyship";
import { benchRedisUrl, buildBenchApps, buildRedisBenchApp } from "./apps.ts";

const { keyship: app, bare, ...credentials } = await buildBenchApps();
const keyship = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });
const bareServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: bare.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
});
const address = bareServer.address();
const barePort = typeof address === "object" && address !== null ? address.port : 0;
const redisUrl = process.env.BENCH_REDIS === "0" ? undefined : benchRedisUrl();
const withRedis = redisUrl === undefined ? undefined : await buildRedisBenchApp(redisUrl);
const redisServer =
  withRedis === undefined
    ? undefined
    : await listen(withRedis.keyship, { port: 0, hostname: "127.0.0.1", handleSignals: false });
const redis =
  withRedis === undefined || redisServer === undefined
    ? null
    : {
        url: `http://127.0.0.1:${redisServer.port}`,
        token: withRedis.token,
        apiKey: withRedis.apiKey,
      };

process.stdout.write(
  `${JSON.stringify({ keyshipUrl: `http://127.0.0.1:${keyship.port}`, bareUrl: `http://127.0.0.1:${barePort}`, ...credentials, redis })}\n`,
);
process.on("SIGTERM", () => {
  bareServer.close();
  const closeRedis = redisServer?.close().then(() => withRedis?.deleteKeys());
  void Promise.all([keyship.close(), closeRedis]).then(() => process.exit(0));
});
