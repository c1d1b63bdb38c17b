/**
 * Flow throughput against a real keyship server (`flows-server.ts`): password logins and the
 * login storm, client-credential grants, passkey `login/finish` and refresh rotations. Shared
 * by `npm run bench:login-storm`, `npm run bench:clients` and `npm run bench:peers`.
 */
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { type ChildOptions, startChild } from "./child.ts";

/** What `flows-server.ts` prints. */
export interface FlowSetup {
  readonly url: string;
  readonly token: string;
  readonly email: string;
  readonly password: string;
  readonly devicePublicKey: object;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly algorithm: string;
  readonly hashConcurrency: string;
}

/** Throughput and latency of one autocannon run. */
export interface Phase {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  readonly failed: number;
  /** Server CPU per request in microseconds, where measured. */
  readonly cpuMicros?: number;
  /** SQL statements the server ran per request (BEGIN and COMMIT included), where measured. */
  readonly statements?: number;
}

/** Starts `flows-server.ts` in a child process. */
export function startFlowServer(options: ChildOptions = {}) {
  return startChild<FlowSetup>(
    fileURLToPath(new URL("./flows-server.ts", import.meta.url)),
    options,
  );
}

function phaseOf(r: autocannon.Result): Phase {
  const rps = r.requests.total / Math.max(r.duration, 1e-3);
  return {
    rps,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    failed: r.errors + r.non2xx + r.timeouts,
  };
}

/**
 * Runs one measurement and adds the server's CPU and SQL statements per request; with
 * BENCH_PROFILE (a folder) the server also writes a CPU profile of just that measurement,
 * `<name>-<time>.cpuprofile`.
 */
async function withCpu(setup: FlowSetup, name: string, run: () => Promise<Phase>): Promise<Phase> {
  const profile = process.env.BENCH_PROFILE;
  if (profile) await fetch(`${setup.url}/bench/profile`, { method: "POST" });
  const cpu = async () => {
    const usage = (await (await fetch(`${setup.url}/bench/cpu`)).json()) as NodeJS.CpuUsage & {
      statements: number;
    };
    return { micros: usage.user + usage.system, statements: usage.statements };
  };
  const before = await cpu();
  const phase = await run();
  const after = await cpu();
  if (profile) {
    const file = `${profile}/${name}-${Date.now()}.cpuprofile`;
    await fetch(`${setup.url}/bench/profile?to=${encodeURIComponent(file)}`, { method: "POST" });
  }
  const n = Math.max(1, phase.total);
  return {
    ...phase,
    cpuMicros: (after.micros - before.micros) / n,
    // Less the two statement-free /bench/cpu requests; a rounding of in-flight requests.
    statements: (after.statements - before.statements) / n,
  };
}

/** The protected route with the server's warm device token. */
export async function protectedRoute(
  setup: FlowSetup,
  connections: number,
  seconds: number,
): Promise<Phase> {
  const headers = { authorization: `Bearer ${setup.token}` };
  return phaseOf(
    await autocannon({
      url: `${setup.url}/bench/protected`,
      connections,
      duration: seconds,
      headers,
    }),
  );
}

/** Password logins (`POST /auth/login`, argon2id) of the server's password account. */
export async function passwordLogins(
  setup: FlowSetup,
  connections: number,
  seconds: number,
): Promise<Phase> {
  const body = JSON.stringify({
    email: setup.email,
    password: setup.password,
    devicePublicKey: setup.devicePublicKey,
  });
  return withCpu(setup, "password", async () =>
    phaseOf(
      await autocannon({
        url: `${setup.url}/auth/login`,
        connections,
        duration: seconds,
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
    ),
  );
}

/** The login storm's outcome: the protected route alone, then during the storm. */
export interface StormResult {
  readonly calm: Phase;
  readonly stormy: Phase;
  readonly logins: Phase;
  /** The protected route's p99 during the storm over its p99 alone. */
  readonly ratio: number;
}

/**
 * Measures the protected route alone, then while `stormConnections` concurrent password
 * logins run (the storm starts first and outlasts the measurement).
 */
export async function loginStorm(
  setup: FlowSetup,
  options: { connections: number; stormConnections: number; seconds: number },
): Promise<StormResult> {
  // Warm up: JIT, the verification cache, the dummy hash.
  await protectedRoute(setup, options.connections, 1);
  await passwordLogins(setup, options.stormConnections, 1);
  const calm = await protectedRoute(setup, options.connections, options.seconds);
  const storming = passwordLogins(setup, options.stormConnections, options.seconds + 2);
  const stormy = await protectedRoute(setup, options.connections, options.seconds);
  const logins = await storming;
  return { calm, stormy, logins, ratio: stormy.p99 / Math.max(calm.p99, 1) };
}

/** Client-credential grants (`POST /auth/oauth/token`, a fresh token each). */
export async function clientGrants(
  setup: FlowSetup,
  connections: number,
  seconds: number,
): Promise<Phase> {
  const request = {
    url: `${setup.url}/auth/oauth/token`,
    method: "POST" as const,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${setup.clientId}:${setup.clientSecret}`).toString("base64")}`,
    },
    body: "grant_type=client_credentials&scope=invoices%3Aread",
  };
  // One grant by hand: the endpoint must answer a token before anything is measured.
  const probe = await fetch(request.url, request);
  const token = (await probe.json()) as { access_token?: string };
  if (probe.status !== 200 || typeof token.access_token !== "string") {
    throw new Error(`the token endpoint answered ${probe.status}: ${JSON.stringify(token)}`);
  }
  await autocannon({ ...request, connections, duration: 2 }); // warm-up: JIT, caches
  return withCpu(setup, "grants", async () =>
    phaseOf(await autocannon({ ...request, connections, duration: seconds })),
  );
}

async function setupList<T>(setup: FlowSetup, path: string, n: number): Promise<T[]> {
  const res = await fetch(`${setup.url}${path}?n=${n}`, { method: "POST" });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  return (await res.json()) as T[];
}

/**
 * Passkey sign-ins: `count` flows are started and signed by the server's software
 * authenticator before the clock starts, then their `login/finish` calls are sent at
 * `connections` at a time (each one a new device).
 */
export async function passkeyFinishes(
  setup: FlowSetup,
  connections: number,
  count: number,
): Promise<Phase> {
  const bodies = (await setupList<object>(setup, "/bench/passkey-flows", count)).map((b) =>
    JSON.stringify(b),
  );
  // Not autocannon: in its `amount` mode a run ends on its next whole-second tick, which made
  // every run of 3000 last exactly 5 or 6 s. Each connection sends its next body as soon as
  // its answer arrives, and the clock stops with the last answer.
  const url = `${setup.url}/auth/passkey/login/finish`;
  return withCpu(setup, "passkey", async () => {
    const latencies: number[] = [];
    let failed = 0;
    const connection = async () => {
      for (let body = bodies.pop(); body !== undefined; body = bodies.pop()) {
        const sent = performance.now();
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - sent);
        if (res.status !== 200) failed++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: connections }, connection));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0);
    return {
      rps: latencies.length / seconds,
      p50: at(0.5),
      p99: at(0.99),
      total: latencies.length,
      failed,
    };
  });
}

/**
 * Refresh rotations (`POST /auth/token/refresh`): `connections` bearer sessions, each refresh
 * spending one token and handing the next one back to the pool, so no token is sent twice.
 */
export async function refreshRotations(
  setup: FlowSetup,
  connections: number,
  seconds: number,
): Promise<Phase> {
  // Three chains per connection: a run that stops mid-request loses the tokens in flight.
  const pool = await setupList<string>(setup, "/bench/refresh-tokens", connections * 3);
  const run = (duration: number) =>
    autocannon({
      url: `${setup.url}/auth/token/refresh`,
      connections,
      duration,
      method: "POST",
      headers: { "content-type": "application/json" },
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ refreshToken: pool.shift() }),
          }),
          onResponse: (status, body) => {
            if (status === 200)
              pool.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
          },
        },
      ],
    });
  await run(1); // warm-up
  return withCpu(setup, "refresh", async () => phaseOf(await run(seconds)));
}
