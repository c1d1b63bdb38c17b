/**
 * The keyship admin console: a small single-page app served at `/admin` (docs/admin.md).
 * It signs in with `@keyship/client` under its own device key, so the console never replaces
 * the key of the app served on the same origin, and calls `<mount>/api` with device tokens.
 * @module
 */

import { createKeyshipClient, indexedDbKeyStore, isKeyshipError, type Me } from "@keyship/client";
import { createAdminApi, describeError } from "./api.ts";
import { startConsole } from "./layout.ts";
import { type SignInScreen, showSignIn } from "./signin.ts";

/** The page is served at the console's mount path (`/admin`); the API is below it. */
const mountPath = location.pathname.replace(/\/+$/, "");
const root = document.getElementById("app") ?? document.body;

let stopConsole: (() => void) | undefined;

const client = createKeyshipClient({
  baseUrl: location.origin,
  // A record of its own: signing in here never replaces the app's device key, nor the reverse.
  keyStore: indexedDbKeyStore({
    recordKey: `keyship-admin-console ${location.origin}${mountPath}`,
  }),
  deviceLabel: "Admin console",
  onSignedOut: ({ reason }) => {
    if (reason === "revoked")
      signedOut({ text: "Your session ended. Sign in again.", tone: "info" });
  },
});
const api = createAdminApi(client, `${mountPath}/api`);

function signedOut(message?: SignInScreen["message"]): void {
  stopConsole?.();
  stopConsole = undefined;
  showSignIn(root, { message, signIn });
}

async function enter(me: Me): Promise<void> {
  if (me.role !== "admin") {
    await client.logout().catch(() => {});
    signedOut({ text: "Admins only: this account is not an administrator.", tone: "bad" });
    return;
  }
  stopConsole?.();
  stopConsole = startConsole(root, {
    api,
    me,
    signOut: async () => {
      await client.logout().catch(() => {});
      signedOut({ text: "Signed out.", tone: "info" });
    },
  });
}

async function signIn(): Promise<void> {
  try {
    await client.login();
    await enter(await client.me());
  } catch (error) {
    throw new Error(describeError(error));
  }
}

async function boot(): Promise<void> {
  if (!(await client.isSignedIn())) return signedOut();
  try {
    await enter(await client.me());
  } catch (error) {
    // A revoked device was forgotten by the SDK (onSignedOut); anything else is shown.
    if (isKeyshipError(error) && error.status === 401) {
      return signedOut({ text: "Your session ended. Sign in again.", tone: "info" });
    }
    signedOut({ text: describeError(error), tone: "bad" });
  }
}

void boot();
