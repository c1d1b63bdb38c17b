/**
 * Propagation between instances: three real server processes (A, B, C) on one fresh
 * PostgreSQL database and one Redis, as docs/deployment.md runs them; a passkey user signs in
 * on A with a bearer session, B and C accept (and cache) it, A signs it out, and B and C are
 * asked every millisecond until both refuse. Prints the p50/p99 of that delay over
 * BENCH_REVOCATIONS (200) sign-outs against the 100 ms target. `npm run bench` runs it too.
 *
 *   npm run bench:propagation   (needs KEYSHIP_TEST_POSTGRES_URL and KEYSHIP_REDIS_URL or
 *                                KEYSHIP_TEST_REDIS_URL)
 */
import { fileURLToPath } from "node:url";
import {
  describeFigures,
  measurePropagation,
  percentile,
  startFleet,
} from "../packages/keyship/test/changes/fleet.ts";
import { benchRedisUrl } from "./apps.ts";

/** The target between instances with Redis, in ms. */
export const PROPAGATION_TARGET_MS = 100;

/** What {@link benchPropagation} measured, or why it could not. */
export type PropagationResult =
  | { readonly figures: readonly number[]; readonly p50: number; readonly p99: number }
  | { readonly skipped: string };

/**
 * Starts the three instances, measures `revocations` sign-outs on A until B and C refuse, and
 * stops them again.
 * @param revocations @default BENCH_REVOCATIONS, else 200
 */
export async function benchPropagation(
  revocations = Number(process.env.BENCH_REVOCATIONS ?? 200),
): Promise<PropagationResult> {
  const redisUrl = benchRedisUrl();
  if (!process.env.KEYSHIP_TEST_POSTGRES_URL || redisUrl === undefined) {
    return { skipped: "set KEYSHIP_TEST_POSTGRES_URL and KEYSHIP_REDIS_URL to measure it" };
  }
  const fleet = await startFleet({ count: 3, redisUrl });
  try {
    const [a, ...others] = fleet.servers;
    if (a === undefined) throw new Error("no instance started");
    // Generous: a figure past it is a failure, not a measurement.
    const figures = await measurePropagation(a, others, { revocations, deadlineMs: 10_000 });
    return { figures, p50: percentile(figures, 50), p99: percentile(figures, 99) };
  } finally {
    await fleet.close();
  }
}

/** The result as the benchmark's lines. */
export function propagationReport(result: PropagationResult): string {
  if ("skipped" in result) return `propagation between instances: skipped (${result.skipped})`;
  const met = result.p99 <= PROPAGATION_TARGET_MS ? "met" : "not met";
  return [
    "propagation between instances (3 processes, PostgreSQL + Redis; sign-out on A until B and C refuse):",
    `  ${describeFigures(result.figures)} (target ≤ ${PROPAGATION_TARGET_MS} ms at p99: ${met})`,
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(propagationReport(await benchPropagation()));
}
