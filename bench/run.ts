/**
 * Benchmarks auth on the hot path: a route behind `requireUser()` with a device token and with
 * a server-issued access token (warm caches) against a bare Hono route, measured in the same
 * run with autocannon against real servers in a separate process. Prints requests/s, latency and the ratio.
 *
 * The machine has two cores shared by autocannon and the servers, so single runs are noisy:
 * targets are measured in interleaved rounds (bare, keyship, bare, keyship, …) and the ratio
 * reported is the median of the per-round ratios.
 *
 *   npm run bench        (BENCH_ROUNDS=5 rounds of BENCH_SECONDS=3 s per target)
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface Target {
  readonly name: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
}

interface Result {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

async function measure(target: Target): Promise<Result> {
  const result = await autocannon({
    url: target.url,
    connections,
    duration: seconds,
    headers: target.headers ?? {},
  });
  return {
    name: target.name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

const server = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof3"] : []),
    "--conditions=keyship-source",
    fileURLToPath(new URL("./server.ts", import.meta.url)),
  ],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const firstLine = await new Promise<string>((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.once("line", resolve);
  server.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
});
const { keyshipUrl, bareUrl, token, accessToken } = JSON.parse(firstLine) as {
  keyshipUrl: string;
  bareUrl: string;
  token: string;
  accessToken: string;
};

try {
  const targets: Target[] = [
    { name: "bare Hono route", url: `${bareUrl}/bench/bare` },
    { name: "bare + X-Trace-Id only", url: `${bareUrl}/bench/bare-traced` },
    {
      name: "keyship, device token",
      url: `${keyshipUrl}/bench/protected`,
      headers: { authorization: `Bearer ${token}` },
    },
    {
      name: "keyship, access token",
      url: `${keyshipUrl}/bench/protected`,
      headers: { authorization: `Bearer ${accessToken}` },
    },
  ];
  // Warm up every target (JIT, the verification cache), then measure in interleaved rounds.
  for (const t of targets)
    await autocannon({ url: t.url, connections, duration: 1, headers: t.headers ?? {} });
  const perRound: Result[][] = [];
  for (let round = 0; round < rounds; round++) {
    const results: Result[] = [];
    for (const t of targets) results.push(await measure(t));
    perRound.push(results);
  }

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  };
  console.log(
    `\nautocannon: ${connections} connections, ${rounds} interleaved rounds of ${seconds} s per target, Node ${process.version}\n`,
  );
  console.log(
    "target                      req/s (median)  p99 ms  ratio (median of rounds)  errors",
  );
  targets.forEach((t, i) => {
    const own = perRound.map((r) => r[i] as Result);
    const ratios = perRound.map((r) => (r[i] as Result).rps / (r[0] as Result).rps);
    const failures = own.reduce((n, r) => n + r.errors + r.non2xx, 0);
    console.log(
      `${t.name.padEnd(26)} ${median(own.map((r) => r.rps))
        .toFixed(0)
        .padStart(
          14,
        )}  ${String(median(own.map((r) => r.p99))).padStart(6)}  ${median(ratios).toFixed(2).padStart(23)}x  ${failures}`,
    );
    if (failures > 0) process.exitCode = 1;
  });
} finally {
  server.kill("SIGTERM");
}
