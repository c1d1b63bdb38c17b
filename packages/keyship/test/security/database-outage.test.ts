/**
 * A locked or unreachable database answers 503 `service_unavailable` with `Retry-After`
 * within `databaseTimeoutMs`, never a 500, and the service recovers once it is back.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../src/db/errors.ts";
import { postJson, testApp } from "../helpers/app.ts";
import { codeOf } from "../helpers/passkeys.ts";

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(await codeOf(res)).toBe("service_unavailable");
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

describe("a locked SQLite file", () => {
  const file = join(mkdtempSync(join(tmpdir(), "keyship-lock-")), "keyship.db");
  const app = testApp(`sqlite:${file}`, { databaseTimeoutMs: 200 });
  afterAll(() => app.keyship.close());

  it("answers 503 while another process holds the write lock, then works again", async () => {
    await app.keyship.ready;
    const other = new DatabaseSync(file);
    other.exec("BEGIN EXCLUSIVE");
    try {
      await expectUnavailable(await postJson(app, "/auth/passkey/login/start", {}));
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect((await postJson(app, "/auth/passkey/login/start", {})).status).toBe(200);
  });
});

describe("an unreachable PostgreSQL server", () => {
  // Port 1 on loopback: nothing listens there, so connecting is refused at once.
  const app = testApp("postgres://postgres@127.0.0.1:1/keyship", {
    autoMigrate: false,
    databaseTimeoutMs: 300,
  });
  afterAll(() => app.keyship.close());

  it("answers 503, not 500", async () => {
    await expectUnavailable(await postJson(app, "/auth/passkey/login/start", {}));
  });
});

describe("isDatabaseUnavailable", () => {
  it.each([
    [{ errcode: 5, message: "database is locked" }, true],
    [{ code: "ECONNREFUSED" }, true],
    [{ code: "57P01" }, true],
    [{ code: "08006" }, true],
    [new Error("wrapped", { cause: { code: "ETIMEDOUT" } }), true],
    // pg's ROLLBACK on a client whose connection died (test/db/postgres-restart.test.ts).
    [new Error("Client has encountered a connection error and is not queryable"), true],
    [new Error("Client was closed and is not queryable"), true],
    [{ code: "23505" }, false],
    [new Error("boom"), false],
    ["database is locked", false],
  ])("classifies %j as %s", (error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected);
  });
});
