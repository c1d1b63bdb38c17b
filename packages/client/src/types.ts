/**
 * The shapes of the keyship API's answers, as the SDK returns them.
 * Timestamps are ISO 8601 strings exactly as the server sends them.
 * @module
 */

/**
 * The result of a passkey sign-in or registration.
 * @example
 * const { userId, deviceId } = await client.login();
 */
export interface PasskeySignIn {
  readonly userId: string;
  readonly passkeyId: string;
  readonly deviceId: string;
}

/**
 * The result of a password sign-in or registration.
 * @example
 * const { userId } = await client.loginWithPassword({ email, password });
 */
export interface PasswordSignIn {
  readonly userId: string;
  readonly deviceId: string;
}

/**
 * A passkey of the signed-in user (`GET /auth/passkeys`).
 * @example
 * const active = (await client.listPasskeys()).filter((p) => p.revokedAt === null);
 */
export interface Passkey {
  readonly id: string;
  readonly name: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  /** True when the passkey is synced (backed up) by its provider. */
  readonly backedUp: boolean;
  readonly transports: readonly string[];
  readonly revokedAt: string | null;
}

/**
 * A device (a browser's device key) of the signed-in user (`GET /auth/devices`).
 * @example
 * const others = (await client.listDevices()).filter((d) => !d.current && d.revokedAt === null);
 */
export interface Device {
  readonly id: string;
  readonly label: string | null;
  readonly userAgent: string | null;
  readonly createdAt: string;
  readonly lastSeenAt: string | null;
  readonly revokedAt: string | null;
  /** True for the device making the request (this browser). */
  readonly current: boolean;
}

/**
 * The signed-in user (`GET /auth/me`).
 * @example
 * const { email, role, scopes } = await client.me();
 */
export interface Me {
  readonly id: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly role: string;
  readonly scopes: readonly string[];
  readonly deviceId: string;
  /** Set on an impersonation session: the admin acting as this user. */
  readonly impersonatorId?: string | null;
}

// The provider shapes restate the server's zod schemas (keyship's src/oauth/schemas.ts);
// keyship's test/oauth/client-types.test.ts checks at compile time that they agree.

/** A configured provider, as `GET /auth/oauth/providers` lists it. */
export interface OAuthProvider {
  readonly id: string;
  readonly label: string;
  readonly kind: "oidc" | "oauth2";
}

/** A provider account linked to the signed-in user. */
export interface LinkedAccount {
  readonly id: string;
  readonly provider: string;
  readonly label: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly displayName: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

/** A finished provider sign-in (this browser's new device key is bound). */
export interface OAuthSignIn {
  readonly userId: string;
  readonly deviceId: string;
  readonly provider: string;
  /** True when this sign-in created the account. */
  readonly created: boolean;
}
