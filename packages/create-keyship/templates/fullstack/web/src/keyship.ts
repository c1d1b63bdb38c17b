/**
 * The one keyship client of the app. The API is on the page's own origin (Vite proxies it in
 * development), so passkeys and device tokens need no CORS.
 */
import { createKeyshipClient, isKeyshipError } from "@keyship/client";

export const keyship = createKeyshipClient({ baseUrl: window.location.origin });

/**
 * The return from a provider (`signInWith`, `linkAccount`): the `#keyship_oauth…` fragment,
 * read and exchanged once as the page loads; null on any other page load. The App waits for
 * it before asking who is signed in; ProviderButtons shows its error.
 */
export const providerReturn = keyship.completeOAuth();
providerReturn.catch(() => undefined); // shown by ProviderButtons, not an unhandled rejection

/** Password sign-in is offered when the project was created with --passwords. */
export const passwordsEnabled = import.meta.env.VITE_PASSWORDS === "true";

/** "Email me a recovery link" is offered when the API sets KEYSHIP_RECOVERY_EMAIL_ENABLED. */
export const recoveryEmailEnabled = import.meta.env.VITE_RECOVERY_EMAIL === "true";

const MESSAGES: Record<string, string> = {
  "webauthn.not_allowed": "The passkey prompt was closed or timed out. Try again.",
  "webauthn.aborted": "The passkey prompt was cancelled.",
  "webauthn.unsupported": "This browser does not support passkeys.",
  "webauthn.already_registered": "This authenticator already holds a passkey for your account.",
  "passkey.email_taken": "That email already has an account. Sign in instead.",
  "passkey.unknown_credential": "That passkey is not registered here (or was removed).",
  "passkey.last_passkey": "Add another passkey before removing your last one.",
  "auth.step_up_required": "Confirm it is you (passkey or password), then try again.",
  "auth.step_up_no_passkey": "This account has no passkey: confirm with your password.",
  "auth.invalid_credentials": "Wrong email or password.",
  "auth.forbidden": "You are not allowed to see this.",
  "client.network_error": "The server cannot be reached. Is `npm run dev` running?",
  "validation.failed": "Please check the form.",
  "recovery.code_invalid": "That email and recovery code do not match (each code works once).",
  "recovery.no_email": "Add an email address to your account first.",
  "recovery.link_invalid": "This recovery link has expired or was used. Ask for a new one.",
  "email_change.token_invalid": "This link has expired or was used. Change your email again.",
  rate_limited: "Too many attempts. Wait a while, then try again.",
  "oauth.access_denied": "The sign-in was cancelled at the provider.",
  "oauth.account_link_required":
    "That email already has an account. Sign in the usual way, then link the provider.",
  "oauth.code_invalid": "That sign-in link has expired. Please sign in again.",
  "oauth.already_linked": "That provider account belongs to another user.",
  "oauth.last_sign_in_method": "This is your only way to sign in; add a passkey first.",
  "oauth.provider_error": "The sign-in provider could not be reached. Try again later.",
};

/** A short, user-facing message for any error (switching on the stable `code`). */
export function messageOf(error: unknown): string {
  if (isKeyshipError(error)) {
    // validation.failed names the fields: say which, with the server's message.
    const fields = error.errors.map((field) => `${field.path}: ${field.message}`);
    if (fields.length > 0) return `Please check the form (${fields.join("; ")}).`;
    return MESSAGES[error.code] ?? error.title ?? error.code;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a sensitive action (adding, renaming or removing a passkey, signing out devices,
 * linking a provider). The SDK asks for the passkey itself when the server wants a fresh
 * proof. An account without a passkey confirms with its password instead, asked here once;
 * one that signs in only through a provider (no password given) confirms by signing in there
 * again: the browser leaves and comes back to this page, where the action is done once more.
 */
export async function sensitive<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!isKeyshipError(error, "auth.step_up_no_passkey")) throw error;
    const password = passwordsEnabled ? window.prompt("Enter your password to confirm") : null;
    if (password) {
      await keyship.stepUp({ password });
      return action();
    }
    const [linked] = await keyship.listAccounts();
    if (linked === undefined) throw error;
    await keyship.stepUpWith(linked.provider);
    return new Promise<T>(() => {}); // the browser is on its way to the provider
  }
}
