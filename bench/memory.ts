/**
 * Idle memory of a keyship server, the figure `npm run bench:peers` prints as "idle after
 * start", on its own: starts bench/idle-server.mjs (the built package, one SQLite file) a few
 * times, reads its resident set size 2 s after it serves, and prints the median and the spread.
 *
 *   npm run bench:memory
 *
 * Settings: BENCH_MEMORY_RUNS (5) servers, one after the other. Builds dist/ first when a
 * source file is newer than it.
 */
import { fileURLToPath } from "node:url";
import { startChild } from "./child.ts";
import { ensureBuiltKeyship } from "./peers-deps.ts";
import { median, spread } from "./rounds.ts";

/**
 * Starts the idle probe once and reads its resident memory 2 s after it serves.
 * @returns the resident set size in MiB
 */
export async function idleRssMiB(cpu?: number): Promise<number> {
  const idle = await startChild<{ url: string }>(
    fileURLToPath(new URL("./idle-server.mjs", import.meta.url)),
    { fromSource: false, ...(cpu === undefined ? {} : { cpu }) },
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return idle.rssMiB();
  } finally {
    await idle.stop();
  }
}

if (import.meta.main) {
  const runs = Number(process.env.BENCH_MEMORY_RUNS ?? 5);
  ensureBuiltKeyship();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await idleRssMiB());
  const { min, max } = spread(values);
  console.log(
    `keyship server (dist/, SQLite), idle after start: ${median(values).toFixed(1)} MiB ` +
      `(median of ${runs}; ${min.toFixed(1)}–${max.toFixed(1)}; target < 76.3 MiB = 80 MB)`,
  );
}
