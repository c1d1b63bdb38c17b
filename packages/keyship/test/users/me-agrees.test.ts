/**
 * `/auth/me` answers the role and scopes the guards see, so a web app's navigation and the
 * API never disagree: after a change made in another process (the `keyship users` CLI) both
 * keep the cached view until the verification cache expires, then both change together.
 */
import { describe, expect, it } from "vitest";
import { requireAdmin } from "../../src/guards/guards.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";

describe.each(dialects)("/auth/me and the guards agree on $name", (dialect) => {
  const suite = useSuite(dialect);

  it("shows a role change made elsewhere at the same moment the guards apply it", async () => {
    suite.app.get("/test-me/admin-only", requireAdmin(), (c) => c.json({ ok: true }));
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    const me = async () =>
      (
        (await (await suite.app.request("/auth/me", { headers: await account.auth() })).json()) as {
          role: string;
        }
      ).role;
    const adminRoute = async () =>
      (await suite.app.request("/test-me/admin-only", { headers: await account.auth() })).status;
    expect([await me(), await adminRoute()]).toEqual(["user", 403]);
    // As `keyship users promote` would from another process: no cache is told.
    await suite.app.keyship.db
      .updateTable("users")
      .set({ role: "admin" })
      .where("id", "=", account.userId)
      .execute();
    expect([await me(), await adminRoute()]).toEqual(["user", 403]);
    suite.clock.advance(31_000);
    expect([await me(), await adminRoute()]).toEqual(["admin", 200]);
  });
});
