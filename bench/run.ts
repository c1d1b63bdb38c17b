/**
 * Benchmarks auth on the hot path: a route behind `requireUser()` with a device token (warm
 * cache) against a bare Hono route, measured in the same run with autocannon against real
 * servers in a separate process. Prints requests/s, latency and the ratio.
 *
 *   npm run bench                 (5 s per target; BENCH_SECONDS=10 for longer)
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
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
const { keyshipUrl, bareUrl, token } = JSON.parse(firstLine) as {
  keyshipUrl: string;
  bareUrl: string;
  token: string;
};

try {
  const targets: Target[] = [
    { name: "bare Hono route", url: `${bareUrl}/bench/bare` },
    {
      name: "keyship, device token",
      url: `${keyshipUrl}/bench/protected`,
      headers: { authorization: `Bearer ${token}` },
    },
  ];
  // Warm up both (JIT, the verification cache), then measure each in turn.
  for (const t of targets)
    await autocannon({ url: t.url, connections, duration: 1, headers: t.headers ?? {} });
  const results: Result[] = [];
  for (const t of targets) results.push(await measure(t));

  const baseline = results[0] as Result;
  console.log(
    `\nautocannon: ${connections} connections, ${seconds} s per target, Node ${process.version}\n`,
  );
  console.log("target                      req/s     p50 ms  p99 ms  ratio   errors");
  for (const r of results) {
    const ratio = (r.rps / baseline.rps).toFixed(2);
    console.log(
      `${r.name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)}  ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)}  ${ratio.padStart(5)}x  ${r.errors + r.non2xx}`,
    );
  }
  const failed = results.filter((r) => r.errors + r.non2xx > 0);
  if (failed.length > 0) {
    console.error(`\nrequests failed for: ${failed.map((r) => r.name).join(", ")}`);
    process.exitCode = 1;
  }
} finally {
  server.kill("SIGTERM");
}
