/**
 * Real server processes on loopback: two instances on one PostgreSQL without Redis, and one
 * server on SQLite with `keyship users disable` run as its own process. Each waits until the
 * change is refused elsewhere, prints how long it took, and fails past the 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";
import { type Fleet, meStatus, startFleet } from "./fleet.ts";
import { eventually, sharedDatabase } from "./instances.ts";
import { baseEnv, runCliProcess, type ServerProcess, startServer } from "./processes.ts";

const sqlite = dialects.find((d) => d.name === "sqlite");
const postgres = dialects.find((d) => d.name === "postgres");

/** The bound for PostgreSQL without Redis and for SQLite with the CLI. */
const WITHIN = { deadlineMs: 1000, everyMs: 1 };

describe.skipIf(postgres === undefined)("two server processes on PostgreSQL, no Redis", () => {
  let fleet: Fleet;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    fleet = await startFleet({ count: 2 });
    [a, b] = fleet.servers as [ServerProcess, ServerProcess];
  }, 60_000);
  afterAll(async () => {
    await fleet?.close();
  });

  it("a session signed out on A is refused by B", async () => {
    const { body } = await registerWithSession(a.app, "bearer");
    const headers = bearer(body.accessToken);
    expect(await meStatus(b, headers)).toBe(200);
    expect((await postJson(a.app, "/auth/logout", {}, headers)).status).toBeLessThan(300);
    const ms = await eventually(async () => (await meStatus(b, headers)) === 401, WITHIN);
    console.info(`postgres LISTEN/NOTIFY: B refused ${ms.toFixed(1)} ms after A's answer`);
  });
});

describe.skipIf(sqlite === undefined)("a server on SQLite and the CLI as another process", () => {
  let target: TestDatabase;
  let server: ServerProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    target = await sharedDatabase(sqlite as NonNullable<typeof sqlite>);
    env = baseEnv({ KEYSHIP_DATABASE_URL: target.url });
    server = await startServer(env);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await target?.drop();
  });

  it("`keyship users disable` is refused by the running server", async () => {
    const account = await registerAccount(
      server.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    const headers = await account.auth();
    expect(await meStatus(server, headers)).toBe(200);
    const cli = await runCliProcess(env, "users", "disable", account.userId);
    expect([cli.code, cli.output]).toEqual([0, expect.stringContaining("disabled")]);
    const ms = await eventually(async () => (await meStatus(server, headers)) === 401, WITHIN);
    console.info(
      `sqlite polled table: the server refused ${ms.toFixed(1)} ms after the CLI exited`,
    );
  });
});
