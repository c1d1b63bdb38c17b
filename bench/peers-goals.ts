/**
 * The targets of the peer benchmark (issue 17, on 2 cores), judged on one run's figures.
 */
import type { Phase } from "./flows.ts";
import type { Goal, PeersRun, TargetRow } from "./peers-report.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Every target of the issue with the figure measured for it.
 * @param rows the routes, in bench/peers.ts's order (bare, floor, warm, cold, access, API key,
 *   cookie, Better Auth, Better Auth with cookie cache)
 */
export function peerGoals(
  rows: readonly TargetRow[],
  flows: PeersRun["flows"],
  rss: Record<string, number>,
): Goal[] {
  const [, floor, warm, cold, , , , betterAuth] = rows as TargetRow[];
  if (floor === undefined || warm === undefined || cold === undefined || betterAuth === undefined)
    throw new Error("peerGoals needs every route");
  const idle = rss["keyship server (dist/, SQLite), idle after start"] ?? Number.NaN;
  // A measurement with failed requests proves nothing: its target counts as missed.
  const failures = (...phases: Phase[]) => {
    const failed = phases.reduce((sum, phase) => sum + phase.failed, 0);
    return failed === 0 ? "" : ` (${int(failed)} failed)`;
  };
  const perSecond = (what: string, phase: Phase, goal: number): Goal => ({
    what,
    measured: `${int(phase.rps)}/s${failures(phase)}`,
    goal: `≥ ${int(goal)}/s`,
    met: phase.rps >= goal && phase.failed === 0,
  });
  return [
    {
      what: "warm device token ÷ Better Auth getSession (req/s)",
      measured: `${warm.ratioBetterAuth.toFixed(1)}×`,
      goal: "≥ 20×",
      met: warm.ratioBetterAuth >= 20,
    },
    {
      what: "warm device token ÷ floor route (req/s)",
      measured: `${(warm.ratioBare / floor.ratioBare).toFixed(2)}×`,
      goal: "≥ 0.90×",
      met: warm.ratioBare / floor.ratioBare >= 0.9,
    },
    {
      what: "warm device token p99 ÷ Better Auth's p99",
      measured: `${warm.p99} / ${betterAuth.p99} ms = ${(warm.p99 / betterAuth.p99).toFixed(3)}`,
      goal: "≤ 0.100",
      met: warm.p99 <= betterAuth.p99 / 10,
    },
    {
      what: "cold device token ÷ Better Auth getSession (req/s)",
      measured: `${cold.ratioBetterAuth.toFixed(1)}×`,
      goal: "≥ 2×",
      met: cold.ratioBetterAuth >= 2,
    },
    perSecond("password logins", flows.passwordLogins, 150),
    {
      what: "protected route's p99 during a login storm ÷ calm",
      measured: `${flows.storm.stormy.p99} / ${flows.storm.calm.p99} ms = ${flows.storm.ratio.toFixed(2)}×${failures(flows.storm.calm, flows.storm.stormy, flows.storm.logins)}`,
      goal: "≤ 2×",
      met:
        flows.storm.ratio <= 2 &&
        flows.storm.calm.failed + flows.storm.stormy.failed + flows.storm.logins.failed === 0,
    },
    perSecond("passkey login/finish (SQLite)", flows.passkeyFinish, 1000),
    perSecond("refresh rotations", flows.refreshRotations, 2400),
    perSecond("client-credential grants", flows.clientGrants, 2400),
    {
      what: "idle server RSS (keyship built, SQLite, after start)",
      measured: `${idle.toFixed(1)} MiB`,
      goal: "< 80 MB (76.3 MiB)",
      met: idle * 1024 * 1024 < 80e6,
    },
  ];
}
