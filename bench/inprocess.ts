/**
 * Microseconds per request through Node's real HTTP stack (parser, `http.Server`,
 * `@hono/node-server`, Hono, keyship) without sockets: each target's server is handed an
 * in-memory connection that is fed keep-alive requests in batches, and every response is
 * checked for 200. With no kernel and no load generator sharing the two cores, the figures
 * repeat to within a few percent, so this is the tool for finding and checking hot-path
 * changes; `npm run bench` (autocannon over real sockets) stays the measure of record.
 *
 *   npm run bench:inprocess   (BENCH_ROUNDS=7 rounds of BENCH_REQUESTS=100000 per target)
 *
 * Reports the fastest and the median round per target; the fastest is the least disturbed.
 */
import { createServer, type Server } from "node:http";
import { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import { TEST_ORIGIN } from "../packages/keyship/test/helpers/passkeys.ts";
import { buildBenchApps, buildExternalBenchApp } from "./apps.ts";
import { deviceTokenMinter, dpopProofMinter, tokenPool } from "./mint.ts";

// Under callgrind (BENCH_TARGET set) the count must be the requests' own: the instance's
// periodic work (the SQLite change feed's 200 ms poll, the socket and usage timers) would
// add instructions in proportion to the run's wall time, which valgrind stretches ~50×.
// Those timers are scheduled once a day here; nothing the measured requests do waits on them.
if (process.env.BENCH_TARGET !== undefined) {
  const every = globalThis.setInterval;
  globalThis.setInterval = ((fn: () => void) => every(fn, 86_400_000)) as typeof setInterval;
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const requests = Number(process.env.BENCH_REQUESTS ?? 100_000);
const BATCH = 16;

/** A request's text: always the same, or built anew for each request. */
type RequestText = string | (() => string);

/** Sends `n` requests over one in-memory connection; resolves µs per request. */
function drive(server: Server, request: RequestText, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let answered = 0;
    let sent = 0;
    const started = process.hrtime.bigint();
    const send = () => {
      const k = Math.min(BATCH, n - sent);
      sent += k;
      connection.push(
        typeof request === "string"
          ? request.repeat(k)
          : Array.from({ length: k }, request).join(""),
      );
    };
    const connection = new Duplex({
      read() {},
      write(chunk: Buffer | string, _encoding, callback) {
        const text = typeof chunk === "string" ? chunk : chunk.toString("latin1");
        for (
          let at = text.indexOf("HTTP/1.1 ");
          at !== -1;
          at = text.indexOf("HTTP/1.1 ", at + 1)
        ) {
          if (!text.startsWith("HTTP/1.1 200", at)) {
            reject(new Error(`unexpected answer: ${text.slice(at, at + 200)}`));
            return;
          }
          answered++;
        }
        callback();
        if (answered === n) {
          resolve(Number(process.hrtime.bigint() - started) / 1000 / n);
          connection.destroy();
        } else if (answered === sent) send();
      },
    });
    server.emit("connection", connection);
    send();
  });
}

const { keyship, bare, token, accessToken, apiKey, device, dpop } = await buildBenchApps();
await keyship.keyship.ready;
const keyshipServer = createServer(getRequestListener(keyship.fetch));
const bareServer = createServer(getRequestListener(bare.fetch));
// The external issuer (a whole oidc-provider) only when it is measured: under callgrind its
// idle work would count too.
const onlyTarget = process.env.BENCH_TARGET;
const external =
  onlyTarget === undefined || onlyTarget === "7"
    ? await buildExternalBenchApp()
    : { keyship, token: "", close: async () => {} };
await external.keyship.keyship.ready;
const externalServer = createServer(getRequestListener(external.keyship.fetch));
const get = (path: string, bearer?: string) =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\n${bearer === undefined ? "" : `Authorization: Bearer ${bearer}\r\n`}\r\n`;

// The cold target sends a token never seen before on every request; its tokens are minted
// before each drive (BENCH_MINT of them at least), outside the timed loop.
const mint = deviceTokenMinter(device, 900);
let pool = tokenPool(mint, 0);
const prepare = (n: number) => {
  pool = tokenPool(mint, Math.max(n, Number(process.env.BENCH_MINT ?? 0)));
};
const cold = () => get("/bench/protected", pool.next());

// The DPoP target sends its bound token with a proof never seen before (a fresh jti) on every
// request; the proofs are signed before each drive, outside the timed loop, like cold tokens.
const prove = dpopProofMinter(
  dpop.privateJwk,
  "GET",
  `${TEST_ORIGIN}/bench/protected`,
  dpop.accessToken,
);
let proofs = tokenPool(prove, 0);
const prepareProofs = (n: number) => {
  proofs = tokenPool(prove, n);
};
const dpopRequest = () =>
  `GET /bench/protected HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\nAuthorization: DPoP ${dpop.accessToken}\r\nDPoP: ${proofs.next()}\r\n\r\n`;

const targets: Array<readonly [string, Server, RequestText, ((n: number) => void)?]> = [
  ["bare Hono route", bareServer, get("/bench/bare")],
  ["bare + X-Trace-Id", bareServer, get("/bench/bare-traced")],
  ["bare + 2 middleware + id", bareServer, get("/bench/floor")],
  ["keyship, unprotected", keyshipServer, get("/bench/open")],
  ["keyship, device token", keyshipServer, get("/bench/protected", token)],
  ["keyship, access token", keyshipServer, get("/bench/protected", accessToken)],
  ["keyship, API key", keyshipServer, get("/bench/protected", apiKey)],
  ["keyship, external token", externalServer, get("/bench/protected", external.token)],
  ["keyship, cold device token", keyshipServer, cold, prepare],
  ["keyship, DPoP-bound token", keyshipServer, dpopRequest, prepareProofs],
];

// BENCH_TARGET=<n>: drive only target n, BENCH_REQUESTS times, and print nothing (for
// bench/instructions.ts, which counts instructions under callgrind).
const only = process.env.BENCH_TARGET;
if (only !== undefined) {
  const [, server, request, prepareTarget] = targets[Number(only)] ?? [];
  if (server === undefined || request === undefined) throw new Error(`no target ${only}`);
  prepareTarget?.(requests);
  await drive(server, request, requests);
  await Promise.all([keyship.keyship.close(), external.close()]);
  if (external.keyship !== keyship) await external.keyship.keyship.close();
  process.exit(0);
}

for (const [, server, request, prepareTarget] of targets) {
  prepareTarget?.(20_000);
  await drive(server, request, 20_000); // warm-up
}
const timings = targets.map((): number[] => []);
for (let round = 0; round < rounds; round++) {
  for (const [i, [, server, request, prepareTarget]] of targets.entries()) {
    prepareTarget?.(requests);
    (timings[i] as number[]).push(await drive(server, request, requests));
  }
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
console.log(`\n${rounds} rounds of ${requests} requests per target, Node ${process.version}\n`);
console.log("target                     fastest µs/req  median µs/req  + over bare (fastest)");
const bareFastest = sorted(timings[0] as number[])[0] as number;
for (const [i, [name]] of targets.entries()) {
  const own = sorted(timings[i] as number[]);
  const fastest = own[0] as number;
  console.log(
    `${name.padEnd(26)} ${fastest.toFixed(2).padStart(14)} ${(own[Math.floor(own.length / 2)] as number).toFixed(2).padStart(14)} ${`+${(fastest - bareFastest).toFixed(2)}`.padStart(22)}`,
  );
}
await Promise.all([keyship.keyship.close(), external.close()]);
if (external.keyship !== keyship) await external.keyship.keyship.close();
