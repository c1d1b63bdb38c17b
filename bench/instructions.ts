/**
 * Instructions per request, counted by valgrind's callgrind: a figure that does not depend on
 * how fast or how loaded the machine is, so a hot-path change can be judged on a noisy one.
 *
 *   npm run bench:instructions   (BENCH_TARGETS=0,2,4,5,6; needs valgrind)
 *
 * Each target of bench/inprocess.ts runs in its own Node process under callgrind twice, with
 * BENCH_SMALL and BENCH_LARGE requests (defaults 2000 and 12000); the difference divided by
 * the extra requests is the cost of one request, start-up and warm-up excluded. Node runs with
 * `--predictable` (no concurrent compilation or GC threads), which makes repeated counts agree
 * to within about 0.1 %. Expect a few minutes per target.
 */
import { instructionsPerRequest, INPROCESS_TARGETS as names } from "./callgrind.ts";

const small = Number(process.env.BENCH_SMALL ?? 2000);
const large = Number(process.env.BENCH_LARGE ?? 12_000);
const targets = (process.env.BENCH_TARGETS ?? "0,2,4,5,6").split(",").map(Number);

console.log(
  `callgrind, ${large - small} requests per target, Node ${process.version} --predictable`,
);
const perRequest = new Map<number, number>();
for (const target of targets) {
  process.stdout.write(`  ${names[target]} … `);
  perRequest.set(target, await instructionsPerRequest(target, small, large));
  console.log(`${Math.round(perRequest.get(target) as number)} instructions/request`);
}
const bare = perRequest.get(0);
const floor = perRequest.get(2);
console.log("\ntarget                     instr/req   over bare   floor ÷ target");
for (const [target, count] of perRequest) {
  const over = bare === undefined ? "" : `+${Math.round(count - bare)}`;
  const ratio = floor === undefined ? "" : `${(floor / count).toFixed(3)}x`;
  console.log(
    `${(names[target] as string).padEnd(26)} ${String(Math.round(count)).padStart(9)} ${over.padStart(11)} ${ratio.padStart(16)}`,
  );
}
