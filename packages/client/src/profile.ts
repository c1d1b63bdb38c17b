/**
 * The account's own profile and lifetime: `me()`, `updateProfile()` (`PATCH /auth/me`) and
 * `deleteAccount()` (`DELETE /auth/me`).
 * @module
 */

import type { ApiCall } from "./http.ts";
import type { DeviceSession } from "./session.ts";
import type { Me } from "./types.ts";

/**
 * What `updateProfile()` sends: the display name (`null` removes it) and the app-defined
 * fields to set (the server's `user.fields`); absent members stay as they are.
 * @example
 * const patch: ProfilePatch = { displayName: "Ada", fullName: "Ada Lovelace" };
 */
export type ProfilePatch<F extends object = Record<string, unknown>> = {
  readonly displayName?: string | null;
} & Partial<F>;

/** The account methods of a client. */
export interface ProfileMethods {
  /** The signed-in user, with the app-defined fields (type them: `me<{ fullName: string }>()`). */
  me<F extends object = Record<string, unknown>>(): Promise<Me & Partial<F>>;
  /**
   * Changes the signed-in user's display name and app-defined fields, and answers the user
   * like `me()`. Type the fields with `F`: `updateProfile<{ fullName: string }>({ fullName })`.
   * @throws {KeyshipError} `validation.failed` (its `errors` name the bad or unknown field), `client.not_signed_in`
   */
  updateProfile<F extends object = Record<string, unknown>>(
    patch: ProfilePatch<F>,
  ): Promise<Me & Partial<F>>;
  /**
   * Deletes the signed-in user's account with every passkey, device and session, after the
   * passkey step-up the server asks for (run on its own, see `autoStepUp`), and forgets this
   * browser's device key (`onSignedOut` with reason `deleted`).
   * @throws {KeyshipError} `auth.step_up_required` (step-up declined), `user.last_admin` (409), `client.not_signed_in`
   */
  deleteAccount(): Promise<void>;
}

/**
 * The account methods over a client's signed caller and device session.
 * @param context the client's `signedCall` and `session`
 */
export function profileMethods(context: {
  readonly signedCall: ApiCall;
  readonly session: Pick<DeviceSession, "require" | "end">;
}): ProfileMethods {
  const { signedCall, session } = context;
  return {
    me: () => signedCall("GET", "/auth/me"),
    updateProfile: (patch) => signedCall("PATCH", "/auth/me", patch),
    async deleteAccount() {
      const record = await session.require();
      await signedCall<unknown>("DELETE", "/auth/me");
      await session.end(record.deviceId, "deleted");
    },
  };
}
