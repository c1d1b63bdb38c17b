/**
 * What a client's method groups share: the settings, the device session, the API callers and
 * the sign-in step that binds a new device key (and, with `binding: "dpop"`, a DPoP session).
 * @module
 */

import { exportDevicePublicJwk, generateDeviceKeyPair } from "./device-key.ts";
import { createDpopSender, type DpopSender } from "./dpop-sender.ts";
import { dpopTokensOf, withoutTokens } from "./dpop-session.ts";
import { KeyshipError } from "./errors.ts";
import {
  type ApiCall,
  apiCaller,
  apiUrl,
  createJsonRequest,
  readJsonResponse,
  sendRequest,
} from "./http.ts";
import type { ResolvedClientOptions } from "./options.ts";
import { createDeviceSession, type DeviceSession, retireDevice } from "./session.ts";
import { createStepUpRunner, type StepUpRunner, withStepUpRetry } from "./step-up.ts";

/**
 * Posts a sign-in finish to `path` with `body` plus a new device key (and, with
 * `binding: "dpop"`, `session: "bearer"` and a proof of the key), then keeps the key as this
 * browser's. Resolves to the answer, without its tokens.
 * @example
 * const signedIn = await signIn<PasswordSignIn>("/auth/login", { email, password });
 */
export type SignIn = <T extends { readonly deviceId: string }>(
  path: string,
  body: Readonly<Record<string, unknown>>,
) => Promise<T>;

/** What the client's method groups share: the settings, the session and the callers. */
export interface ClientContext {
  readonly config: ResolvedClientOptions;
  readonly session: DeviceSession;
  /** Calls without a token. */
  readonly call: ApiCall;
  /** Calls with this device's token (see {@link DeviceSession.send}), stepping up when asked. */
  readonly signedCall: ApiCall;
  /** Sends with this device's token, stepping up when asked (see `autoStepUp`). */
  readonly signedSend: (request: Request) => Promise<Response>;
  readonly stepUp: StepUpRunner;
  readonly signIn: SignIn;
}

/**
 * Creates the device session, the API callers and the sign-in step of one client.
 * @param config the resolved options
 */
export function createClientContext(config: ResolvedClientOptions): ClientContext {
  const dpop = config.binding === "dpop" ? createDpopSender(config.now) : undefined;
  const session = createDeviceSession({ ...config, dpop });
  const send = (request: Request) => session.send(request);
  // The step-up's own calls never step up themselves: no loop.
  const stepUp = createStepUpRunner({
    signedCall: apiCaller(config.baseUrl, send),
    webauthn: config.webauthn,
  });
  const signedSend = config.autoStepUp ? withStepUpRetry(send, stepUp) : send;
  return {
    config,
    session,
    call: apiCaller(config.baseUrl, sendRequest),
    signedCall: apiCaller(config.baseUrl, signedSend),
    signedSend,
    stepUp,
    signIn: createSignIn(config, session, dpop),
  };
}

/** The {@link SignIn} step of a client. */
function createSignIn(
  config: ResolvedClientOptions,
  session: DeviceSession,
  dpop: DpopSender | undefined,
): SignIn {
  return async <T extends { readonly deviceId: string }>(
    path: string,
    body: Readonly<Record<string, unknown>>,
  ): Promise<T> => {
    const keyPair = await generateDeviceKeyPair();
    const devicePublicKey = await exportDevicePublicJwk(keyPair.publicKey);
    const fields =
      dpop === undefined
        ? { ...body, devicePublicKey }
        : { ...body, devicePublicKey, session: "bearer" };
    const request = createJsonRequest(apiUrl(config.baseUrl, path), "POST", fields);
    const response = await (dpop === undefined
      ? sendRequest(request)
      : dpop.send(request, keyPair));
    const result = await readJsonResponse<T>(response);
    if (typeof result?.deviceId !== "string") {
      throw new KeyshipError({ code: "client.unexpected_response", status: response.status });
    }
    const tokens = dpop === undefined ? undefined : dpopTokensOf(result, config.now());
    const record = { deviceId: result.deviceId, keyPair };
    const replaced = await session.adopt(
      tokens === undefined ? record : { ...record, dpop: tokens },
    );
    if (replaced !== undefined) retireDevice(config, replaced).catch(() => {});
    return tokens === undefined ? result : withoutTokens(result);
  };
}
