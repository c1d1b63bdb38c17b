/**
 * Client-credentials grants per second: `POST /auth/oauth/token` with
 * `grant_type=client_credentials` (form body, HTTP Basic), every request a fresh token, against
 * a real server in a child process (SQLite file, HS256 development secret). The target
 * is 2,400 tokens/s on 2 cores; autocannon shares those cores with the server, so the figure
 * is a floor.
 *
 *   npm run bench:clients     (BENCH_SECONDS=10, BENCH_CONNECTIONS=16; BENCH_ALG=ES256)
 */
import { availableParallelism } from "node:os";
import { clientGrants, startFlowServer } from "./flows.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** The target, on 2 cores. */
const TARGET_PER_SECOND = 2400;

const server = await startFlowServer();
const setup = server.setup;

try {
  const result = await clientGrants(setup, connections, seconds);
  const cpuPerGrant = result.cpuMicros ?? Number.NaN;
  const failed = result.failed;
  const perSecond = result.rps;
  console.log(
    `\nclient-credentials grant: ${connections} connections, ${seconds} s, ${setup.algorithm}, SQLite; ${availableParallelism()} cores shared with autocannon, Node ${process.version}\n`,
  );
  console.log("tokens/s (mean)  p50 ms  p99 ms  server µs/token  tokens  failed");
  console.log(
    [
      perSecond.toFixed(0).padStart(15),
      String(result.p50).padStart(6),
      String(result.p99).padStart(6),
      cpuPerGrant.toFixed(0).padStart(15),
      String(result.total).padStart(6),
      String(failed).padStart(6),
    ].join("  "),
  );
  console.log(
    `(one server core at that CPU cost: ${(1e6 / cpuPerGrant).toFixed(0)} tokens/s; the server is one Node process)`,
  );
  console.log(
    `\ntarget ${TARGET_PER_SECOND} tokens/s: ${perSecond >= TARGET_PER_SECOND ? "met" : "not met"}`,
  );
  if (failed > 0) {
    console.error("some grants failed");
    process.exitCode = 1;
  }
} finally {
  await server.stop();
}
