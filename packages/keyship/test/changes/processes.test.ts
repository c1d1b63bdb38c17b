/**
 * Real server processes on loopback: two instances on one PostgreSQL without Redis, and one
 * server on SQLite with `keyship users disable` run as its own process. Each waits (with a
 * deadline) until the change is refused elsewhere and prints how long it took.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";
import { eventually, sharedDatabase } from "./instances.ts";
import { baseEnv, runCliProcess, type ServerProcess, startServer } from "./processes.ts";

const sqlite = dialects.find((d) => d.name === "sqlite");
const postgres = dialects.find((d) => d.name === "postgres");

const statusOf = async (server: ServerProcess, headers: Record<string, string>) =>
  (await fetch(`${server.url}/auth/me`, { headers })).status;

describe.skipIf(postgres === undefined)("two server processes on PostgreSQL, no Redis", () => {
  let target: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    target = await (postgres as NonNullable<typeof postgres>).create();
    const env = baseEnv({ KEYSHIP_DATABASE_URL: target.url });
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await target?.drop();
  });

  it("a session signed out on A is refused by B", async () => {
    const { body } = await registerWithSession(a.app, "bearer");
    const headers = bearer(body.accessToken);
    expect(await statusOf(b, headers)).toBe(200);
    expect((await postJson(a.app, "/auth/logout", {}, headers)).status).toBeLessThan(300);
    const ms = await eventually(async () => (await statusOf(b, headers)) === 401);
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
    expect(await statusOf(server, headers)).toBe(200);
    const cli = await runCliProcess(env, "users", "disable", account.userId);
    expect([cli.code, cli.output]).toEqual([0, expect.stringContaining("disabled")]);
    const ms = await eventually(async () => (await statusOf(server, headers)) === 401);
    console.info(
      `sqlite polled table: the server refused ${ms.toFixed(1)} ms after the CLI exited`,
    );
  });
});
