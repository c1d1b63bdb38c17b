/**
 * Rotating rounds of autocannon runs against real servers, shared by `npm run bench` and
 * `npm run bench:peers`. Every target takes every position once in as many rounds as there
 * are targets, so a machine that slows down mid-run cannot favour one of them; medians and the
 * spread (lowest and highest round) are reported per target.
 */
import autocannon from "autocannon";

/** One thing to measure. */
export interface RoundTarget {
  readonly name: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** Headers built per request (e.g. a token never sent before), instead of `headers`. */
  readonly perRequest?: () => Record<string, string>;
  /** A URL answering the server's `process.cpuUsage()`, for the CPU per request. */
  readonly cpuUrl?: string;
}

/** One round of one target. */
export interface RoundResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
  /** Server CPU (user + system) per request, in microseconds (NaN without `cpuUrl`). */
  readonly cpuMicros: number;
}

/** Settings of {@link measureRounds}. */
export interface RoundSettings {
  readonly rounds: number;
  readonly seconds: number;
  readonly connections: number;
  /** Seconds of warm-up per target before the first round (JIT, caches). */
  readonly warmupSeconds?: number;
}

async function cpuMicros(url: string | undefined): Promise<number> {
  if (url === undefined) return Number.NaN;
  const usage = (await (await fetch(url)).json()) as NodeJS.CpuUsage;
  return usage.user + usage.system;
}

function run(target: RoundTarget, connections: number, duration: number) {
  const { perRequest } = target;
  return autocannon({
    url: target.url,
    connections,
    duration,
    headers: target.headers ?? {},
    ...(perRequest === undefined
      ? {}
      : {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => ({
                ...request,
                headers: { ...request.headers, ...perRequest() },
              }),
            },
          ],
        }),
  });
}

/** Measures one target once. */
export async function measureOnce(
  target: RoundTarget,
  connections: number,
  seconds: number,
): Promise<RoundResult> {
  const before = await cpuMicros(target.cpuUrl);
  const result = await run(target, connections, seconds);
  const cpu = (await cpuMicros(target.cpuUrl)) - before;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.errors + result.non2xx + result.timeouts,
    cpuMicros: cpu / Math.max(1, result.requests.total),
  };
}

/**
 * Warms every target up, then measures them in `rounds` rotating rounds.
 * @returns per target (in the order given), its results in round order
 */
export async function measureRounds(
  targets: readonly RoundTarget[],
  settings: RoundSettings,
  onResult?: (target: RoundTarget, round: number, result: RoundResult) => void,
): Promise<RoundResult[][]> {
  for (const t of targets) await run(t, settings.connections, settings.warmupSeconds ?? 1);
  const results: RoundResult[][] = targets.map(() => []);
  for (let round = 0; round < settings.rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (round + k) % targets.length;
      const target = targets[i] as RoundTarget;
      const result = await measureOnce(target, settings.connections, settings.seconds);
      (results[i] as RoundResult[]).push(result);
      onResult?.(target, round, result);
    }
  }
  return results;
}

/** The median of `values` (the upper one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The lowest and highest of `values`. */
export function spread(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** The median over rounds of `a[round] / b[round]` (ratios taken within one round). */
export function medianRatio(
  a: readonly RoundResult[],
  b: readonly RoundResult[],
  field: "rps" | "p99" = "rps",
): number {
  return median(a.map((r, round) => r[field] / Math.max((b[round] as RoundResult)[field], 1e-9)));
}
