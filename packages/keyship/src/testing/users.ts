/**
 * Signed-in test users for an app's own tests: a user row with the role and scopes asked for,
 * a device bound to a fresh P-256 key, and the `Authorization` headers a real client sends,
 * either a device-signed token (what `@keyship/client` sends) or a session's access token.
 * @module
 */
import { generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import type { Settings } from "../config/schema.ts";
import type { DB, DialectName } from "../db/schema.ts";
import { insertDevice } from "../devices/store.ts";
import { newId as defaultNewId, type IdGenerator } from "../ids.ts";
import { startSession } from "../sessions/issue.ts";
import { createSessionRuntime } from "../sessions/runtime.ts";
import { createAccount } from "../users/create.ts";
import { type Role, serializeScopes } from "../users/model.ts";
import { updateUserRole, updateUserScopes } from "../users/store.ts";

/** What {@link createTestUser} needs of a keyship instance: `app.keyship`, or `await keyship()`. */
export interface TestUserHost {
  readonly db: DB;
  readonly dialect: DialectName;
  readonly settings: Settings;
  /** Resolves once migrations ran; awaited before writing. */
  readonly ready: Promise<void>;
}

/** Options of {@link createTestUser}. */
export interface TestUserOptions {
  /** @default a fresh `test-…@example.test` address */
  readonly email?: string;
  /** @default "Test User" */
  readonly displayName?: string;
  /** @default "user" */
  readonly role?: Role;
  /** Scopes granted to the user. @default [] */
  readonly scopes?: readonly string[];
  /**
   * The clock the tokens' `iat`/`exp` come from: pass the app's `now` when its clock is pinned.
   * @default the system clock
   */
  readonly now?: () => Date;
  /** @default keyship's CSPRNG ids */
  readonly newId?: IdGenerator;
}

/** A signed-in user of the test database. */
export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly scopes: readonly string[];
  /** The device bound to this user's key (`kid` of its device tokens). */
  readonly deviceId: string;
  /**
   * A fresh device-signed token (ES256, `kid` = the device, lifetime 5 minutes).
   * @param audience @default the `deviceTokenAudience` setting (`keyship:http`); pass
   *   `wsTokenAudience` for sockets
   */
  deviceToken(audience?: string): Promise<string>;
  /** `{ authorization: "Bearer <device token>" }`, for `app.request(path, { headers })`. */
  deviceHeaders(): Promise<Record<string, string>>;
  /**
   * `{ authorization: "Bearer <access token>" }` of a new server-issued session (bearer mode),
   * as after a sign-in that asked for a session.
   */
  sessionHeaders(): Promise<Record<string, string>>;
}

const DEVICE_TOKEN_SECONDS = 300;

/**
 * Creates a user with the given role and scopes, signed in on a new device, for tests of
 * protected routes through `app.request()`. Writes through keyship's own stores, so every guard,
 * cache and revocation behaves as for a real sign-in.
 * @param host the keyship instance (`app.keyship` of `createApp()`)
 * @param options role, scopes, email; the app's clock when pinned
 * @throws ProblemError `passkey.email_taken` when the email already has an account,
 *   `validation.failed` on an invalid scope
 * @example
 * const ada = await createTestUser(app.keyship, { scopes: ["reports:read"] });
 * const response = await app.request("/api/reports", { headers: await ada.deviceHeaders() });
 */
export async function createTestUser(
  host: TestUserHost,
  options: TestUserOptions = {},
): Promise<TestUser> {
  await host.ready;
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? defaultNewId;
  const { db, dialect, settings } = host;
  const id = newId("user");
  const email = (options.email ?? `test-${id.slice(-12).toLowerCase()}@example.test`).toLowerCase();
  const role = options.role ?? "user";
  const scopes = [...(options.scopes ?? [])];
  const scopesJson = serializeScopes(scopes);
  const keys = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const { kty, crv, x, y } = keys.publicKey.export({ format: "jwk" });
  const deviceId = newId("device");

  await db.transaction().execute(async (trx) => {
    const nowIso = now().toISOString();
    const account = {
      id,
      email,
      displayName: options.displayName ?? "Test User",
      passwordHash: null,
    };
    await createAccount(trx, settings, dialect, account, nowIso, "passkey.email_taken");
    await updateUserRole(trx, id, role, nowIso);
    await updateUserScopes(trx, id, scopesJson, nowIso);
    await insertDevice(trx, {
      id: deviceId,
      user_id: id,
      public_jwk: JSON.stringify({ kty, crv, x, y }),
      label: "Test device",
      user_agent: "keyship/testing",
      created_at: nowIso,
      last_seen_at: null,
      revoked_at: null,
    });
  });

  const deviceToken = (audience = settings.deviceTokenAudience) => {
    const iat = Math.floor(now().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: deviceId, typ: "JWT" })
      .setIssuedAt(iat)
      .setExpirationTime(iat + DEVICE_TOKEN_SECONDS)
      .setAudience(audience)
      .sign(keys.privateKey);
  };
  // The same settings give the same signing keys as the app's own issuer.
  const sessions = createSessionRuntime(settings, now);
  return {
    id,
    email,
    role,
    scopes: JSON.parse(scopesJson) as string[],
    deviceId,
    deviceToken,
    deviceHeaders: async () => ({ authorization: `Bearer ${await deviceToken()}` }),
    async sessionHeaders() {
      const context = { now, newId, settings, sessions };
      const issued = await db
        .transaction()
        .execute((trx) => startSession(trx, context, { userId: id, mode: "bearer", client: {} }));
      return { authorization: `Bearer ${issued.accessToken}` };
    },
  };
}
