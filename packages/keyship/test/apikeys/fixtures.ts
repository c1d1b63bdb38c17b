/** API keys in tests: an account with scopes, a stepped-up key creation, requests with a key. */
import type { KeyshipApp } from "../../src/app.ts";
import { requireScopes, requireUser } from "../../src/guards/guards.ts";
import { serializeScopes } from "../../src/users/model.ts";
import { setUserDisabled, updateUserScopes } from "../../src/users/store.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { registerAccount, TEST_ORIGIN, type TestAccount } from "../helpers/passkeys.ts";

/** A key as `POST /auth/api-keys` and `…/roll` answer it. */
export interface IssuedKey {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly scopes: string[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly key: string;
  readonly previousValidUntil?: string | null;
}

/** Adds `GET /whoami` (any caller) and `GET /reports` (scope `reports:read`) to the app. */
export function addProbeRoutes(app: KeyshipApp): void {
  app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
  app.get("/reports", requireScopes("reports:read"), (c) => c.json({ ok: true }));
}

/** Registers an account holding `scopes`. */
export async function accountWithScopes(
  app: KeyshipApp,
  scopes: readonly string[] = [],
): Promise<TestAccount> {
  const account = await registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
  await setScopes(app, account.userId, scopes);
  return account;
}

/** Changes a user's scopes in the database and tells the instance (as the admin API does). */
export async function setScopes(
  app: KeyshipApp,
  userId: string,
  scopes: readonly string[],
): Promise<void> {
  const now = new Date().toISOString();
  await updateUserScopes(app.keyship.db, userId, serializeScopes(scopes), now);
  app.keyship.invalidateUser(userId);
}

/** Disables a user in the database and tells the instance. */
export async function disableUser(app: KeyshipApp, userId: string): Promise<void> {
  const now = new Date().toISOString();
  await setUserDisabled(app.keyship.db, userId, now, now);
  app.keyship.invalidateUser(userId);
}

/** POSTs `body` to `path` as `account`, stepped up first. */
export async function postSteppedUp(
  app: KeyshipApp,
  account: TestAccount,
  path: string,
  body: object = {},
): Promise<Response> {
  await account.stepUp();
  return postJson(app, path, body, await account.auth());
}

/** Creates a key as `account` (stepping up first) and returns the answer's body. */
export async function createKey(
  app: KeyshipApp,
  account: TestAccount,
  body: object = { name: "ci" },
): Promise<IssuedKey> {
  const res = await postSteppedUp(app, account, "/auth/api-keys", body);
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${await res.text()}`);
  return (await res.json()) as IssuedKey;
}

/** `Authorization: Bearer <key>`. */
export function bearerKey(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** GETs `path` with `headers`. */
export function getWith(
  app: KeyshipApp,
  path: string,
  headers: Record<string, string>,
): Promise<Response> {
  return Promise.resolve(app.request(path, { headers }));
}
