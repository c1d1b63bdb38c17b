/**
 * Step-up: proving the user again (a fresh, user-verified passkey assertion, or the password
 * on an account without passkeys) before a sensitive action, and the one automatic retry of
 * a request the server refused with 401 `auth.step_up_required`.
 * @module
 */

import { readProblem } from "./errors.ts";
import type { ApiCall } from "./http.ts";
import type { PublicKeyCredentialRequestOptionsJSON, WebAuthnCeremonies } from "./webauthn.ts";

/**
 * The answer of a successful step-up.
 * @example
 * const { steppedUpUntil } = await keyship.stepUp();
 */
export interface SteppedUp {
  /** Until when this device may perform sensitive actions (ISO 8601). */
  readonly steppedUpUntil: string;
}

/**
 * How to step up: without `password`, the passkey prompt (user verification required);
 * with it, the password (for an account that has no passkey).
 * @example
 * await keyship.stepUp({ password: form.password.value });
 */
export interface StepUpInput {
  readonly password?: string;
}

/** What a step-up needs: the signed caller and the WebAuthn ceremonies. */
export interface StepUpDeps {
  /** Calls with this device's token, without stepping up itself (no loop). */
  readonly signedCall: ApiCall;
  readonly webauthn: WebAuthnCeremonies;
}

/** Runs one step-up; concurrent callers of the automatic retry share one prompt. */
export interface StepUpRunner {
  /** Steps up with a passkey, or the password when given. */
  run(input?: StepUpInput): Promise<SteppedUp>;
  /** The passkey step-up, shared by every request waiting for it. */
  shared(): Promise<SteppedUp>;
}

/**
 * Creates the step-up runner of one client.
 * @param deps the signed caller and the WebAuthn ceremonies
 * @example
 * const stepUp = createStepUpRunner({ signedCall, webauthn });
 * await stepUp.run();
 */
export function createStepUpRunner(deps: StepUpDeps): StepUpRunner {
  let inFlight: Promise<SteppedUp> | undefined;
  const run = async (input: StepUpInput = {}): Promise<SteppedUp> => {
    if (input.password !== undefined) {
      return deps.signedCall<SteppedUp>("POST", "/auth/step-up/password", {
        password: input.password,
      });
    }
    const start = await deps.signedCall<{
      flowId: string;
      options: PublicKeyCredentialRequestOptionsJSON;
    }>("POST", "/auth/step-up/start", {});
    const credential = await deps.webauthn.getCredential(start.options, { autofill: false });
    return deps.signedCall<SteppedUp>("POST", "/auth/step-up/finish", {
      flowId: start.flowId,
      credential,
    });
  };
  return {
    run,
    shared() {
      inFlight ??= run().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

/**
 * Wraps a sender so that a 401 `auth.step_up_required` runs the passkey step-up and sends
 * the request once more. A failed step-up (the prompt cancelled, no passkey) rejects with
 * its own error; a second refusal is returned as it is.
 *
 * @param send sends a request with this device's token
 * @param stepUp the runner whose shared step-up is awaited
 * @example
 * const send = withStepUpRetry((request) => session.send(request), runner);
 */
export function withStepUpRetry(
  send: (request: Request) => Promise<Response>,
  stepUp: StepUpRunner,
): (request: Request) => Promise<Response> {
  return async (request) => {
    // A body can be read only once: keep an unsent copy for the retry.
    const spare = request.clone();
    const response = await send(request);
    if (response.status !== 401) return response;
    if ((await readProblem(response))?.code !== "auth.step_up_required") return response;
    await stepUp.shared();
    return send(spare);
  };
}
