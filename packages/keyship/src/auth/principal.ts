/**
 * `Principal`: who the caller is, one shape for every credential kind (DESIGN §2).
 * @module
 */

/** How the caller proved who they are. */
export type PrincipalVia = "device" | "session" | "apikey" | "client" | "master";

/**
 * The authenticated caller, one shape for every credential kind. Guards read only this; they
 * never care how it was proven.
 */
export interface Principal {
  readonly userId: string;
  readonly role: "user" | "admin";
  readonly scopes: readonly string[];
  readonly via: PrincipalVia;
  readonly deviceId?: string;
  readonly sessionId?: string;
  readonly keyId?: string;
  /** Set on an impersonation session: the admin acting as this user. */
  readonly impersonatorId?: string;
}
