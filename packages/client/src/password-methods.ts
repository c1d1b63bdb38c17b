/**
 * The password methods of a client (when the server enables passwords), declared apart from
 * `client.ts` so that file stays small.
 * @module
 */

import type { PasswordSignIn } from "./types.ts";

/** Email-and-password sign-up and sign-in. */
export interface PasswordMethods {
  /**
   * Creates an account with email and password (when the server enables passwords) and
   * signs this browser in. @throws {KeyshipError} `password.email_taken`, `password.too_short`, …
   */
  registerWithPassword(input: {
    readonly email: string;
    readonly password: string;
    readonly displayName?: string;
    readonly fields?: Readonly<Record<string, unknown>>; // the server's `user.fields`
  }): Promise<PasswordSignIn>;
  /** Signs in with email and password. @throws {KeyshipError} `auth.invalid_credentials` */
  loginWithPassword(input: {
    readonly email: string;
    readonly password: string;
  }): Promise<PasswordSignIn>;
}
