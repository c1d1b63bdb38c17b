import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { registerAccount as registerPasskey, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox, ROOMY_LIMITS, registerPasswordAccount } from "./helpers.ts";

/** The stored role of a user. */
async function roleIn(app: KeyshipApp, userId: string): Promise<string> {
  const row = await app.keyship.db
    .selectFrom("users")
    .select("role")
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  return row.role;
}

const fresh = () => `b-${randomUUID()}@example.com`;

describe.each(dialects)("bootstrap admins on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    mailer: mailbox(),
    bootstrapAdminEmails: '["Boss@Example.com", "chief@example.com"]' as never,
    ...ROOMY_LIMITS,
  });
  const roleOf = (userId: string) => roleIn(suite.app, userId);

  it("makes a listed email an admin on password sign-up", async () => {
    const account = await registerPasswordAccount(suite.app, "BOSS@example.com");
    expect(await roleOf(account.userId)).toBe("admin");
  });

  it("makes a listed email an admin on passkey sign-up", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerPasskey(suite.app, authenticator, {
      email: "chief@example.com",
    });
    expect(await roleOf(account.userId)).toBe("admin");
  });

  it("leaves other emails as users", async () => {
    const account = await registerPasswordAccount(suite.app, fresh());
    expect(await roleOf(account.userId)).toBe("user");
  });
});

describe.each(dialects)("first user is admin on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    mailer: mailbox(),
    firstUserIsAdmin: true,
    ...ROOMY_LIMITS,
  });
  const roleOf = (userId: string) => roleIn(suite.app, userId);

  it("makes only the first account with an email an admin", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const anonymous = await registerPasskey(suite.app, authenticator);
    expect(await roleOf(anonymous.userId)).toBe("user");
    // An account without an email already exists, so nobody is first any more.
    const next = await registerPasswordAccount(suite.app, fresh());
    expect(await roleOf(next.userId)).toBe("user");
  });
});

describe.each(dialects)("first user is admin, on an empty database, on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    mailer: mailbox(),
    firstUserIsAdmin: true,
    ...ROOMY_LIMITS,
  });

  it("makes the first account an admin and the second a user", async () => {
    const first = await registerPasswordAccount(suite.app, fresh());
    const second = await registerPasswordAccount(suite.app, fresh());
    const rows = await suite.app.keyship.db
      .selectFrom("users")
      .select(["id", "role"])
      .where("id", "in", [first.userId, second.userId])
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.role]))).toEqual({
      [first.userId]: "admin",
      [second.userId]: "user",
    });
  });
});

describe.each(dialects)("first user is admin, concurrent sign-ups on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    mailer: mailbox(),
    firstUserIsAdmin: true,
    ...ROOMY_LIMITS,
  });

  it("makes exactly one of several simultaneous first sign-ups an admin", async () => {
    const signUps = Array.from({ length: 4 }, () =>
      registerPasskey(suite.app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }), {
        email: fresh(),
      }),
    );
    await Promise.all(signUps);
    const roles = await suite.app.keyship.db.selectFrom("users").select("role").execute();
    expect(roles).toHaveLength(4);
    expect(roles.filter((r) => r.role === "admin")).toHaveLength(1);
  });
});
