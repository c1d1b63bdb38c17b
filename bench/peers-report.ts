/**
 * The outputs of `npm run bench:peers`: the run as JSON, a Markdown report (the table, the
 * flows, the targets met or missed) and a Vega-Lite chart rendered to SVG by
 * bench/peers/chart.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Phase, StormResult } from "./flows.ts";
import { PEERS_DIR } from "./peers-deps.ts";

/** One measured route, summarised over its rounds. */
export interface TargetRow {
  readonly name: string;
  readonly group: "reference" | "keyship" | "Better Auth";
  /** Median requests/s, and the lowest and highest round. */
  readonly rps: number;
  readonly rpsMin: number;
  readonly rpsMax: number;
  /** Median p50 and p99 latency in ms, and the highest round's p99. */
  readonly p50: number;
  readonly p99: number;
  readonly p99Max: number;
  /** Median over rounds of this route's req/s over the bare route's (same round). */
  readonly ratioBare: number;
  /** Median over rounds of this route's req/s over Better Auth getSession's (no cookie cache). */
  readonly ratioBetterAuth: number;
  /** Median server CPU per request, µs. */
  readonly cpuMicros: number;
  readonly failures: number;
}

/** A target of the issue, measured. */
export interface Goal {
  readonly what: string;
  readonly measured: string;
  readonly goal: string;
  readonly met: boolean;
}

/** Everything one run measured. */
export interface PeersRun {
  readonly date: string;
  readonly machine: {
    readonly summary: string;
    readonly cpu: string;
    readonly cores: number;
    readonly node: string;
    readonly betterAuth: string;
    readonly pinned: string;
    readonly loadBefore: readonly number[];
    readonly loadAfter: readonly number[];
  };
  readonly settings: { rounds: number; seconds: number; connections: number; flowSeconds: number };
  readonly targets: readonly TargetRow[];
  readonly flows: {
    readonly passkeyFinish: Phase;
    readonly passwordLogins: Phase;
    readonly refreshRotations: Phase;
    readonly clientGrants: Phase;
    readonly storm: StormResult;
  };
  /** Resident set sizes in MiB. */
  readonly rss: Record<string, number>;
  /** Instructions per request under callgrind, or null when skipped. */
  readonly instructions: {
    readonly bare: number;
    readonly warm: number;
    readonly cold: number;
    /** The request counts of the two callgrind runs: warm and bare, then cold. */
    readonly windows: readonly [readonly [number, number], readonly [number, number]];
  } | null;
  readonly goals: readonly Goal[];
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const x = (n: number) => `${n >= 10 ? n.toFixed(1) : n.toFixed(2)}×`;

function phaseRow(name: string, p: Phase): string {
  return `| ${name} | ${int(p.rps)} | ${p.p50} | ${p.p99} | ${p.cpuMicros === undefined ? "—" : int(p.cpuMicros)} | ${p.total} | ${p.failed} |`;
}

/** The run as Markdown. */
export function markdown(run: PeersRun): string {
  const { machine, settings, flows } = run;
  const lines = [
    `Run ${run.date}: ${machine.summary}.`,
    `${settings.rounds} rotating rounds of ${settings.seconds} s per route, ${settings.connections} connections; load average before ${machine.loadBefore.map((l) => l.toFixed(1)).join(" ")}, after ${machine.loadAfter.map((l) => l.toFixed(1)).join(" ")}.`,
    "",
    "| GET /me | req/s (median) | lowest–highest round | p50 ms | p99 ms | × bare | × Better Auth | server µs/req | errors |",
    "|---|---|---|---|---|---|---|---|---|",
    ...run.targets.map(
      (t) =>
        `| ${t.name} | ${int(t.rps)} | ${int(t.rpsMin)}–${int(t.rpsMax)} | ${t.p50} | ${t.p99} | ${x(t.ratioBare)} | ${x(t.ratioBetterAuth)} | ${t.cpuMicros.toFixed(1)} | ${t.failures} |`,
    ),
    "",
    `Flows (one run each, ${settings.flowSeconds} s, the server on every core, the load generator on core 1; passkey sign-ins: a fixed number of prepared flows):`,
    "",
    "| flow | per second | p50 ms | p99 ms | server µs each | count | failed |",
    "|---|---|---|---|---|---|---|",
    phaseRow(
      "passkey `login/finish` (software authenticator, new device each)",
      flows.passkeyFinish,
    ),
    phaseRow("password logins (argon2id), 20 connections", flows.passwordLogins),
    phaseRow("refresh rotations", flows.refreshRotations),
    phaseRow("client-credential grants", flows.clientGrants),
    phaseRow("protected route, calm", flows.storm.calm),
    phaseRow("protected route, during a login storm", flows.storm.stormy),
    phaseRow("the storm's password logins", flows.storm.logins),
    "",
    `Resident memory (MiB): ${Object.entries(run.rss)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(", ")}.`,
    run.instructions === null
      ? "Instructions per request: not in this file (BENCH_INSTRUCTIONS=0, or callgrind still counting when it was written)."
      : `Instructions per request (callgrind; requests ${run.instructions.windows[0].join("→")}, cold ${run.instructions.windows[1].join("→")}): bare Hono ${int(run.instructions.bare)}, warm device token ${int(run.instructions.warm)} (+${int(run.instructions.warm - run.instructions.bare)}), cold device token ${int(run.instructions.cold)}.`,
    "",
    "| target | measured | goal | |",
    "|---|---|---|---|",
    ...run.goals.map(
      (g) => `| ${g.what} | ${g.measured} | ${g.goal} | ${g.met ? "met" : "**missed**"} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * Writes `peers.json`, `peers.md` and `peers.svg` (the chart) into `dir`.
 * @returns the paths written
 */
export function writeOutputs(run: PeersRun, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "peers.json");
  const md = join(dir, "peers.md");
  const svg = join(dir, "peers.svg");
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(md, markdown(run));
  execFileSync(process.execPath, [join(PEERS_DIR, "chart.ts"), json, svg], { stdio: "inherit" });
  return [json, md, svg];
}
