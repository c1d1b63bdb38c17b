/**
 * The socket watch hears the change feed: an announced revocation or disabled user closes the
 * sockets behind it at once (the check runs on the announcement, not on the next tick), an
 * unrelated change closes nothing, and an edit made straight in the database is still caught
 * by the periodic check. The watch here ticks once an hour, so only the feed can close it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import type { Principal } from "../../src/auth/principal.ts";
import { createChangeFeed } from "../../src/changes/feed.ts";
import { changeTransport } from "../../src/changes/registry.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createSocketWatch } from "../../src/realtime/liveness.ts";
import { testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { registerAccount, TEST_ORIGIN, type TestAccount } from "../helpers/passkeys.ts";

const HOUR_MS = 3_600_000;

describe.each(dialects)("socket watch on the change feed, $name", (dialect) => {
  let target: TestDatabase;
  let app: KeyshipApp;
  let watch: ReturnType<typeof createSocketWatch>;
  let changes: ReturnType<typeof createChangeFeed>;

  const principalOf = (account: TestAccount): Principal => ({
    userId: account.userId,
    role: "user",
    scopes: [],
    via: "device",
    deviceId: account.deviceId,
  });
  const newAccount = () => registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
  const revokeDevice = (deviceId: string) =>
    app.keyship.db
      .updateTable("devices")
      .set({ revoked_at: new Date().toISOString() })
      .where("id", "=", deviceId)
      .execute();

  beforeAll(async () => {
    target = await dialect.create();
    app = testApp(target.url);
    const { db, dialect: name, settings } = app.keyship;
    const now = () => new Date();
    changes = createChangeFeed({
      transport: changeTransport({ settings, db, dialect: name, now }),
      logger: createLogger("silent"),
    });
    watch = createSocketWatch({ db, logger: createLogger("silent"), now, changes }, HOUR_MS);
  });
  afterAll(async () => {
    await changes?.close();
    await target?.drop();
  });

  it("closes a socket as soon as its device's revocation is announced, and only that one", async () => {
    const [revoked, other] = await Promise.all([newAccount(), newAccount()]);
    const closed: string[] = [];
    let onClosed = () => {};
    const done = new Promise<void>((resolve) => {
      onClosed = resolve;
    });
    const stops = [revoked, other].map((account) =>
      watch.watch(principalOf(account), () => {
        closed.push(account.deviceId);
        onClosed();
      }),
    );
    await revokeDevice(revoked.deviceId);
    changes.announce({ kind: "device", id: revoked.deviceId, userId: revoked.userId });
    await done;
    await watch.check();
    expect(closed).toEqual([revoked.deviceId]);
    expect(watch.size).toBe(1);
    for (const stop of stops) stop();
  });

  it("ignores changes about nobody it watches; the periodic check still catches a raw edit", async () => {
    const account = await newAccount();
    let closed = 0;
    const stop = watch.watch(principalOf(account), () => closed++);
    await revokeDevice(account.deviceId);
    changes.announce({ kind: "device", id: "someone-else", userId: "nobody" });
    changes.announce({ kind: "user", id: "nobody" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(0);
    await watch.check(); // what the timer does
    expect(closed).toBe(1);
    stop();
  });

  it("closes every socket of a user whose disabling is announced", async () => {
    const account = await newAccount();
    const done = new Promise<void>((resolve) => watch.watch(principalOf(account), resolve));
    await app.keyship.db
      .updateTable("users")
      .set({ disabled_at: new Date().toISOString() })
      .where("id", "=", account.userId)
      .execute();
    changes.announce({ kind: "user", id: account.userId });
    await done;
    expect(watch.size).toBe(0);
  });
});
