/**
 * Benchmarks auth on the hot path: a route behind `requireUser()` with a device token and with
 * a server-issued access token (warm caches) against a bare Hono route, measured in the same
 * run with autocannon against real servers in a separate process. Prints requests/s, latency,
 * the ratio to the bare route and the server's CPU time per request. A DPoP-bound token with a
 * fresh proof on every request (signed by the load generator) shows a proof verify's cost; it is
 * a reference, not judged against the cached routes' target.
 *
 * The machine has two cores shared by autocannon and the servers, so single runs are noisy:
 * targets are measured in interleaved rounds whose order rotates (every target takes every
 * position once in as many rounds as there are targets), and the ratio reported is the median
 * of the per-round ratios.
 *
 * With a Redis (`KEYSHIP_REDIS_URL`, else `KEYSHIP_TEST_REDIS_URL`) the same route is measured
 * on an app with Redis on, against the single-instance figure of the same rounds (target: within
 * 10 %), and with PostgreSQL too (`KEYSHIP_TEST_POSTGRES_URL`) the propagation between three
 * instances follows (`propagation.ts`).
 *
 *   npm run bench        (BENCH_ROUNDS=5 rounds of BENCH_SECONDS=3 s per target)
 */

import type { JsonWebKey } from "node:crypto";
import { fileURLToPath } from "node:url";
import { TEST_ORIGIN } from "../packages/keyship/test/helpers/passkeys.ts";
import { startChild } from "./child.ts";
import { dpopProofMinter } from "./mint.ts";
import { benchPropagation, propagationReport } from "./propagation.ts";
import {
  measureRounds,
  median,
  medianRatio,
  type RoundResult,
  type RoundTarget,
} from "./rounds.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
/**
 * Issue 13's target for protected routes, as a fraction of the floor route's throughput (bare
 * Hono + two pass-through middleware + `X-Trace-Id`: what any app with a tracing and a headers
 * middleware pays).
 */
const TARGET_RATIO = 0.9;
const FLOOR = "bare + 2 middleware + id";
/** Issue 20's target for a protected route with Redis on, as a fraction of the one without. */
const REDIS_TARGET_RATIO = 0.9;

interface Target extends RoundTarget {
  /** Judged against the target (the keyship routes); the others are references. */
  readonly judged?: boolean;
  /** With Redis on: the name of the same target without it, judged against. */
  readonly without?: string;
}

const server = await startChild<{
  keyshipUrl: string;
  bareUrl: string;
  token: string;
  accessToken: string;
  apiKey: string;
  dpop: { accessToken: string; privateJwk: JsonWebKey };
  redis: { url: string; token: string; apiKey: string } | null;
}>(fileURLToPath(new URL("./server.ts", import.meta.url)), {
  nodeArgs: process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof3"] : [],
});
const { keyshipUrl, bareUrl, token, accessToken, apiKey, dpop, redis } = server.setup;
// Proofs name the public URL keyship is configured with (`htu`), not the loopback address.
const prove = dpopProofMinter(
  dpop.privateJwk,
  "GET",
  `${TEST_ORIGIN}/bench/protected`,
  dpop.accessToken,
);
const cpuUrl = `${bareUrl}/bench/cpu`;

try {
  const targets: Target[] = [
    { name: "bare Hono route", url: `${bareUrl}/bench/bare` },
    { name: "bare + X-Trace-Id", url: `${bareUrl}/bench/bare-traced` },
    { name: "bare + 2 middleware + id", url: `${bareUrl}/bench/floor` },
    { name: "keyship, unprotected", url: `${keyshipUrl}/bench/open` },
    {
      name: "keyship, device token",
      url: `${keyshipUrl}/bench/protected`,
      headers: { authorization: `Bearer ${token}` },
      judged: true,
    },
    {
      name: "keyship, access token",
      url: `${keyshipUrl}/bench/protected`,
      headers: { authorization: `Bearer ${accessToken}` },
      judged: true,
    },
    {
      name: "keyship, API key",
      url: `${keyshipUrl}/bench/protected`,
      headers: { authorization: `Bearer ${apiKey}` },
      judged: true,
    },
    {
      name: "keyship, DPoP-bound token",
      url: `${keyshipUrl}/bench/protected`,
      perRequest: () => ({ authorization: `DPoP ${dpop.accessToken}`, dpop: prove() }),
    },
    ...(redis === null
      ? []
      : [
          {
            name: "Redis on, device token",
            url: `${redis.url}/bench/protected`,
            headers: { authorization: `Bearer ${redis.token}` },
            without: "keyship, device token",
          },
          {
            name: "Redis on, API key",
            url: `${redis.url}/bench/protected`,
            headers: { authorization: `Bearer ${redis.apiKey}` },
            without: "keyship, API key",
          },
        ]),
  ];
  const results = await measureRounds(
    targets.map((t) => ({ ...t, cpuUrl })),
    { rounds, seconds, connections },
  );

  console.log(
    `\nautocannon: ${connections} connections, ${rounds} rotating rounds of ${seconds} s per target, Node ${process.version}\n`,
  );
  console.log(
    "target                     req/s (median)  p99 ms  ratio (median of rounds)  server µs/req  errors",
  );
  const bare = results[0] as RoundResult[];
  const floor = results[targets.findIndex((t) => t.name === FLOOR)] as RoundResult[];
  const floorCpu = median(floor.map((r) => r.cpuMicros));
  let worst = { name: "", ratio: Number.POSITIVE_INFINITY, cpuRatio: 0 };
  targets.forEach((t, i) => {
    const own = results[i] as RoundResult[];
    const ratio = medianRatio(own, bare);
    const failures = own.reduce((n, r) => n + r.failures, 0);
    if (t.judged) {
      const ofFloor = medianRatio(own, floor);
      const cpuRatio = floorCpu / median(own.map((r) => r.cpuMicros));
      if (ofFloor < worst.ratio) worst = { name: t.name, ratio: ofFloor, cpuRatio };
    }
    console.log(
      [
        t.name.padEnd(26),
        median(own.map((r) => r.rps))
          .toFixed(0)
          .padStart(14),
        String(median(own.map((r) => r.p99))).padStart(7),
        `${ratio.toFixed(2)}x`.padStart(25),
        median(own.map((r) => r.cpuMicros))
          .toFixed(1)
          .padStart(14),
        String(failures).padStart(7),
      ].join(" "),
    );
    if (failures > 0) process.exitCode = 1;
  });
  // Judged by throughput, as the issue states it; the ratio of server CPU per request (floor ÷
  // route) is printed beside it because it hardly moves with the machine's load.
  console.log(
    `\nprotected routes: the slowest (${worst.name}) ${worst.ratio.toFixed(2)}x the floor route by req/s, ` +
      `${worst.cpuRatio.toFixed(2)}x by server CPU per request ` +
      `(target ${TARGET_RATIO.toFixed(2)}x by req/s: ${worst.ratio >= TARGET_RATIO ? "met" : "not met"})`,
  );
  reportRedis(targets, results);
} finally {
  await server.stop();
}
console.log(`\n${propagationReport(await benchPropagation())}`);

/** Each Redis-on target against the same target without Redis, round by round. */
function reportRedis(targets: readonly Target[], results: readonly RoundResult[][]): void {
  if (redis === null) {
    console.log("Redis on: skipped (set KEYSHIP_REDIS_URL to measure it)");
    return;
  }
  targets.forEach((t, i) => {
    const single = results[targets.findIndex((o) => o.name === t.without)];
    if (t.without === undefined || single === undefined) return;
    const own = results[i] as RoundResult[];
    const ratio = medianRatio(own, single);
    // The server's CPU per request does not depend on how fast autocannon could go.
    const cpu = median(
      own.map((r, round) => r.cpuMicros / (single[round] as RoundResult).cpuMicros),
    );
    const met = ratio >= REDIS_TARGET_RATIO ? "met" : "not met";
    console.log(
      `${t.name}: ${ratio.toFixed(2)}x the req/s of ${t.without} (target ${REDIS_TARGET_RATIO.toFixed(2)}x: ${met}), ${cpu.toFixed(2)}x its server µs/req`,
    );
  });
}
