/**
 * `Principal`: who the caller is, one shape for every credential kind (DESIGN §2).
 * @module
 */

/** How the caller proved who they are. */
export type PrincipalVia = "device" | "session" | "apikey" | "client" | "master" | "external";

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
  /**
   * `via: "external"`: the name of the trusted issuer (`KEYSHIP_TRUST_<NAME>_*`, lower case);
   * `userId` is then `<provider>:<sub>`, not a keyship user, unless `KEYSHIP_TRUST_<NAME>_USERS`
   * maps the subject to one (docs/resource-server.md).
   */
  readonly provider?: string;
  /** `via: "external"`: every role of the token's roles claim (`role` is `admin` when one is). */
  readonly roles?: readonly string[];
}
