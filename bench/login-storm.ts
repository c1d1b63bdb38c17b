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
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const stormConnections = 20;

const server = spawn(
  process.execPath,
  [
    "--conditions=keyship-source",
    fileURLToPath(new URL("./login-storm-server.ts", import.meta.url)),
  ],
  { stdio: ["ignore", "pipe", "inherit"], env: process.env },
);
const firstLine = await new Promise<string>((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.once("line", resolve);
  server.once("exit", (code) => reject(new Error(`storm server exited with ${code}`)));
});
const setup = JSON.parse(firstLine) as {
  url: string;
  token: string;
  email: string;
  password: string;
  devicePublicKey: object;
  hashConcurrency: string;
};

interface Phase {
  readonly p50: number;
  readonly p99: number;
  readonly rps: number;
  readonly failed: number;
}

function protectedRoute(): Promise<Phase> {
  return autocannon({
    url: `${setup.url}/bench/protected`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${setup.token}` },
  }).then((r) => ({
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r.requests.average,
    failed: r.errors + r.non2xx,
  }));
}

function storm(duration: number): Promise<Phase> {
  return autocannon({
    url: `${setup.url}/auth/login`,
    connections: stormConnections,
    duration,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: setup.email,
      password: setup.password,
      devicePublicKey: setup.devicePublicKey,
    }),
  }).then((r) => ({
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r.requests.average,
    failed: r.errors + r.non2xx,
  }));
}

try {
  // Warm up: JIT, the verification cache, the dummy hash.
  await autocannon({
    url: `${setup.url}/bench/protected`,
    connections,
    duration: 1,
    headers: { authorization: `Bearer ${setup.token}` },
  });
  await storm(1);

  const calm = await protectedRoute();
  // The storm starts first and outlasts the measurement.
  const storming = storm(seconds + 2);
  const stormy = await protectedRoute();
  const logins = await storming;

  const ratio = stormy.p99 / Math.max(calm.p99, 1);
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
  server.kill("SIGTERM");
}
