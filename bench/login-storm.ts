/**
 * Login storm: does a burst of password logins starve the rest of the API? Measures a route
 * behind `requireUser()` (device token, warm cache) alone, then again while 20 concurrent
 * password logins (argon2id, m=19456 KiB, t=2) hammer `/auth/login`, against a real server in
 * a child process. Passes when the protected route's p99 under the storm stays within 2× of
 * its p99 without it.
 *
 *   npm run bench:login-storm     (5 s per phase; BENCH_SECONDS=10 for longer)
 *   STORM_CONCURRENCY=4 npm run bench:login-storm   (override the hash concurrency bound)
 */
import { availableParallelism } from "node:os";
import { loginStorm, type Phase, startFlowServer } from "./flows.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const stormConnections = 20;

const server = await startFlowServer();
const setup = server.setup;

try {
  const { calm, stormy, logins, ratio } = await loginStorm(setup, {
    connections,
    stormConnections,
    seconds,
  });
  console.log(
    `\nlogin storm: ${stormConnections} concurrent password logins; protected route with ${connections} connections, ${seconds} s per phase; ${availableParallelism()} cores, hash concurrency ${setup.hashConcurrency}, Node ${process.version}\n`,
  );
  console.log("phase                          req/s   p50 ms  p99 ms  failed");
  const row = (name: string, p: Phase) =>
    console.log(
      `${name.padEnd(30)} ${p.rps.toFixed(0).padStart(6)}  ${String(p.p50).padStart(6)}  ${String(p.p99).padStart(6)}  ${p.failed}`,
    );
  row("protected route, calm", calm);
  row("protected route, during storm", stormy);
  row("password logins (the storm)", logins);
  console.log(`\np99 during storm / calm p99: ${ratio.toFixed(2)}× (limit 2×)`);
  if (calm.failed + stormy.failed + logins.failed > 0) {
    console.error("some requests failed");
    process.exitCode = 1;
  }
  if (ratio > 2) {
    console.error("the protected route's p99 more than doubled during the storm");
    process.exitCode = 1;
  }
} finally {
  await server.stop();
}
