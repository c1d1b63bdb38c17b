/**
 * The flows alone, several runs each: passkey `login/finish`, password logins and refresh
 * rotations against a real server (`flows-server.ts`, SQLite, unpinned), printing per run the
 * flows per second, p50/p99, the server's CPU per flow and the SQL statements per flow (both
 * independent of the machine's load), then the median and spread of each.
 *
 *   npm run bench:flows     (BENCH_RUNS=3, BENCH_FLOW_SECONDS=5, BENCH_PASSKEY_LOGINS=3000;
 *                            BENCH_FLOWS=passkey,password,refresh; BENCH_PROFILE=dir)
 */
import { mkdirSync } from "node:fs";
import {
  type Phase,
  passkeyFinishes,
  passwordLogins,
  refreshRotations,
  startFlowServer,
} from "./flows.ts";

const env = process.env;
const runs = Number(env.BENCH_RUNS ?? 3);
const seconds = Number(env.BENCH_FLOW_SECONDS ?? 5);
const passkeys = Number(env.BENCH_PASSKEY_LOGINS ?? 3000);
const wanted = new Set((env.BENCH_FLOWS ?? "passkey,password,refresh").split(","));
const flows: Record<string, (s: Parameters<typeof passkeyFinishes>[0]) => Promise<Phase>> = {
  passkey: (s) => passkeyFinishes(s, 16, passkeys),
  password: (s) => passwordLogins(s, 20, seconds),
  refresh: (s) => refreshRotations(s, 16, seconds),
};

if (env.BENCH_PROFILE) mkdirSync(env.BENCH_PROFILE, { recursive: true });
const server = await startFlowServer();
const results: Record<string, Phase[]> = {};
try {
  for (let i = 0; i < runs; i++) {
    for (const [name, flow] of Object.entries(flows)) {
      if (!wanted.has(name)) continue;
      const phase = await flow(server.setup);
      results[name] = [...(results[name] ?? []), phase];
      console.log(
        `${name.padEnd(8)} run ${i + 1}: ${phase.rps.toFixed(0)}/s  p50 ${phase.p50} ms  p99 ${phase.p99} ms  ${phase.cpuMicros?.toFixed(0)} µs  ${phase.statements?.toFixed(2)} statements  failed ${phase.failed}`,
      );
    }
  }
} finally {
  await server.stop();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(
  "\nflow      per second (median, lowest–highest)  server µs each (median, range)  SQL statements each",
);
for (const [name, phases] of Object.entries(results)) {
  const rps = phases.map((p) => p.rps);
  const cpu = phases.map((p) => p.cpuMicros ?? Number.NaN);
  console.log(
    `${name.padEnd(8)}  ${median(rps).toFixed(0)} (${Math.min(...rps).toFixed(0)}–${Math.max(...rps).toFixed(0)})  ${median(cpu).toFixed(0)} (${Math.min(...cpu).toFixed(0)}–${Math.max(...cpu).toFixed(0)})  ${median(phases.map((p) => p.statements ?? Number.NaN)).toFixed(2)}`,
  );
  if (phases.some((p) => p.failed > 0)) process.exitCode = 1;
}
