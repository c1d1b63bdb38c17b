/**
 * Preparing the page for passkey autofill (WebAuthn conditional mediation).
 * @module
 */

import { isKeyshipError, KeyshipError } from "./errors.ts";

/**
 * Codes with which a passkey autofill request (`loginWithAutofill()`) ends without anything
 * having gone wrong for the user: another ceremony replaced it, the browser offers no autofill,
 * or the conditional request was dismissed or timed out unseen (a first-time visitor with no
 * passkey gets exactly that: WebAuthn §5.1.4 reports it as `NotAllowedError`).
 */
const AUTOFILL_DISMISSALS = [
  "webauthn.aborted",
  "webauthn.autofill_unsupported",
  "webauthn.not_allowed",
  "webauthn.unsupported",
] as const;

/**
 * Whether a failed `loginWithAutofill()` is a dismissal, not an error: nothing to show the
 * user, who can still sign in with the button. Anything else (the server unreachable, a
 * passkey the server refuses, a missing input) is worth a message.
 *
 * @param error what `loginWithAutofill()` rejected with
 * @example
 * keyship.loginWithAutofill("#email").then(onSignedIn, (error) => {
 *   if (!isAutofillDismissal(error)) showError(error);
 * });
 */
export function isAutofillDismissal(error: unknown): boolean {
  return AUTOFILL_DISMISSALS.some((code) => isKeyshipError(error, code));
}

/**
 * Finds the input for passkey autofill and makes sure its `autocomplete` attribute ends
 * with the `webauthn` token, which browsers require before they offer passkeys in it
 * (WebAuthn L3 §5.1.4, HTML "autofill detail tokens"). Other tokens are kept, so
 * `autocomplete="username"` becomes `"username webauthn"`.
 *
 * @param inputSelector a CSS selector for one `<input>`
 * @throws {KeyshipError} `webauthn.autofill_input_missing` when nothing matches, or the
 *   match is not an `<input>`
 * @example
 * prepareAutofillInput("#email"); // <input id="email" autocomplete="username webauthn">
 */
export function prepareAutofillInput(inputSelector: string): HTMLInputElement {
  const element = typeof document === "undefined" ? null : document.querySelector(inputSelector);
  if (element === null || element.tagName !== "INPUT") {
    throw new KeyshipError({ code: "webauthn.autofill_input_missing" });
  }
  const input = element as HTMLInputElement;
  const tokens = (input.getAttribute("autocomplete") ?? "").split(/\s+/).filter(Boolean);
  if (tokens.at(-1)?.toLowerCase() !== "webauthn") {
    // "on"/"off" cannot be combined with other tokens; "webauthn" must come last.
    const kept = tokens.filter((token) => !["webauthn", "on", "off"].includes(token.toLowerCase()));
    input.setAttribute("autocomplete", [...kept, "webauthn"].join(" "));
  }
  return input;
}
