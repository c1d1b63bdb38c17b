/**
 * Instructions per request of one `bench/inprocess.ts` target, counted by valgrind's callgrind
 * (shared by `npm run bench:instructions` and `npm run bench:peers`).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The targets of bench/inprocess.ts, by index. */
export const INPROCESS_TARGETS = [
  "bare Hono route",
  "bare + X-Trace-Id",
  "bare + 2 middleware + id",
  "keyship, unprotected",
  "keyship, device token",
  "keyship, access token",
  "keyship, API key",
  "keyship, external token",
  "keyship, cold device token",
] as const;

/** The index of the cold device-token target, whose tokens are minted before the requests. */
export const COLD_TARGET = 8;

async function instructions(target: number, requests: number, mint: number): Promise<number> {
  const { stderr } = await run(
    "valgrind",
    [
      "--tool=callgrind",
      "--callgrind-out-file=/dev/null",
      process.execPath,
      "--predictable",
      "--conditions=keyship-source",
      "bench/inprocess.ts",
    ],
    {
      env: {
        ...process.env,
        BENCH_TARGET: String(target),
        BENCH_REQUESTS: String(requests),
        BENCH_MINT: String(mint),
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const match = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (match?.[1] === undefined) throw new Error(`no instruction count for target ${target}`);
  return Number(match[1].replaceAll(",", ""));
}

/**
 * Runs `target` under callgrind with `small` and then `large` requests (side by side: the
 * counts do not depend on load) and divides the difference by the extra requests: the cost of
 * one request, start-up and warm-up excluded. Both runs of the cold target mint `large` tokens,
 * so the minting cancels out of the difference.
 */
export async function instructionsPerRequest(
  target: number,
  small: number,
  large: number,
): Promise<number> {
  const mint = target === COLD_TARGET ? large : 0;
  const [a, b] = await Promise.all([
    instructions(target, small, mint),
    instructions(target, large, mint),
  ]);
  return (b - a) / (large - small);
}
