/**
 * keyship beside its peers, in one run: bare Hono, the floor route, keyship's credentials (a
 * warm device token, a cold one — a token never seen before on every request, its key cached —
 * an access token, an API key, a cookie session) and Better Auth's `getSession` with and
 * without its cookie cache on the same kind of SQLite file, all `GET /me`-style routes answered
 * by real servers; then flow throughput (passkey `login/finish`, password logins, refresh
 * rotations, client-credential grants, a login storm's effect on another route's p99), idle
 * memory, and instructions per warm and cold request under callgrind.
 *
 *   npm run bench:peers
 *
 * Installs bench/peers/'s own dependencies on first use (Better Auth never becomes a
 * dependency of keyship or of the root workspace). The servers run on core 0, this process
 * (autocannon) on core 1, where `taskset` exists and the machine has two cores. Settings:
 * BENCH_ROUNDS (5), BENCH_SECONDS (3), BENCH_CONNECTIONS (50), BENCH_FLOW_SECONDS (5),
 * BENCH_PASSKEY_LOGINS (3000), BENCH_INSTRUCTIONS ("10000,40000": callgrind's small and large
 * request counts; "0" skips), BENCH_OUT (where peers.json/.md/.svg go; default docs/benchmarks),
 * BENCH_PROFILE (a folder: CPU profiles of the flows server).
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { COLD_TARGET, instructionsPerRequest } from "./callgrind.ts";
import { canPin, startChild } from "./child.ts";
import {
  clientGrants,
  loginStorm,
  passkeyFinishes,
  passwordLogins,
  refreshRotations,
  startFlowServer,
} from "./flows.ts";
import type { BenchDevice } from "./mint.ts";
import { deviceTokenMinter, tokenPool } from "./mint.ts";
import { ensureBuiltKeyship, ensurePeerDependencies, PEERS_DIR } from "./peers-deps.ts";
import { peerGoals } from "./peers-goals.ts";
import { markdown, type PeersRun, type TargetRow, writeOutputs } from "./peers-report.ts";
import {
  measureRounds,
  median,
  medianRatio,
  type RoundResult,
  type RoundTarget,
  spread,
} from "./rounds.ts";

const env = process.env;
const rounds = Number(env.BENCH_ROUNDS ?? 5);
const seconds = Number(env.BENCH_SECONDS ?? 3);
const connections = Number(env.BENCH_CONNECTIONS ?? 50);
const flowSeconds = Number(env.BENCH_FLOW_SECONDS ?? 5);
const passkeyLogins = Number(env.BENCH_PASSKEY_LOGINS ?? 3000);
const [callgrindSmall = 0, callgrindLarge = 0] = (env.BENCH_INSTRUCTIONS ?? "10000,40000")
  .split(",")
  .map(Number);
// Cold requests cost ~7× as many instructions (and their tokens are minted under valgrind too),
// so their runs are a fifth as long.
const coldWindow = [callgrindSmall, callgrindLarge].map((n) => Math.round(n / 5)) as [
  number,
  number,
];
const outDir = env.BENCH_OUT ?? fileURLToPath(new URL("../docs/benchmarks/", import.meta.url));
const SERVER_CPU = 0;

ensurePeerDependencies();
ensureBuiltKeyship();
if (canPin) spawnSync("taskset", ["-a", "-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
const loadBefore = loadavg();

// Idle memory first, while nothing else of this run is loaded: the built package, as an
// application runs it, right after start and again after a short burst of requests.
const rss: Record<string, number> = {};
{
  const idle = await startChild<{ url: string }>(
    fileURLToPath(new URL("./idle-server.mjs", import.meta.url)),
    { cpu: SERVER_CPU, fromSource: false },
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    rss["keyship server (dist/, SQLite), idle after start"] = idle.rssMiB();
    await autocannon({ url: `${idle.setup.url}/health`, connections: 10, duration: 2 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    rss["the same, idle after 2 s of /health at 10 connections"] = idle.rssMiB();
  } finally {
    await idle.stop();
  }
}

const keyship = await startChild<{
  keyshipUrl: string;
  bareUrl: string;
  accessToken: string;
  apiKey: string;
  cookie: string;
  device: BenchDevice;
}>(fileURLToPath(new URL("./server.ts", import.meta.url)), {
  cpu: SERVER_CPU,
  env: { ...env, BENCH_REDIS: "0" },
});
const betterAuth = await startChild<{
  url: string;
  cookie: string;
  cachedUrl: string;
  cachedCookie: string;
  version: string;
}>(`${PEERS_DIR}better-auth-server.ts`, { cpu: SERVER_CPU });
try {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  rss["keyship bench server, idle after start"] = keyship.rssMiB();
  rss["Better Auth server (two instances), idle after start"] = betterAuth.rssMiB();

  const k = keyship.setup;
  const ba = betterAuth.setup;
  const keyshipCpu = `${k.bareUrl}/bench/cpu`;
  const baCpu = `${ba.url}/bench/cpu`;
  const mint = deviceTokenMinter(k.device, 900);
  const warm = mint();
  // Enough cold tokens for the expected rate; more are minted on demand (counted below).
  const cold = tokenPool(mint, Number(env.BENCH_COLD_RATE ?? 6000) * (rounds * seconds + 1));
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const me = `${k.keyshipUrl}/bench/protected`;
  const targets: Array<RoundTarget & { group: TargetRow["group"] }> = [
    {
      name: "bare Hono GET /me",
      group: "reference",
      url: `${k.bareUrl}/bench/bare`,
      cpuUrl: keyshipCpu,
    },
    {
      name: "floor: bare + 2 middleware + X-Trace-Id",
      group: "reference",
      url: `${k.bareUrl}/bench/floor`,
      cpuUrl: keyshipCpu,
    },
    {
      name: "keyship, device token, warm",
      group: "keyship",
      url: me,
      headers: bearer(warm),
      cpuUrl: keyshipCpu,
    },
    {
      name: "keyship, device token, cold",
      group: "keyship",
      url: me,
      perRequest: () => bearer(cold.next()),
      cpuUrl: keyshipCpu,
    },
    {
      name: "keyship, access token",
      group: "keyship",
      url: me,
      headers: bearer(k.accessToken),
      cpuUrl: keyshipCpu,
    },
    {
      name: "keyship, API key",
      group: "keyship",
      url: me,
      headers: bearer(k.apiKey),
      cpuUrl: keyshipCpu,
    },
    {
      name: "keyship, cookie session",
      group: "keyship",
      url: me,
      headers: { cookie: k.cookie },
      cpuUrl: keyshipCpu,
    },
    {
      name: "Better Auth getSession",
      group: "Better Auth",
      url: `${ba.url}/me`,
      headers: { cookie: ba.cookie },
      cpuUrl: baCpu,
    },
    {
      name: "Better Auth getSession, cookie cache",
      group: "Better Auth",
      url: `${ba.cachedUrl}/me`,
      headers: { cookie: ba.cachedCookie },
      cpuUrl: baCpu,
    },
  ];
  const BETTER_AUTH = 7;
  console.log(
    `bench:peers: ${targets.length} routes, ${rounds} rounds of ${seconds} s, ${connections} connections${canPin ? ", servers on core 0, autocannon on core 1" : ", not pinned"}`,
  );
  const results = await measureRounds(targets, { rounds, seconds, connections }, (t, round, r) =>
    console.log(
      `  round ${round + 1} ${t.name}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms${r.failures ? `, ${r.failures} errors` : ""}`,
    ),
  );
  const bare = results[0] as RoundResult[];
  const baDb = results[BETTER_AUTH] as RoundResult[];
  const rows: TargetRow[] = targets.map((t, i) => {
    const own = results[i] as RoundResult[];
    const { min, max } = spread(own.map((r) => r.rps));
    return {
      name: t.name,
      group: t.group,
      rps: median(own.map((r) => r.rps)),
      rpsMin: min,
      rpsMax: max,
      p50: median(own.map((r) => r.p50)),
      p99: median(own.map((r) => r.p99)),
      p99Max: spread(own.map((r) => r.p99)).max,
      ratioBare: medianRatio(own, bare),
      ratioBetterAuth: medianRatio(own, baDb),
      cpuMicros: median(own.map((r) => r.cpuMicros)),
      failures: own.reduce((n, r) => n + r.failures, 0),
    };
  });
  rss["keyship bench server, idle after the routes"] = keyship.rssMiB();
  await Promise.all([keyship.stop(), betterAuth.stop()]);
  const coldExtra = cold.extra();

  console.log("bench:peers: flows");
  // Unpinned: a real deployment hashes passwords on every core it has (autocannon stays on 1).
  const profile = env.BENCH_PROFILE;
  const flowServer = await startFlowServer(
    profile ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profile}`] } : {},
  );
  let flows: PeersRun["flows"];
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    rss["keyship flows server, idle after start"] = flowServer.rssMiB();
    const setup = flowServer.setup;
    flows = {
      passkeyFinish: await passkeyFinishes(setup, 16, passkeyLogins),
      passwordLogins: await passwordLogins(setup, 20, flowSeconds),
      refreshRotations: await refreshRotations(setup, 16, flowSeconds),
      clientGrants: await clientGrants(setup, 16, flowSeconds),
      storm: await loginStorm(setup, {
        connections: 8,
        stormConnections: 20,
        seconds: flowSeconds,
      }),
    };
  } finally {
    await flowServer.stop();
  }

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const pinned = canPin
    ? "servers on core 0, autocannon on core 1 (taskset)"
    : "not pinned (no taskset or one core)";
  const summarise = (instructions: PeersRun["instructions"]): PeersRun => ({
    date: new Date().toISOString(),
    machine: {
      summary: `${cpus().length} cores (${cpu}), Node ${process.version}, Better Auth ${ba.version}, ${pinned}`,
      cpu,
      cores: cpus().length,
      node: process.version,
      betterAuth: ba.version,
      pinned,
      loadBefore,
      loadAfter: loadavg(),
    },
    settings: { rounds, seconds, connections, flowSeconds },
    targets: rows,
    flows,
    rss,
    instructions,
    goals: peerGoals(rows, flows, rss),
  });
  // Written now, and again with the instruction counts: callgrind takes minutes.
  writeOutputs(summarise(null), outDir);
  let instructions: PeersRun["instructions"] = null;
  if (callgrindSmall > 0 && callgrindLarge > callgrindSmall) {
    console.log("bench:peers: instructions per request under callgrind (a few minutes)");
    // Bare and warm side by side, then cold: four callgrind processes on two cores at most.
    const [bare, warm] = await Promise.all(
      [0, 4].map((t) => instructionsPerRequest(t, callgrindSmall, callgrindLarge)),
    );
    const cold = await instructionsPerRequest(COLD_TARGET, ...coldWindow);
    instructions = {
      bare: bare as number,
      warm: warm as number,
      cold,
      windows: [[callgrindSmall, callgrindLarge], coldWindow],
    };
  }

  const run = summarise(instructions);
  if (coldExtra > 0)
    console.log(`(cold tokens minted during the rounds, by autocannon's process: ${coldExtra})`);
  console.log(`\n${markdown(run)}`);
  for (const path of writeOutputs(run, outDir)) console.log(`wrote ${path}`);
  if (rows.some((r) => r.failures > 0)) process.exitCode = 1;
} finally {
  await Promise.all([keyship.stop(), betterAuth.stop()]);
}
