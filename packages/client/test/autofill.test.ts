/**
 * What the sign-in page shows when its passkey autofill request fails: nothing for a dismissal
 * (a first-time visitor's request timing out, another ceremony replacing it, no autofill in
 * this browser), a message for real failures.
 */
import { WebAuthnError } from "@simplewebauthn/browser";
import { describe, expect, it } from "vitest";
import { isAutofillDismissal, KeyshipError } from "../src/index.ts";
import { translateWebAuthnError } from "../src/webauthn.ts";

describe("isAutofillDismissal", () => {
  it.each([
    [
      "the conditional request timed out or was dismissed (NotAllowedError)",
      translateWebAuthnError(
        new DOMException("The operation either timed out or was not allowed.", "NotAllowedError"),
      ),
    ],
    [
      "another ceremony (the passkey button) aborted it",
      translateWebAuthnError(
        new WebAuthnError({
          message: "Authentication ceremony was sent an abort signal",
          code: "ERROR_CEREMONY_ABORTED",
          cause: new DOMException("aborted", "AbortError"),
        }),
      ),
    ],
    ["the browser has no autofill", new KeyshipError({ code: "webauthn.autofill_unsupported" })],
    ["the browser has no WebAuthn", new KeyshipError({ code: "webauthn.unsupported" })],
  ])("is true when %s", (_when, error) => {
    expect(isAutofillDismissal(error)).toBe(true);
  });

  it.each([
    ["the server cannot be reached", new KeyshipError({ code: "client.network_error" })],
    [
      "the server refuses the passkey",
      new KeyshipError({ code: "passkey.unknown_credential", status: 400 }),
    ],
    ["the page has no such input", new KeyshipError({ code: "webauthn.autofill_input_missing" })],
    ["the authenticator failed", translateWebAuthnError(new DOMException("boom", "UnknownError"))],
    ["anything that is not a KeyshipError", new Error("NotAllowedError")],
  ])("is false when %s", (_when, error) => {
    expect(isAutofillDismissal(error)).toBe(false);
  });
});
