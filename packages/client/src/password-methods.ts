/**
 * The password methods of a client (when the server enables passwords).
 * @module
 */

import type { ClientContext } from "./client-context.ts";
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

/**
 * Email-and-password sign-up and sign-in (when the server enables passwords).
 * @param context the client's sign-in step
 */
export function passwordMethods(context: ClientContext): PasswordMethods {
  const { signIn } = context;
  return {
    registerWithPassword: (input) =>
      signIn<PasswordSignIn>("/auth/register", {
        ...input.fields,
        email: input.email,
        password: input.password,
        displayName: input.displayName,
      }),
    loginWithPassword: (input) =>
      signIn<PasswordSignIn>("/auth/login", { email: input.email, password: input.password }),
  };
}
