/** An admin, a second admin and a plain user, registered with passkeys, for the admin suites. */
import type { KeyshipApp } from "../../src/app.ts";
import { listAuditEvents } from "../../src/audit/service.ts";
import type { AuditFilters } from "../../src/audit/store.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { registerAccount, TEST_ORIGIN, type TestAccount } from "../helpers/passkeys.ts";

/** Emails that become admins at sign-up (`bootstrapAdminEmails`). */
export const ADMIN_EMAILS = ["admin@example.com", "second-admin@example.com"];

/** The user agent and trace id the admin's requests send, to find them in the audit log. */
export const ADMIN_CLIENT = { "user-agent": "AdminConsole/1.0", "x-trace-id": "b".repeat(32) };

/** Registers an account with a new software authenticator. */
export async function newAccount(app: KeyshipApp, email: string): Promise<TestAccount> {
  const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
  return await registerAccount(app, authenticator, { email });
}

/** Headers of `account` with a fresh device token (plus the admin client's headers). */
export async function as(account: TestAccount): Promise<Record<string, string>> {
  return { ...(await account.auth()), ...ADMIN_CLIENT };
}

/** POSTs `{}` (or `body`) as `account`. */
export async function post(
  app: KeyshipApp,
  account: TestAccount | undefined,
  path: string,
  body: object = {},
): Promise<Response> {
  return await postJson(app, path, body, account === undefined ? {} : await as(account));
}

/** GETs `path` as `account` (anonymous when undefined). */
export async function get(
  app: KeyshipApp,
  account: TestAccount | undefined,
  path: string,
): Promise<Response> {
  return await app.request(path, { headers: account === undefined ? {} : await as(account) });
}

/** The audit events matching `filters`, newest first. */
export async function eventsOf(app: KeyshipApp, filters: AuditFilters) {
  return (await listAuditEvents({ db: app.keyship.db }, filters, { limit: 100 })).items;
}
