/**
 * The signed-in client's own account: signing out, passkeys, devices, and the authorised
 * `fetch` with `wsToken` and `isSignedIn`.
 * @module
 */

import type { KeyshipClient } from "./client.ts";
import type { ClientContext } from "./client-context.ts";
import { isKeyshipError, KeyshipError } from "./errors.ts";
import { retireDevice } from "./session.ts";
import type { Device, Passkey } from "./types.ts";

/**
 * Account management: signing out, the user's passkeys and devices.
 * @param context the client's session and signed caller
 */
export function accountMethods(
  context: ClientContext,
): Pick<
  KeyshipClient,
  | "logout"
  | "listPasskeys"
  | "renamePasskey"
  | "revokePasskey"
  | "listDevices"
  | "revokeDevice"
  | "revokeOtherDevices"
> {
  const { session, signedCall } = context;
  return {
    async logout() {
      const record = await session.current();
      if (record === undefined) return;
      try {
        await signedCall<unknown>("POST", "/auth/logout");
      } catch (error) {
        if (!(isKeyshipError(error) && error.status === 401)) throw error;
      } finally {
        // A DPoP sign-in bound a device too: the logout above ended the session, this the device.
        if (record.dpop !== undefined) await retireDevice(context.config, record).catch(() => {});
        await session.end(record.deviceId, "logout");
      }
    },

    async listPasskeys() {
      return (await signedCall<{ passkeys: Passkey[] }>("GET", "/auth/passkeys")).passkeys;
    },

    async renamePasskey(id, name) {
      await signedCall<unknown>("PATCH", `/auth/passkeys/${encodeURIComponent(id)}`, { name });
    },

    async revokePasskey(id) {
      await signedCall<unknown>("POST", `/auth/passkeys/${encodeURIComponent(id)}/revoke`);
    },

    async listDevices() {
      return (await signedCall<{ devices: Device[] }>("GET", "/auth/devices")).devices;
    },

    async revokeDevice(id) {
      await signedCall<unknown>("POST", `/auth/devices/${encodeURIComponent(id)}/revoke`);
      await session.end(id, "revoked");
    },

    async revokeOtherDevices() {
      await signedCall<unknown>("POST", "/auth/devices/revoke-others");
    },
  };
}

/**
 * The device session's own methods: the authorised `fetch`, `wsToken` and `isSignedIn`.
 * @param context the client's settings, session and signed sender
 */
export function sessionMethods(
  context: ClientContext,
): Pick<KeyshipClient, "fetch" | "wsToken" | "isSignedIn"> {
  const { config, session, signedSend } = context;
  return {
    async fetch(input, init) {
      const request =
        input instanceof Request
          ? new Request(input, init)
          : new Request(new URL(input, `${config.baseUrl}/`), init);
      // Bearer tokens go only to origins we trust, never to a third party (RFC 6750 §5.3).
      if (!config.apiOrigins.includes(new URL(request.url).origin)) {
        throw new KeyshipError({ code: "client.untrusted_origin" });
      }
      return signedSend(request);
    },

    wsToken: () => session.wsToken(),

    async isSignedIn() {
      return (await session.current()) !== undefined;
    },
  };
}
