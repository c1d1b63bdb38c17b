/**
 * Client-credentials grants per second: `POST /auth/oauth/token` with
 * `grant_type=client_credentials` (form body, HTTP Basic), every request a fresh token, against
 * a real server in a child process (SQLite file, HS256 development secret). The issue's target
 * is 2,400 tokens/s on 2 cores; autocannon shares those cores with the server, so the figure
 * is a floor.
 *
 *   npm run bench:clients     (BENCH_SECONDS=10, BENCH_CONNECTIONS=16; BENCH_ALG=ES256)
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** The issue's target, on 2 cores. */
const TARGET_PER_SECOND = 2400;

const server = spawn(
  process.execPath,
  [
    "--conditions=keyship-source",
    fileURLToPath(new URL("./client-credentials-server.ts", import.meta.url)),
  ],
  { stdio: ["ignore", "pipe", "inherit"], env: process.env },
);
const firstLine = await new Promise<string>((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.once("line", resolve);
  server.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
});
const setup = JSON.parse(firstLine) as {
  url: string;
  clientId: string;
  clientSecret: string;
  algorithm: string;
};

const request = {
  url: `${setup.url}/auth/oauth/token`,
  method: "POST" as const,
  headers: {
    "content-type": "application/x-www-form-urlencoded",
    authorization: `Basic ${Buffer.from(`${setup.clientId}:${setup.clientSecret}`).toString("base64")}`,
  },
  body: "grant_type=client_credentials&scope=invoices%3Aread",
};

async function serverCpuMicros(): Promise<number> {
  const usage = (await (await fetch(`${setup.url}/bench/cpu`)).json()) as NodeJS.CpuUsage;
  return usage.user + usage.system;
}

try {
  // One grant by hand: the endpoint must answer a token before anything is measured.
  const probe = await fetch(request.url, request);
  const token = (await probe.json()) as { access_token?: string };
  if (probe.status !== 200 || typeof token.access_token !== "string") {
    throw new Error(`the token endpoint answered ${probe.status}: ${JSON.stringify(token)}`);
  }
  await autocannon({ ...request, connections, duration: 2 }); // warm-up: JIT, caches
  const before = await serverCpuMicros();
  const result = await autocannon({ ...request, connections, duration: seconds });
  const cpuPerGrant = ((await serverCpuMicros()) - before) / Math.max(1, result.requests.total);
  const failed = result.errors + result.non2xx;
  const perSecond = result.requests.average;
  console.log(
    `\nclient-credentials grant: ${connections} connections, ${seconds} s, ${setup.algorithm}, SQLite; ${availableParallelism()} cores shared with autocannon, Node ${process.version}\n`,
  );
  console.log("tokens/s (mean)  p50 ms  p99 ms  server µs/token  tokens  failed");
  console.log(
    [
      perSecond.toFixed(0).padStart(15),
      String(result.latency.p50).padStart(6),
      String(result.latency.p99).padStart(6),
      cpuPerGrant.toFixed(0).padStart(15),
      String(result.requests.total).padStart(6),
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
  server.kill("SIGTERM");
}
