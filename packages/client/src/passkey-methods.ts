/**
 * The WebAuthn ceremonies of a client: registering, signing in (modal or autofill) and adding
 * a passkey.
 * @module
 */

import { prepareAutofillInput } from "./autofill.ts";
import type { KeyshipClient } from "./client.ts";
import type { ClientContext } from "./client-context.ts";
import { KeyshipError } from "./errors.ts";
import type { PasskeySignIn } from "./types.ts";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "./webauthn.ts";

/** A WebAuthn ceremony's first step, as the server answers it. */
interface CeremonyStart<Options> {
  readonly flowId: string;
  readonly options: Options;
}

/** Finishes a passkey registration or login at `path` and signs this browser in. */
function finishPasskeySignIn(
  context: ClientContext,
  path: string,
  start: CeremonyStart<unknown>,
  credential: RegistrationResponseJSON | AuthenticationResponseJSON,
): Promise<PasskeySignIn> {
  return context.signIn<PasskeySignIn>(path, {
    flowId: start.flowId,
    credential,
    deviceLabel: context.config.deviceLabel,
  });
}

/** Signs in with a passkey, through the modal prompt or (with `autofill`) the autofill UI. */
async function passkeyLogin(context: ClientContext, autofill: boolean): Promise<PasskeySignIn> {
  const start = await context.call<CeremonyStart<PublicKeyCredentialRequestOptionsJSON>>(
    "POST",
    "/auth/passkey/login/start",
    {},
  );
  const credential = await context.config.webauthn.getCredential(start.options, { autofill });
  return finishPasskeySignIn(context, "/auth/passkey/login/finish", start, credential);
}

/**
 * The WebAuthn ceremonies: registering, signing in and adding a passkey.
 * @param context the client's callers and sign-in step
 */
export function passkeyCeremonies(
  context: ClientContext,
): Pick<KeyshipClient, "register" | "login" | "loginWithAutofill" | "addPasskey"> {
  const { call, signedCall } = context;
  const { webauthn } = context.config;
  return {
    async register(input = {}) {
      const start = await call<CeremonyStart<PublicKeyCredentialCreationOptionsJSON>>(
        "POST",
        "/auth/passkey/register/start",
        { ...input.fields, email: input.email, displayName: input.displayName },
      );
      const credential = await webauthn.createCredential(start.options);
      return finishPasskeySignIn(context, "/auth/passkey/register/finish", start, credential);
    },

    login: () => passkeyLogin(context, false),

    async loginWithAutofill(inputSelector) {
      prepareAutofillInput(inputSelector);
      if (!(await webauthn.supportsAutofill())) {
        throw new KeyshipError({ code: "webauthn.autofill_unsupported" });
      }
      return passkeyLogin(context, true);
    },

    async addPasskey(input = {}) {
      const start = await signedCall<CeremonyStart<PublicKeyCredentialCreationOptionsJSON>>(
        "POST",
        "/auth/passkey/add/start",
        {},
      );
      const credential = await webauthn.createCredential(start.options);
      return signedCall<{ passkeyId: string }>("POST", "/auth/passkey/add/finish", {
        flowId: start.flowId,
        credential,
        name: input.name,
      });
    },
  };
}
