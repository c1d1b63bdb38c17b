// keyship admin console. Generated from admin-ui/ by `npm run build:admin`: do not edit.

// ../client/src/errors.ts
var CLIENT_TITLES = {
  "client.network_error": "The server could not be reached.",
  "client.unexpected_response": "The server answered in an unexpected way.",
  "client.not_signed_in": "This browser is not signed in.",
  "client.untrusted_origin": "Tokens are not sent to this origin.",
  "client.invalid_options": "The client options are not valid.",
  "client.unsupported": "This browser lacks a required feature.",
  "client.storage_failed": "The device key could not be stored or read.",
  "webauthn.unsupported": "This browser does not support passkeys.",
  "webauthn.autofill_unsupported": "This browser does not offer passkeys in autofill.",
  "webauthn.autofill_input_missing": "No input matches the autofill selector.",
  "webauthn.not_allowed": "The passkey prompt was cancelled or timed out.",
  "webauthn.aborted": "The passkey prompt was replaced by another one.",
  "webauthn.already_registered": "This authenticator already holds a passkey for the account.",
  "webauthn.failed": "The passkey operation failed."
};
var SERVER_ERROR_CODES = [
  "validation.failed",
  "request.malformed_json",
  "request.unsupported_media_type",
  "request.body_too_large",
  "route.not_found",
  "route.method_not_allowed",
  "resource.not_found",
  "internal.error",
  "health.database_unavailable",
  "service_unavailable",
  "rate_limited",
  "auth.unauthenticated",
  "auth.forbidden",
  "auth.invalid_credentials",
  "auth.csrf_failed",
  "auth.step_up_required",
  "auth.step_up_no_passkey",
  "passkey.challenge_invalid",
  "passkey.verification_failed",
  "passkey.user_verification_required",
  "passkey.unknown_credential",
  "passkey.counter_regression",
  "passkey.already_registered",
  "passkey.last_passkey",
  "passkey.email_taken",
  "user.last_admin",
  "admin.cannot_impersonate",
  "device.invalid_public_key",
  "token.expired",
  "token.invalid",
  "token.revoked",
  "token.wrong_type",
  "token.refresh_reused",
  "dpop.invalid_proof",
  "dpop.proof_required",
  "dpop.key_mismatch",
  "dbsc.unavailable",
  "dbsc.invalid_proof",
  "dbsc.challenge_invalid",
  "dbsc.challenge_required",
  "dbsc.proof_refused",
  "dbsc.bound_cookie_required",
  "dpop.use_nonce",
  "dpop.nonce_required",
  "password.disabled",
  "password.too_short",
  "password.too_long",
  "password.token_invalid",
  "password.email_unverified",
  "password.email_taken",
  "client.name_taken",
  "oauth.invalid_request",
  "oauth.invalid_client",
  "oauth.invalid_grant",
  "oauth.unauthorized_client",
  "oauth.unsupported_grant_type",
  "oauth.invalid_scope",
  "recovery.code_invalid",
  "recovery.link_invalid",
  "recovery.no_email",
  "email_change.token_invalid",
  "oauth.provider_unknown",
  "oauth.return_to_invalid",
  "oauth.state_invalid",
  "oauth.access_denied",
  "oauth.provider_error",
  "oauth.verification_failed",
  "oauth.code_invalid",
  "oauth.account_link_required",
  "oauth.already_linked",
  "oauth.last_sign_in_method"
];
var SERVER_CODES = new Set(SERVER_ERROR_CODES);
var KeyshipError = class extends Error {
  /** The stable code to switch on, e.g. `"token.expired"` or `"client.network_error"`. */
  code;
  /** The HTTP status of the answer, or `0` when the failure happened in the browser. */
  status;
  /** A short, generic summary. */
  title;
  /** A generic, user-safe sentence. */
  detail;
  /** The server's trace id (`trace_id`), when the server answered with one. */
  traceId;
  /** The problem `type` URI, when the server answered with one. */
  type;
  /**
   * The failing fields of a `validation.failed` answer (empty otherwise), to show each
   * message beside its field.
   */
  errors;
  /**
   * @param init the code and, optionally, the other fields
   * @example
   * throw new KeyshipError({ code: "client.not_signed_in" });
   */
  constructor(init) {
    const title = init.title ?? titleOf(init.code);
    const detail = init.detail ?? title;
    super(detail, init.cause === void 0 ? void 0 : { cause: init.cause });
    this.name = "KeyshipError";
    this.code = init.code;
    this.status = init.status ?? 0;
    this.title = title;
    this.detail = detail;
    this.traceId = init.traceId;
    this.type = init.type;
    this.errors = init.errors ?? [];
  }
};
function titleOf(code) {
  return Object.hasOwn(CLIENT_TITLES, code) ? CLIENT_TITLES[code] : code;
}
function isKeyshipError(error, code) {
  return error instanceof KeyshipError && (code === void 0 || error.code === code);
}
function fieldErrorsOf(value) {
  if (!Array.isArray(value)) return void 0;
  return value.flatMap((entry) => {
    if (typeof entry !== "object" || entry === null) return [];
    const { path, message } = entry;
    return typeof path === "string" && typeof message === "string" ? [{ path, message }] : [];
  });
}
async function readProblem(response) {
  const contentType = response.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().includes("application/problem+json")) return void 0;
  let body;
  try {
    body = await response.clone().json();
  } catch {
    return void 0;
  }
  if (typeof body !== "object" || body === null) return void 0;
  const record = body;
  if (typeof record.code !== "string" || record.code === "") return void 0;
  const traceId = stringOrUndefined(record.trace_id) ?? stringOrUndefined(record.traceId);
  return {
    code: record.code,
    type: stringOrUndefined(record.type),
    title: stringOrUndefined(record.title),
    status: typeof record.status === "number" ? record.status : void 0,
    detail: stringOrUndefined(record.detail),
    traceId,
    errors: fieldErrorsOf(record.errors)
  };
}
async function errorFromResponse(response) {
  const problem = await readProblem(response);
  if (problem === void 0 || !SERVER_CODES.has(problem.code)) {
    return new KeyshipError({ code: "client.unexpected_response", status: response.status });
  }
  return new KeyshipError({
    code: problem.code,
    // The HTTP status wins over the body's copy: it is what the transport actually carried.
    status: response.status,
    title: problem.title,
    detail: problem.detail,
    traceId: problem.traceId,
    type: problem.type,
    errors: problem.errors
  });
}
function stringOrUndefined(value) {
  return typeof value === "string" ? value : void 0;
}

// ../client/src/autofill.ts
function prepareAutofillInput(inputSelector) {
  const element = typeof document === "undefined" ? null : document.querySelector(inputSelector);
  if (element === null || element.tagName !== "INPUT") {
    throw new KeyshipError({ code: "webauthn.autofill_input_missing" });
  }
  const input2 = element;
  const tokens = (input2.getAttribute("autocomplete") ?? "").split(/\s+/).filter(Boolean);
  if (tokens.at(-1)?.toLowerCase() !== "webauthn") {
    const kept = tokens.filter((token) => !["webauthn", "on", "off"].includes(token.toLowerCase()));
    input2.setAttribute("autocomplete", [...kept, "webauthn"].join(" "));
  }
  return input2;
}

// ../client/src/http.ts
function createJsonRequest(url, method, body) {
  const headers = new Headers({ accept: "application/json, application/problem+json" });
  const init = { method, headers, cache: "no-store" };
  if (body !== void 0) {
    headers.set("content-type", "application/json");
    init.body = JSON.stringify(body);
  }
  return new Request(url, init);
}
async function sendRequest(request) {
  try {
    return await globalThis.fetch(request);
  } catch (error) {
    if (request.signal.aborted) throw error;
    throw new KeyshipError({ code: "client.network_error", cause: error });
  }
}
async function readJsonResponse(response) {
  if (!response.ok) throw await errorFromResponse(response);
  const text = await response.text();
  if (text === "") return void 0;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new KeyshipError({
      code: "client.unexpected_response",
      status: response.status,
      cause: error
    });
  }
}
function apiUrl(baseUrl, path) {
  return new URL(`${baseUrl}${path}`);
}
function apiCaller(baseUrl, send) {
  return async (method, path, body) => readJsonResponse(await send(createJsonRequest(apiUrl(baseUrl, path), method, body)));
}

// ../client/src/key-store.ts
async function withStorage(operation) {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof KeyshipError) throw error;
    throw new KeyshipError({ code: "client.storage_failed", cause: error });
  }
}

// ../client/src/dpop-session.ts
var TOKEN_FIELDS = ["accessToken", "refreshToken", "tokenType", "expiresIn"];
function dpopTokensOf(body, nowMs) {
  const answer = typeof body === "object" && body !== null ? body : {};
  const { sessionId, accessToken, refreshToken, expiresIn } = answer;
  if (answer.tokenType !== "DPoP" || typeof sessionId !== "string" || typeof accessToken !== "string" || typeof refreshToken !== "string" || typeof expiresIn !== "number") {
    throw new KeyshipError({
      code: "client.unexpected_response",
      status: 200,
      detail: "The server did not answer a DPoP-bound session."
    });
  }
  return { sessionId, accessToken, refreshToken, expiresAtMs: nowMs + expiresIn * 1e3 };
}
function withoutTokens(result) {
  const copy = { ...result };
  for (const field2 of TOKEN_FIELDS) delete copy[field2];
  return copy;
}
function dpopTokenSource(options, record) {
  let tokens = record.dpop;
  let first = true;
  const isFresh = (candidate) => options.now() < candidate.expiresAtMs - options.refreshMarginMs;
  const minted = (current) => ({
    token: current.accessToken,
    expiresAtMs: current.expiresAtMs
  });
  const refresh = async () => {
    const stored = await withStorage(() => options.keyStore.load());
    if (stored?.deviceId === record.deviceId && stored.dpop !== void 0) {
      const rotatedElsewhere = stored.dpop.refreshToken !== tokens.refreshToken;
      tokens = stored.dpop;
      if (rotatedElsewhere && isFresh(tokens)) return tokens;
    }
    const request = createJsonRequest(apiUrl(options.baseUrl, "/auth/token/refresh"), "POST", {
      refreshToken: tokens.refreshToken
    });
    const answer = await readJsonResponse(
      await options.sender.send(request, record.keyPair)
    );
    tokens = dpopTokensOf(answer, options.now());
    await options.keyStore.save({
      deviceId: record.deviceId,
      keyPair: record.keyPair,
      dpop: tokens
    });
    return tokens;
  };
  return async () => {
    if (first && isFresh(tokens)) {
      first = false;
      return minted(tokens);
    }
    first = false;
    return minted(await withRefreshLock(record.deviceId, refresh));
  };
}
function withRefreshLock(deviceId, task) {
  const locks = globalThis.navigator?.locks;
  if (locks === void 0) return task();
  return locks.request(`keyship-dpop-refresh:${deviceId}`, task);
}

// ../client/src/base64url.ts
function encodeBase64Url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
function encodeJsonBase64Url(value) {
  return encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));
}

// ../client/src/jws.ts
async function signEs256(privateKey, header, payload) {
  const signingInput = `${encodeJsonBase64Url(header)}.${encodeJsonBase64Url(payload)}`;
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    privateKey,
    new TextEncoder().encode(signingInput)
  );
  return `${signingInput}.${encodeBase64Url(new Uint8Array(signature))}`;
}
function randomId() {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

// ../client/src/token.ts
var MAX_DEVICE_TOKEN_LIFETIME_SECONDS = 900;
async function mintDeviceToken(input2) {
  const { lifetimeSeconds } = input2;
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 1 || lifetimeSeconds > MAX_DEVICE_TOKEN_LIFETIME_SECONDS) {
    throw new RangeError(
      `lifetimeSeconds must be an integer in 1…${MAX_DEVICE_TOKEN_LIFETIME_SECONDS}`
    );
  }
  const iat = Math.floor(input2.nowMs / 1e3);
  const exp = iat + lifetimeSeconds;
  const header = { alg: "ES256", kid: input2.deviceId, typ: "JWT" };
  const payload = { iat, exp, aud: input2.audience, jti: randomId() };
  return { token: await signEs256(input2.privateKey, header, payload), expiresAtMs: exp * 1e3 };
}

// ../client/src/token-cache.ts
function createTokenCache(options) {
  let cached;
  let minting;
  let generation = 0;
  const isFresh = (token) => options.now() < token.expiresAtMs - options.refreshMarginMs;
  return {
    async get() {
      if (cached !== void 0 && isFresh(cached)) return cached.token;
      if (minting === void 0) {
        const started = generation;
        const pending = options.mint();
        minting = pending;
        const settle = () => {
          if (minting === pending) minting = void 0;
        };
        pending.then((token) => {
          if (generation === started) cached = token;
          settle();
        }, settle);
      }
      return (await minting).token;
    },
    invalidate() {
      generation += 1;
      cached = void 0;
      minting = void 0;
    }
  };
}

// ../client/src/session.ts
var DEVICE_REJECTED_CODES = /* @__PURE__ */ new Set([
  "token.invalid",
  "auth.unauthenticated",
  "token.revoked",
  "dpop.key_mismatch"
]);
function createDeviceSession(options) {
  const store = createSessionStore(options);
  return {
    async current() {
      return (await store.state())?.record;
    },
    async require() {
      return (await store.requireState()).record;
    },
    adopt: store.adopt,
    end: store.end,
    async httpToken() {
      return (await store.requireState()).httpTokens.get();
    },
    async wsToken() {
      const { record } = await store.requireState();
      return (await mint(options, record, "keyship:ws", options.wsTokenLifetimeSeconds)).token;
    },
    send: (request) => sendWithRetry(store, request)
  };
}
function createSessionStore(options) {
  let loading;
  const state = () => {
    loading ??= withStorage(() => options.keyStore.load()).then(
      (record) => record === void 0 ? void 0 : stateFor(options, record, end),
      (error) => {
        loading = void 0;
        throw error;
      }
    );
    return loading;
  };
  const requireState = async () => {
    const current = await state();
    if (current === void 0) throw new KeyshipError({ code: "client.not_signed_in" });
    return current;
  };
  const adopt = async (record) => {
    const previous = await state().catch(() => void 0);
    previous?.httpTokens.invalidate();
    await withStorage(() => options.keyStore.save(record));
    loading = Promise.resolve(stateFor(options, record, end));
    return previous?.record.deviceId === record.deviceId ? void 0 : previous?.record;
  };
  const end = async (deviceId, reason) => {
    const current = await state();
    if (current === void 0 || current.record.deviceId !== deviceId) return;
    current.httpTokens.invalidate();
    loading = Promise.resolve(void 0);
    await withStorage(() => options.keyStore.clear());
    options.onSignedOut?.({ reason, deviceId });
  };
  return { state, requireState, adopt, end };
}
function stateFor(options, record, end) {
  const refreshMarginMs = options.tokenRefreshMarginSeconds * 1e3;
  const { dpop } = options;
  if (dpop !== void 0 && record.dpop !== void 0) {
    const refresh = dpopTokenSource(
      { ...options, sender: dpop, refreshMarginMs },
      { ...record, dpop: record.dpop }
    );
    const mintDpop = () => refresh().catch(async (error) => {
      if (isKeyshipError(error) && error.status === 401) await end(record.deviceId, "revoked");
      throw error;
    });
    return {
      record,
      httpTokens: createTokenCache({ mint: mintDpop, now: options.now, refreshMarginMs }),
      sendWith: (request, token) => dpop.send(request, record.keyPair, token)
    };
  }
  return {
    record,
    httpTokens: createTokenCache({
      mint: () => mint(options, record, "keyship:http", options.tokenLifetimeSeconds),
      now: options.now,
      refreshMarginMs
    }),
    sendWith: sendWithToken
  };
}
function mint(options, record, audience, lifetimeSeconds) {
  return mintDeviceToken({
    privateKey: record.keyPair.privateKey,
    deviceId: record.deviceId,
    audience,
    lifetimeSeconds,
    nowMs: options.now()
  });
}
async function sendWithRetry(store, request) {
  const current = await store.requireState();
  const spare = request.clone();
  const response = await current.sendWith(request, await current.httpTokens.get());
  if (response.status !== 401) return response;
  const problem = await readProblem(response);
  if (problem?.code !== "token.expired") {
    await forgetIfRejected(store, response, current);
    return response;
  }
  current.httpTokens.invalidate();
  const retried = await current.sendWith(spare, await current.httpTokens.get());
  await forgetIfRejected(store, retried, current);
  return retried;
}
function sendWithToken(request, token) {
  const headers = new Headers(request.headers);
  headers.set("authorization", `Bearer ${token}`);
  return sendRequest(new Request(request, { headers }));
}
async function forgetIfRejected(store, response, current) {
  if (response.status !== 401) return;
  const problem = await readProblem(response);
  if (problem !== void 0 && DEVICE_REJECTED_CODES.has(problem.code)) {
    await store.end(current.record.deviceId, "revoked");
  }
}
async function retireDevice(config, record) {
  const { token } = await mintDeviceToken({
    privateKey: record.keyPair.privateKey,
    deviceId: record.deviceId,
    audience: "keyship:http",
    lifetimeSeconds: 60,
    nowMs: config.now()
  });
  const request = createJsonRequest(apiUrl(config.baseUrl, "/auth/logout"), "POST");
  request.headers.set("authorization", `Bearer ${token}`);
  await sendRequest(request);
}

// ../client/src/account-methods.ts
function accountMethods(context) {
  const { session, signedCall } = context;
  return {
    async logout() {
      const record = await session.current();
      if (record === void 0) return;
      try {
        await signedCall("POST", "/auth/logout");
      } catch (error) {
        if (!(isKeyshipError(error) && error.status === 401)) throw error;
      } finally {
        if (record.dpop !== void 0) await retireDevice(context.config, record).catch(() => {
        });
        await session.end(record.deviceId, "logout");
      }
    },
    async listPasskeys() {
      return (await signedCall("GET", "/auth/passkeys")).passkeys;
    },
    async renamePasskey(id, name) {
      await signedCall("PATCH", `/auth/passkeys/${encodeURIComponent(id)}`, { name });
    },
    async revokePasskey(id) {
      await signedCall("POST", `/auth/passkeys/${encodeURIComponent(id)}/revoke`);
    },
    async listDevices() {
      return (await signedCall("GET", "/auth/devices")).devices;
    },
    async revokeDevice(id) {
      await signedCall("POST", `/auth/devices/${encodeURIComponent(id)}/revoke`);
      await session.end(id, "revoked");
    },
    async revokeOtherDevices() {
      await signedCall("POST", "/auth/devices/revoke-others");
    }
  };
}
function sessionMethods(context) {
  const { config, session, signedSend } = context;
  return {
    async fetch(input2, init) {
      const request = input2 instanceof Request ? new Request(input2, init) : new Request(new URL(input2, `${config.baseUrl}/`), init);
      if (!config.apiOrigins.includes(new URL(request.url).origin)) {
        throw new KeyshipError({ code: "client.untrusted_origin" });
      }
      return signedSend(request);
    },
    wsToken: () => session.wsToken(),
    async isSignedIn() {
      return await session.current() !== void 0;
    }
  };
}

// ../client/src/device-key.ts
var ECDSA_P256 = { name: "ECDSA", namedCurve: "P-256" };
async function generateDeviceKeyPair() {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === void 0) {
    throw new KeyshipError({
      code: "client.unsupported",
      detail: "WebCrypto is unavailable; keyship needs a secure context (HTTPS or localhost)."
    });
  }
  return subtle.generateKey(ECDSA_P256, false, ["sign", "verify"]);
}
async function exportDevicePublicJwk(publicKey) {
  if (publicKey.type !== "public") {
    throw new KeyshipError({ code: "client.unsupported", detail: "Expected a public key." });
  }
  const jwk = await crypto.subtle.exportKey("jwk", publicKey);
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.x !== "string" || typeof jwk.y !== "string") {
    throw new KeyshipError({ code: "client.unsupported", detail: "Expected an EC P-256 key." });
  }
  return { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
}

// ../client/src/dpop-proof.ts
var publicJwks = /* @__PURE__ */ new WeakMap();
function publicJwkOf(publicKey) {
  let jwk = publicJwks.get(publicKey);
  if (jwk === void 0) {
    jwk = exportDevicePublicJwk(publicKey);
    publicJwks.set(publicKey, jwk);
  }
  return jwk;
}
async function accessTokenHash(accessToken) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken));
  return encodeBase64Url(new Uint8Array(digest));
}
async function createDpopProof(input2) {
  const htu = new URL(input2.url);
  htu.search = "";
  htu.hash = "";
  const header = { typ: "dpop+jwt", alg: "ES256", jwk: await publicJwkOf(input2.keyPair.publicKey) };
  const payload = {
    htm: input2.method,
    htu: htu.href,
    iat: Math.floor(input2.nowMs / 1e3),
    jti: randomId()
  };
  if (input2.accessToken !== void 0) payload.ath = await accessTokenHash(input2.accessToken);
  if (input2.nonce !== void 0) payload.nonce = input2.nonce;
  return signEs256(input2.keyPair.privateKey, header, payload);
}

// ../client/src/dpop-sender.ts
var NONCE_CODES = /* @__PURE__ */ new Set(["dpop.nonce_required", "dpop.use_nonce"]);
async function asksForNonce(response) {
  if (response.status !== 400 && response.status !== 401) return false;
  if (!response.headers.has("dpop-nonce")) return false;
  if (/\berror="use_dpop_nonce"/.test(response.headers.get("www-authenticate") ?? "")) return true;
  const problem = await readProblem(response);
  return problem !== void 0 && NONCE_CODES.has(problem.code);
}
function createDpopSender(now) {
  let nonce;
  const attempt = async (request, keyPair, accessToken) => {
    const headers = new Headers(request.headers);
    const proof = await createDpopProof({
      keyPair,
      method: request.method,
      url: request.url,
      accessToken,
      nonce,
      nowMs: now()
    });
    headers.set("dpop", proof);
    if (accessToken !== void 0) headers.set("authorization", `DPoP ${accessToken}`);
    const response = await sendRequest(new Request(request, { headers }));
    nonce = response.headers.get("dpop-nonce") ?? nonce;
    return response;
  };
  return {
    async send(request, keyPair, accessToken) {
      const spare = request.clone();
      const response = await attempt(request, keyPair, accessToken);
      if (!await asksForNonce(response)) return response;
      return attempt(spare, keyPair, accessToken);
    }
  };
}

// ../client/src/step-up.ts
function createStepUpRunner(deps) {
  let inFlight;
  const run = async (input2 = {}) => {
    if (input2.password !== void 0) {
      return deps.signedCall("POST", "/auth/step-up/password", {
        password: input2.password
      });
    }
    const start = await deps.signedCall("POST", "/auth/step-up/start", {});
    const credential = await deps.webauthn.getCredential(start.options, { autofill: false });
    return deps.signedCall("POST", "/auth/step-up/finish", {
      flowId: start.flowId,
      credential
    });
  };
  return {
    run,
    shared() {
      inFlight ??= run().finally(() => {
        inFlight = void 0;
      });
      return inFlight;
    }
  };
}
function withStepUpRetry(send, stepUp) {
  return async (request) => {
    const spare = request.clone();
    const response = await send(request);
    if (response.status !== 401) return response;
    if ((await readProblem(response))?.code !== "auth.step_up_required") return response;
    await stepUp.shared();
    return send(spare);
  };
}

// ../client/src/client-context.ts
function createClientContext(config) {
  const dpop = config.binding === "dpop" ? createDpopSender(config.now) : void 0;
  const session = createDeviceSession({ ...config, dpop });
  const send = (request) => session.send(request);
  const stepUp = createStepUpRunner({
    signedCall: apiCaller(config.baseUrl, send),
    webauthn: config.webauthn
  });
  const signedSend = config.autoStepUp ? withStepUpRetry(send, stepUp) : send;
  return {
    config,
    session,
    call: apiCaller(config.baseUrl, sendRequest),
    signedCall: apiCaller(config.baseUrl, signedSend),
    signedSend,
    stepUp,
    signIn: createSignIn(config, session, dpop)
  };
}
function createSignIn(config, session, dpop) {
  return async (path, body) => {
    const keyPair = await generateDeviceKeyPair();
    const devicePublicKey = await exportDevicePublicJwk(keyPair.publicKey);
    const fields = dpop === void 0 ? { ...body, devicePublicKey } : { ...body, devicePublicKey, session: "bearer" };
    const request = createJsonRequest(apiUrl(config.baseUrl, path), "POST", fields);
    const response = await (dpop === void 0 ? sendRequest(request) : dpop.send(request, keyPair));
    const result = await readJsonResponse(response);
    if (typeof result?.deviceId !== "string") {
      throw new KeyshipError({ code: "client.unexpected_response", status: response.status });
    }
    const tokens = dpop === void 0 ? void 0 : dpopTokensOf(result, config.now());
    const record = { deviceId: result.deviceId, keyPair };
    const replaced = await session.adopt(
      tokens === void 0 ? record : { ...record, dpop: tokens }
    );
    if (replaced !== void 0) retireDevice(config, replaced).catch(() => {
    });
    return tokens === void 0 ? result : withoutTokens(result);
  };
}

// ../client/src/oauth.ts
function currentPath() {
  return `${location.pathname}${location.search}`;
}
function takeFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (![...params.keys()].some((key) => key.startsWith("keyship_oauth"))) return null;
  history.replaceState(history.state, "", currentPath());
  return params;
}
function oauthMethods(deps) {
  const { call, signedCall } = deps;
  const goToProvider = async (purpose, provider, returnTo) => {
    const { url } = await signedCall(
      "POST",
      `/auth/oauth/${encodeURIComponent(provider)}/${purpose}`,
      { returnTo: returnTo ?? currentPath() }
    );
    location.assign(url);
  };
  return {
    async listProviders() {
      return (await call("GET", "/auth/oauth/providers")).providers;
    },
    signInWith(provider, options = {}) {
      const returnTo = encodeURIComponent(options.returnTo ?? currentPath());
      location.assign(
        `${deps.baseUrl}/auth/oauth/${encodeURIComponent(provider)}/start?returnTo=${returnTo}`
      );
    },
    async completeOAuth() {
      const params = takeFragment();
      if (params === null) return null;
      const error = params.get("keyship_oauth_error");
      if (error !== null) throw new KeyshipError({ code: error });
      const linked = params.get("keyship_oauth_linked");
      if (linked !== null) return { kind: "linked", provider: linked };
      const steppedUp = params.get("keyship_oauth_stepped_up");
      if (steppedUp !== null) return { kind: "stepped_up", provider: steppedUp };
      const code = params.get("keyship_oauth") ?? "";
      const result = await deps.signIn("/auth/oauth/exchange", {
        code,
        deviceLabel: deps.deviceLabel
      });
      return { kind: "signed_in", ...result };
    },
    linkAccount: (provider, options = {}) => goToProvider("link", provider, options.returnTo),
    stepUpWith: (provider, options = {}) => goToProvider("step-up", provider, options.returnTo),
    async listAccounts() {
      return (await signedCall("GET", "/auth/accounts")).accounts;
    },
    async unlinkAccount(id) {
      await signedCall("POST", `/auth/accounts/${encodeURIComponent(id)}/unlink`);
    }
  };
}

// ../client/src/indexeddb-key-store.ts
var OBJECT_STORE = "devices";
function indexedDbKeyStore(options = {}) {
  const databaseName = options.databaseName ?? "keyship";
  const recordKey = options.recordKey ?? "device";
  let opening;
  const database = () => {
    opening ??= openDatabase(databaseName).then(
      (db) => {
        db.onversionchange = () => {
          db.close();
          opening = void 0;
        };
        db.onclose = () => {
          opening = void 0;
        };
        return db;
      },
      (error) => {
        opening = void 0;
        throw error;
      }
    );
    return opening;
  };
  const run = async (mode, operation) => {
    const db = await database();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(OBJECT_STORE, mode);
      const request = operation(transaction.objectStore(OBJECT_STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(storageFailed(transaction.error));
      transaction.onabort = () => reject(storageFailed(transaction.error));
    });
  };
  return {
    async load() {
      const value = await run("readonly", (store) => store.get(recordKey));
      return isDeviceRecord(value) ? value : void 0;
    },
    async save(record) {
      const { deviceId, keyPair, dpop } = record;
      const value = dpop === void 0 ? { deviceId, keyPair } : { deviceId, keyPair, dpop };
      await run("readwrite", (store) => store.put(value, recordKey));
    },
    async clear() {
      await run("readwrite", (store) => store.delete(recordKey));
    }
  };
}
function openDatabase(name) {
  const factory = globalThis.indexedDB;
  if (factory === void 0) {
    return Promise.reject(
      new KeyshipError({ code: "client.unsupported", detail: "IndexedDB is unavailable." })
    );
  }
  return new Promise((resolve, reject) => {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(OBJECT_STORE)) {
        request.result.createObjectStore(OBJECT_STORE);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(storageFailed(request.error));
  });
}
function storageFailed(cause) {
  return new KeyshipError({ code: "client.storage_failed", cause });
}
function isDeviceRecord(value) {
  if (typeof value !== "object" || value === null) return false;
  const record = value;
  const keyPair = record.keyPair;
  return typeof record.deviceId === "string" && typeof keyPair === "object" && keyPair !== null && keyPair.privateKey instanceof CryptoKey && keyPair.publicKey instanceof CryptoKey && (record.dpop === void 0 || isDpopTokens(record.dpop));
}
function isDpopTokens(value) {
  if (typeof value !== "object" || value === null) return false;
  const tokens = value;
  return typeof tokens.sessionId === "string" && typeof tokens.accessToken === "string" && typeof tokens.refreshToken === "string" && typeof tokens.expiresAtMs === "number";
}

// ../../node_modules/@simplewebauthn/browser/esm/helpers/bufferToBase64URLString.js
function bufferToBase64URLString(buffer) {
  const bytes = new Uint8Array(buffer);
  let str = "";
  for (const charCode of bytes) {
    str += String.fromCharCode(charCode);
  }
  const base64String = btoa(str);
  return base64String.replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}

// ../../node_modules/@simplewebauthn/browser/esm/helpers/base64URLStringToBuffer.js
function base64URLStringToBuffer(base64URLString) {
  const base64 = base64URLString.replace(/-/g, "+").replace(/_/g, "/");
  const padLength = (4 - base64.length % 4) % 4;
  const padded = base64.padEnd(base64.length + padLength, "=");
  const binary = atob(padded);
  const buffer = new ArrayBuffer(binary.length);
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return buffer;
}

// ../../node_modules/@simplewebauthn/browser/esm/helpers/browserSupportsWebAuthn.js
function browserSupportsWebAuthn() {
  return _browserSupportsWebAuthnInternals.stubThis(globalThis?.PublicKeyCredential !== void 0 && typeof globalThis.PublicKeyCredential === "function");
}
var _browserSupportsWebAuthnInternals = {
  stubThis: (value) => value
};

// ../../node_modules/@simplewebauthn/browser/esm/helpers/toPublicKeyCredentialDescriptor.js
function toPublicKeyCredentialDescriptor(descriptor) {
  const { id } = descriptor;
  return {
    ...descriptor,
    id: base64URLStringToBuffer(id),
    transports: descriptor.transports,
    type: descriptor.type
  };
}

// ../../node_modules/@simplewebauthn/browser/esm/helpers/isValidDomain.js
function isValidDomain(hostname) {
  return (
    // Consider localhost valid as well since it's okay wrt Secure Contexts
    hostname === "localhost" || // Support punycode (ACE) or ascii labels and domains
    /^((xn--[a-z0-9-]+|[a-z0-9]+(-[a-z0-9]+)*)\.)+([a-z]{2,}|xn--[a-z0-9-]+)$/i.test(hostname)
  );
}

// ../../node_modules/@simplewebauthn/browser/esm/helpers/webAuthnError.js
var WebAuthnError = class extends Error {
  constructor({ message, code, cause, name }) {
    super(message, { cause });
    Object.defineProperty(this, "code", {
      enumerable: true,
      configurable: true,
      writable: true,
      value: void 0
    });
    this.name = name ?? cause.name;
    this.code = code;
  }
};

// ../../node_modules/@simplewebauthn/browser/esm/helpers/identifyRegistrationError.js
function identifyRegistrationError({ error, options }) {
  const { publicKey } = options;
  if (!publicKey) {
    throw Error("options was missing required publicKey property");
  }
  if (error.name === "AbortError") {
    if (options.signal instanceof AbortSignal) {
      return new WebAuthnError({
        message: "Registration ceremony was sent an abort signal",
        code: "ERROR_CEREMONY_ABORTED",
        cause: error
      });
    }
  } else if (error.name === "ConstraintError") {
    if (publicKey.authenticatorSelection?.requireResidentKey === true) {
      return new WebAuthnError({
        message: "Discoverable credentials were required but no available authenticator supported it",
        code: "ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT",
        cause: error
      });
    } else if (
      // @ts-ignore: `mediation` doesn't yet exist on CredentialCreationOptions but it's possible as of Sept 2024
      options.mediation === "conditional" && publicKey.authenticatorSelection?.userVerification === "required"
    ) {
      return new WebAuthnError({
        message: "User verification was required during automatic registration but it could not be performed",
        code: "ERROR_AUTO_REGISTER_USER_VERIFICATION_FAILURE",
        cause: error
      });
    } else if (publicKey.authenticatorSelection?.userVerification === "required") {
      return new WebAuthnError({
        message: "User verification was required but no available authenticator supported it",
        code: "ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT",
        cause: error
      });
    }
  } else if (error.name === "InvalidStateError") {
    return new WebAuthnError({
      message: "The authenticator was previously registered",
      code: "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED",
      cause: error
    });
  } else if (error.name === "NotAllowedError") {
    return new WebAuthnError({
      message: error.message,
      code: "ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY",
      cause: error
    });
  } else if (error.name === "NotSupportedError") {
    const validPubKeyCredParams = publicKey.pubKeyCredParams.filter((param) => param.type === "public-key");
    if (validPubKeyCredParams.length === 0) {
      return new WebAuthnError({
        message: 'No entry in pubKeyCredParams was of type "public-key"',
        code: "ERROR_MALFORMED_PUBKEYCREDPARAMS",
        cause: error
      });
    }
    return new WebAuthnError({
      message: "No available authenticator supported any of the specified pubKeyCredParams algorithms",
      code: "ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG",
      cause: error
    });
  } else if (error.name === "SecurityError") {
    const effectiveDomain = globalThis.location.hostname;
    if (!isValidDomain(effectiveDomain)) {
      return new WebAuthnError({
        message: `${globalThis.location.hostname} is an invalid domain`,
        code: "ERROR_INVALID_DOMAIN",
        cause: error
      });
    } else if (publicKey.rp.id !== effectiveDomain) {
      return new WebAuthnError({
        message: `The RP ID "${publicKey.rp.id}" is invalid for this domain`,
        code: "ERROR_INVALID_RP_ID",
        cause: error
      });
    }
  } else if (error.name === "TypeError") {
    if (publicKey.user.id.byteLength < 1 || publicKey.user.id.byteLength > 64) {
      return new WebAuthnError({
        message: "User ID was not between 1 and 64 characters",
        code: "ERROR_INVALID_USER_ID_LENGTH",
        cause: error
      });
    }
  } else if (error.name === "UnknownError") {
    return new WebAuthnError({
      message: "The authenticator was unable to process the specified options, or could not create a new credential",
      code: "ERROR_AUTHENTICATOR_GENERAL_ERROR",
      cause: error
    });
  }
  return error;
}

// ../../node_modules/@simplewebauthn/browser/esm/helpers/webAuthnAbortService.js
var BaseWebAuthnAbortService = class {
  constructor() {
    Object.defineProperty(this, "controller", {
      enumerable: true,
      configurable: true,
      writable: true,
      value: void 0
    });
  }
  createNewAbortSignal() {
    if (this.controller) {
      const abortError = new Error("Cancelling existing WebAuthn API call for new one");
      abortError.name = "AbortError";
      this.controller.abort(abortError);
    }
    const newController = new AbortController();
    this.controller = newController;
    return newController.signal;
  }
  cancelCeremony() {
    if (this.controller) {
      const abortError = new Error("Manually cancelling existing WebAuthn API call");
      abortError.name = "AbortError";
      this.controller.abort(abortError);
      this.controller = void 0;
    }
  }
};
var WebAuthnAbortService = new BaseWebAuthnAbortService();

// ../../node_modules/@simplewebauthn/browser/esm/helpers/toAuthenticatorAttachment.js
var attachments = ["cross-platform", "platform"];
function toAuthenticatorAttachment(attachment) {
  if (!attachment) {
    return;
  }
  if (attachments.indexOf(attachment) < 0) {
    return;
  }
  return attachment;
}

// ../../node_modules/@simplewebauthn/browser/esm/methods/startRegistration.js
async function startRegistration(options) {
  if (!options.optionsJSON && options.challenge) {
    console.warn("startRegistration() was not called correctly. It will try to continue with the provided options, but this call should be refactored to use the expected call structure instead. See https://simplewebauthn.dev/docs/packages/browser#typeerror-cannot-read-properties-of-undefined-reading-challenge for more information.");
    options = { optionsJSON: options };
  }
  const { optionsJSON, useAutoRegister = false } = options;
  if (!browserSupportsWebAuthn()) {
    throw new Error("WebAuthn is not supported in this browser");
  }
  const publicKey = {
    ...optionsJSON,
    challenge: base64URLStringToBuffer(optionsJSON.challenge),
    user: {
      ...optionsJSON.user,
      id: base64URLStringToBuffer(optionsJSON.user.id)
    },
    excludeCredentials: optionsJSON.excludeCredentials?.map(toPublicKeyCredentialDescriptor)
  };
  const createOptions = {};
  if (useAutoRegister) {
    createOptions.mediation = "conditional";
  }
  createOptions.publicKey = publicKey;
  createOptions.signal = WebAuthnAbortService.createNewAbortSignal();
  let credential;
  try {
    credential = await navigator.credentials.create(
      // TODO: Newer versions of Deno require this casting, revisit once we're using Deno 2.6+
      createOptions
    );
  } catch (err) {
    throw identifyRegistrationError({ error: err, options: createOptions });
  }
  if (!credential) {
    throw new Error("Registration was not completed");
  }
  const { id, rawId, response, type } = credential;
  let transports = void 0;
  if (typeof response.getTransports === "function") {
    transports = response.getTransports();
  }
  let responsePublicKeyAlgorithm = void 0;
  if (typeof response.getPublicKeyAlgorithm === "function") {
    try {
      responsePublicKeyAlgorithm = response.getPublicKeyAlgorithm();
    } catch (error) {
      warnOnBrokenImplementation("getPublicKeyAlgorithm()", error);
    }
  }
  let responsePublicKey = void 0;
  if (typeof response.getPublicKey === "function") {
    try {
      const _publicKey = response.getPublicKey();
      if (_publicKey !== null) {
        responsePublicKey = bufferToBase64URLString(_publicKey);
      }
    } catch (error) {
      warnOnBrokenImplementation("getPublicKey()", error);
    }
  }
  let responseAuthenticatorData;
  if (typeof response.getAuthenticatorData === "function") {
    try {
      responseAuthenticatorData = bufferToBase64URLString(response.getAuthenticatorData());
    } catch (error) {
      warnOnBrokenImplementation("getAuthenticatorData()", error);
    }
  }
  return {
    id,
    rawId: bufferToBase64URLString(rawId),
    response: {
      attestationObject: bufferToBase64URLString(response.attestationObject),
      clientDataJSON: bufferToBase64URLString(response.clientDataJSON),
      transports,
      publicKeyAlgorithm: responsePublicKeyAlgorithm,
      publicKey: responsePublicKey,
      authenticatorData: responseAuthenticatorData
    },
    type,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: toAuthenticatorAttachment(credential.authenticatorAttachment)
  };
}
function warnOnBrokenImplementation(methodName, cause) {
  console.warn(`The browser extension that intercepted this WebAuthn API call incorrectly implemented ${methodName}. You should report this error to them.
`, cause);
}

// ../../node_modules/@simplewebauthn/browser/esm/helpers/browserSupportsWebAuthnAutofill.js
function browserSupportsWebAuthnAutofill() {
  if (!browserSupportsWebAuthn()) {
    return _browserSupportsWebAuthnAutofillInternals.stubThis(new Promise((resolve) => resolve(false)));
  }
  const globalPublicKeyCredential = globalThis.PublicKeyCredential;
  if (globalPublicKeyCredential?.isConditionalMediationAvailable === void 0) {
    return _browserSupportsWebAuthnAutofillInternals.stubThis(new Promise((resolve) => resolve(false)));
  }
  return _browserSupportsWebAuthnAutofillInternals.stubThis(globalPublicKeyCredential.isConditionalMediationAvailable());
}
var _browserSupportsWebAuthnAutofillInternals = {
  stubThis: (value) => value
};

// ../../node_modules/@simplewebauthn/browser/esm/helpers/identifyAuthenticationError.js
function identifyAuthenticationError({ error, options }) {
  const { publicKey } = options;
  if (!publicKey) {
    throw Error("options was missing required publicKey property");
  }
  if (error.name === "AbortError") {
    if (options.signal instanceof AbortSignal) {
      return new WebAuthnError({
        message: "Authentication ceremony was sent an abort signal",
        code: "ERROR_CEREMONY_ABORTED",
        cause: error
      });
    }
  } else if (error.name === "NotAllowedError") {
    return new WebAuthnError({
      message: error.message,
      code: "ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY",
      cause: error
    });
  } else if (error.name === "SecurityError") {
    const effectiveDomain = globalThis.location.hostname;
    if (!isValidDomain(effectiveDomain)) {
      return new WebAuthnError({
        message: `${globalThis.location.hostname} is an invalid domain`,
        code: "ERROR_INVALID_DOMAIN",
        cause: error
      });
    } else if (publicKey.rpId !== effectiveDomain) {
      return new WebAuthnError({
        message: `The RP ID "${publicKey.rpId}" is invalid for this domain`,
        code: "ERROR_INVALID_RP_ID",
        cause: error
      });
    }
  } else if (error.name === "UnknownError") {
    return new WebAuthnError({
      message: "The authenticator was unable to process the specified options, or could not create a new assertion signature",
      code: "ERROR_AUTHENTICATOR_GENERAL_ERROR",
      cause: error
    });
  }
  return error;
}

// ../../node_modules/@simplewebauthn/browser/esm/methods/startAuthentication.js
async function startAuthentication(options) {
  if (!options.optionsJSON && options.challenge) {
    console.warn("startAuthentication() was not called correctly. It will try to continue with the provided options, but this call should be refactored to use the expected call structure instead. See https://simplewebauthn.dev/docs/packages/browser#typeerror-cannot-read-properties-of-undefined-reading-challenge for more information.");
    options = { optionsJSON: options };
  }
  const { optionsJSON, useBrowserAutofill = false, verifyBrowserAutofillInput = true } = options;
  if (!browserSupportsWebAuthn()) {
    throw new Error("WebAuthn is not supported in this browser");
  }
  let allowCredentials;
  if (optionsJSON.allowCredentials?.length !== 0) {
    allowCredentials = optionsJSON.allowCredentials?.map(toPublicKeyCredentialDescriptor);
  }
  const publicKey = {
    ...optionsJSON,
    challenge: base64URLStringToBuffer(optionsJSON.challenge),
    allowCredentials
  };
  const getOptions = {};
  if (useBrowserAutofill) {
    if (!await browserSupportsWebAuthnAutofill()) {
      throw Error("Browser does not support WebAuthn autofill");
    }
    const eligibleInputs = document.querySelectorAll("input[autocomplete$='webauthn']");
    if (eligibleInputs.length < 1 && verifyBrowserAutofillInput) {
      throw Error('No <input> with "webauthn" as the only or last value in its `autocomplete` attribute was detected');
    }
    getOptions.mediation = "conditional";
    publicKey.allowCredentials = [];
  }
  getOptions.publicKey = publicKey;
  getOptions.signal = WebAuthnAbortService.createNewAbortSignal();
  let credential;
  try {
    credential = await navigator.credentials.get(
      // TODO: Newer versions of Deno require this casting, revisit once we're using Deno 2.6+
      getOptions
    );
  } catch (err) {
    throw identifyAuthenticationError({ error: err, options: getOptions });
  }
  if (!credential) {
    throw new Error("Authentication was not completed");
  }
  const { id, rawId, response, type } = credential;
  let userHandle = void 0;
  if (response.userHandle) {
    userHandle = bufferToBase64URLString(response.userHandle);
  }
  return {
    id,
    rawId: bufferToBase64URLString(rawId),
    response: {
      authenticatorData: bufferToBase64URLString(response.authenticatorData),
      clientDataJSON: bufferToBase64URLString(response.clientDataJSON),
      signature: bufferToBase64URLString(response.signature),
      userHandle
    },
    type,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: toAuthenticatorAttachment(credential.authenticatorAttachment)
  };
}

// ../client/src/webauthn.ts
var browserWebAuthn = {
  async createCredential(optionsJSON) {
    assertWebAuthn();
    try {
      return await startRegistration({ optionsJSON });
    } catch (error) {
      throw translateWebAuthnError(error);
    }
  },
  async getCredential(optionsJSON, mode) {
    assertWebAuthn();
    try {
      return await startAuthentication({ optionsJSON, useBrowserAutofill: mode.autofill });
    } catch (error) {
      throw translateWebAuthnError(error);
    }
  },
  supportsAutofill() {
    return browserSupportsWebAuthnAutofill();
  }
};
function assertWebAuthn() {
  if (!browserSupportsWebAuthn()) throw new KeyshipError({ code: "webauthn.unsupported" });
}
function translateWebAuthnError(error) {
  if (error instanceof KeyshipError) return error;
  if (error instanceof WebAuthnError) {
    if (error.code === "ERROR_CEREMONY_ABORTED") {
      return new KeyshipError({ code: "webauthn.aborted", cause: error });
    }
    if (error.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") {
      return new KeyshipError({ code: "webauthn.already_registered", cause: error });
    }
  }
  if (error instanceof Error && error.name === "NotAllowedError") {
    return new KeyshipError({ code: "webauthn.not_allowed", cause: error });
  }
  return new KeyshipError({ code: "webauthn.failed", cause: error });
}

// ../client/src/options.ts
function resolveClientOptions(options) {
  const problems = [];
  const baseUrl = normaliseBaseUrl(options.baseUrl, problems);
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 300;
  const tokenRefreshMarginSeconds = options.tokenRefreshMarginSeconds ?? 60;
  const wsTokenLifetimeSeconds = options.wsTokenLifetimeSeconds ?? 60;
  const max = MAX_DEVICE_TOKEN_LIFETIME_SECONDS;
  if (!isIntegerIn(tokenLifetimeSeconds, 30, max)) {
    problems.push(`tokenLifetimeSeconds must be an integer in 30…${max}`);
  }
  if (!isIntegerIn(tokenRefreshMarginSeconds, 0, tokenLifetimeSeconds - 1)) {
    problems.push("tokenRefreshMarginSeconds must be an integer below tokenLifetimeSeconds");
  }
  if (!isIntegerIn(wsTokenLifetimeSeconds, 1, max)) {
    problems.push(`wsTokenLifetimeSeconds must be an integer in 1…${max}`);
  }
  const apiOrigins = (options.apiOrigins ?? (baseUrl ? [new URL(baseUrl).origin] : [])).map(
    (origin) => normaliseOrigin(origin, problems)
  );
  const binding = options.binding ?? "device";
  if (binding !== "device" && binding !== "dpop")
    problems.push('binding must be "device" or "dpop"');
  if (problems.length > 0 || baseUrl === void 0) {
    throw new KeyshipError({ code: "client.invalid_options", detail: problems.join("; ") });
  }
  return Object.freeze({
    baseUrl,
    keyStore: options.keyStore ?? indexedDbKeyStore({ recordKey: baseUrl }),
    deviceLabel: options.deviceLabel,
    apiOrigins: Object.freeze(apiOrigins),
    tokenLifetimeSeconds,
    tokenRefreshMarginSeconds,
    wsTokenLifetimeSeconds,
    now: options.now ?? Date.now,
    webauthn: options.webauthn ?? browserWebAuthn,
    onSignedOut: options.onSignedOut,
    autoStepUp: options.autoStepUp ?? true,
    binding
  });
}
function normaliseBaseUrl(value, problems) {
  let url;
  try {
    url = new URL(value);
  } catch {
    problems.push("baseUrl must be an absolute URL");
    return void 0;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    problems.push("baseUrl must be an http: or https: URL");
    return void 0;
  }
  if (url.search !== "" || url.hash !== "") {
    problems.push("baseUrl must not have a query or a fragment");
    return void 0;
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
function normaliseOrigin(value, problems) {
  try {
    const { origin } = new URL(value);
    if (origin !== "null") return origin;
  } catch {
  }
  problems.push(`apiOrigins: ${JSON.stringify(value)} is not an http(s) origin`);
  return value;
}
function isIntegerIn(value, min, max) {
  return Number.isInteger(value) && value >= min && value <= max;
}

// ../client/src/passkey-methods.ts
function finishPasskeySignIn(context, path, start, credential) {
  return context.signIn(path, {
    flowId: start.flowId,
    credential,
    deviceLabel: context.config.deviceLabel
  });
}
async function passkeyLogin(context, autofill) {
  const start = await context.call(
    "POST",
    "/auth/passkey/login/start",
    {}
  );
  const credential = await context.config.webauthn.getCredential(start.options, { autofill });
  return finishPasskeySignIn(context, "/auth/passkey/login/finish", start, credential);
}
function passkeyCeremonies(context) {
  const { call, signedCall } = context;
  const { webauthn } = context.config;
  return {
    async register(input2 = {}) {
      const start = await call(
        "POST",
        "/auth/passkey/register/start",
        { ...input2.fields, email: input2.email, displayName: input2.displayName }
      );
      const credential = await webauthn.createCredential(start.options);
      return finishPasskeySignIn(context, "/auth/passkey/register/finish", start, credential);
    },
    login: () => passkeyLogin(context, false),
    async loginWithAutofill(inputSelector) {
      prepareAutofillInput(inputSelector);
      if (!await webauthn.supportsAutofill()) {
        throw new KeyshipError({ code: "webauthn.autofill_unsupported" });
      }
      return passkeyLogin(context, true);
    },
    async addPasskey(input2 = {}) {
      const start = await signedCall(
        "POST",
        "/auth/passkey/add/start",
        {}
      );
      const credential = await webauthn.createCredential(start.options);
      return signedCall("POST", "/auth/passkey/add/finish", {
        flowId: start.flowId,
        credential,
        name: input2.name
      });
    }
  };
}

// ../client/src/password-methods.ts
function passwordMethods(context) {
  const { signIn: signIn2 } = context;
  return {
    registerWithPassword: (input2) => signIn2("/auth/register", {
      ...input2.fields,
      email: input2.email,
      password: input2.password,
      displayName: input2.displayName
    }),
    loginWithPassword: (input2) => signIn2("/auth/login", { email: input2.email, password: input2.password })
  };
}

// ../client/src/profile.ts
function profileMethods(context) {
  const { signedCall, session } = context;
  return {
    me: () => signedCall("GET", "/auth/me"),
    updateProfile: (patch) => signedCall("PATCH", "/auth/me", patch),
    async deleteAccount() {
      const record = await session.require();
      await signedCall("DELETE", "/auth/me");
      await session.end(record.deviceId, "deleted");
    }
  };
}

// ../../node_modules/eventsource-parser/dist/index.js
var ParseError = class extends Error {
  constructor(message, options) {
    super(message), this.name = "ParseError", this.type = options.type, this.field = options.field, this.value = options.value, this.line = options.line;
  }
};
var LF = 10;
var CR = 13;
var SPACE = 32;
function noop(_arg) {
}
function createParser(config) {
  if (typeof config == "function")
    throw new TypeError(
      "`config` must be an object, got a function instead. Did you mean `createParser({onEvent: fn})`?"
    );
  const { onEvent = noop, onError = noop, onRetry = noop, onComment, maxBufferSize } = config, pendingFragments = [];
  let pendingFragmentsLength = 0, isFirstChunk = true, id, data = "", dataLines = 0, eventType, terminated = false;
  function feed(chunk) {
    if (terminated)
      throw new Error(
        "Cannot feed parser: it was terminated after exceeding the configured max buffer size. Call `reset()` to resume parsing."
      );
    if (isFirstChunk && (isFirstChunk = false, chunk.charCodeAt(0) === 239 && chunk.charCodeAt(1) === 187 && chunk.charCodeAt(2) === 191 && (chunk = chunk.slice(3))), pendingFragments.length === 0) {
      const trailing2 = processLines(chunk);
      trailing2 !== "" && (pendingFragments.push(trailing2), pendingFragmentsLength = trailing2.length), checkBufferSize();
      return;
    }
    if (chunk.indexOf(`
`) === -1 && chunk.indexOf("\r") === -1) {
      pendingFragments.push(chunk), pendingFragmentsLength += chunk.length, checkBufferSize();
      return;
    }
    pendingFragments.push(chunk);
    const input2 = pendingFragments.join("");
    pendingFragments.length = 0, pendingFragmentsLength = 0;
    const trailing = processLines(input2);
    trailing !== "" && (pendingFragments.push(trailing), pendingFragmentsLength = trailing.length), checkBufferSize();
  }
  function checkBufferSize() {
    maxBufferSize !== void 0 && (pendingFragmentsLength + data.length <= maxBufferSize || (terminated = true, pendingFragments.length = 0, pendingFragmentsLength = 0, id = void 0, data = "", dataLines = 0, eventType = void 0, onError(
      new ParseError(`Buffered data exceeded max buffer size of ${maxBufferSize} characters`, {
        type: "max-buffer-size-exceeded"
      })
    )));
  }
  function processLines(chunk) {
    let searchIndex = 0;
    if (chunk.indexOf("\r") === -1) {
      let lfIndex = chunk.indexOf(`
`, searchIndex);
      for (; lfIndex !== -1; ) {
        if (searchIndex === lfIndex) {
          dataLines > 0 && onEvent({ id, event: eventType, data }), id = void 0, data = "", dataLines = 0, eventType = void 0, searchIndex = lfIndex + 1, lfIndex = chunk.indexOf(`
`, searchIndex);
          continue;
        }
        const firstCharCode = chunk.charCodeAt(searchIndex);
        if (isDataPrefix(chunk, searchIndex, firstCharCode)) {
          const valueStart = chunk.charCodeAt(searchIndex + 5) === SPACE ? searchIndex + 6 : searchIndex + 5, value = chunk.slice(valueStart, lfIndex);
          if (dataLines === 0 && chunk.charCodeAt(lfIndex + 1) === LF) {
            onEvent({ id, event: eventType, data: value }), id = void 0, data = "", eventType = void 0, searchIndex = lfIndex + 2, lfIndex = chunk.indexOf(`
`, searchIndex);
            continue;
          }
          data = dataLines === 0 ? value : `${data}
${value}`, dataLines++;
        } else isEventPrefix(chunk, searchIndex, firstCharCode) ? eventType = chunk.slice(
          chunk.charCodeAt(searchIndex + 6) === SPACE ? searchIndex + 7 : searchIndex + 6,
          lfIndex
        ) || void 0 : parseLine(chunk, searchIndex, lfIndex);
        searchIndex = lfIndex + 1, lfIndex = chunk.indexOf(`
`, searchIndex);
      }
      return chunk.slice(searchIndex);
    }
    for (; searchIndex < chunk.length; ) {
      const crIndex = chunk.indexOf("\r", searchIndex), lfIndex = chunk.indexOf(`
`, searchIndex);
      let lineEnd = -1;
      if (crIndex !== -1 && lfIndex !== -1 ? lineEnd = crIndex < lfIndex ? crIndex : lfIndex : crIndex !== -1 ? crIndex === chunk.length - 1 ? lineEnd = -1 : lineEnd = crIndex : lfIndex !== -1 && (lineEnd = lfIndex), lineEnd === -1)
        break;
      parseLine(chunk, searchIndex, lineEnd), searchIndex = lineEnd + 1, chunk.charCodeAt(searchIndex - 1) === CR && chunk.charCodeAt(searchIndex) === LF && searchIndex++;
    }
    return chunk.slice(searchIndex);
  }
  function parseLine(chunk, start, end) {
    if (start === end) {
      dispatchEvent();
      return;
    }
    const firstCharCode = chunk.charCodeAt(start);
    if (isDataPrefix(chunk, start, firstCharCode)) {
      const valueStart = chunk.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, value2 = chunk.slice(valueStart, end);
      data = dataLines === 0 ? value2 : `${data}
${value2}`, dataLines++;
      return;
    }
    if (isEventPrefix(chunk, start, firstCharCode)) {
      eventType = chunk.slice(chunk.charCodeAt(start + 6) === SPACE ? start + 7 : start + 6, end) || void 0;
      return;
    }
    if (firstCharCode === 105 && chunk.charCodeAt(start + 1) === 100 && chunk.charCodeAt(start + 2) === 58) {
      const value2 = chunk.slice(chunk.charCodeAt(start + 3) === SPACE ? start + 4 : start + 3, end);
      value2.includes("\0") || (id = value2);
      return;
    }
    if (firstCharCode === 58) {
      if (onComment) {
        const line2 = chunk.slice(start, end);
        onComment(line2.slice(chunk.charCodeAt(start + 1) === SPACE ? 2 : 1));
      }
      return;
    }
    const line = chunk.slice(start, end), fieldSeparatorIndex = line.indexOf(":");
    if (fieldSeparatorIndex === -1) {
      processField(line, "", line);
      return;
    }
    const field2 = line.slice(0, fieldSeparatorIndex), offset = line.charCodeAt(fieldSeparatorIndex + 1) === SPACE ? 2 : 1, value = line.slice(fieldSeparatorIndex + offset);
    processField(field2, value, line);
  }
  function processField(field2, value, line) {
    switch (field2) {
      case "event":
        eventType = value || void 0;
        break;
      case "data":
        data = dataLines === 0 ? value : `${data}
${value}`, dataLines++;
        break;
      case "id":
        value.includes("\0") || (id = value);
        break;
      case "retry":
        /^\d+$/.test(value) ? onRetry(parseInt(value, 10)) : onError(
          new ParseError(`Invalid \`retry\` value: "${value}"`, {
            type: "invalid-retry",
            value,
            line
          })
        );
        break;
      default:
        onError(
          new ParseError(
            `Unknown field "${field2.length > 20 ? `${field2.slice(0, 20)}…` : field2}"`,
            { type: "unknown-field", field: field2, value, line }
          )
        );
        break;
    }
  }
  function dispatchEvent() {
    dataLines > 0 && onEvent({
      id,
      event: eventType,
      data
    }), id = void 0, data = "", dataLines = 0, eventType = void 0;
  }
  function reset(options = {}) {
    if (options.consume && pendingFragments.length > 0) {
      const incompleteLine = pendingFragments.join("");
      parseLine(incompleteLine, 0, incompleteLine.length);
    }
    isFirstChunk = true, id = void 0, data = "", dataLines = 0, eventType = void 0, pendingFragments.length = 0, pendingFragmentsLength = 0, terminated = false;
  }
  return { feed, reset };
}
function isDataPrefix(chunk, i, firstCharCode) {
  return firstCharCode === 100 && chunk.charCodeAt(i + 1) === 97 && chunk.charCodeAt(i + 2) === 116 && chunk.charCodeAt(i + 3) === 97 && chunk.charCodeAt(i + 4) === 58;
}
function isEventPrefix(chunk, i, firstCharCode) {
  return firstCharCode === 101 && chunk.charCodeAt(i + 1) === 118 && chunk.charCodeAt(i + 2) === 101 && chunk.charCodeAt(i + 3) === 110 && chunk.charCodeAt(i + 4) === 116 && chunk.charCodeAt(i + 5) === 58;
}

// ../../node_modules/eventsource-parser/dist/stream.js
var EventSourceParserStream = class extends TransformStream {
  constructor({ onError, onRetry, onComment, maxBufferSize } = {}) {
    let parser;
    super({
      start(controller) {
        parser = createParser({
          onEvent: (event) => {
            controller.enqueue(event);
          },
          onError(error) {
            typeof onError == "function" && onError(error), (onError === "terminate" || error.type === "max-buffer-size-exceeded") && controller.error(error);
          },
          onRetry,
          onComment,
          maxBufferSize
        });
      },
      transform(chunk) {
        parser.feed(chunk);
      }
    });
  }
};

// ../client/src/realtime.ts
var REALTIME_PROTOCOL = "keyship";
function socketUrl(config, url) {
  const target = new URL(url, `${config.baseUrl}/`);
  if (target.protocol === "http:") target.protocol = "ws:";
  if (target.protocol === "https:") target.protocol = "wss:";
  const httpOrigin = target.origin.replace(/^ws/, "http");
  if (!config.apiOrigins.includes(httpOrigin)) {
    throw new KeyshipError({ code: "client.untrusted_origin" });
  }
  return target;
}
function asEvent(message) {
  return { event: message.event ?? "message", data: message.data, id: message.id };
}
function realtimeMethods(config, credentials) {
  return {
    async openWebSocket(url) {
      const target = socketUrl(config, url);
      const token = await credentials.wsToken();
      return new WebSocket(target, [REALTIME_PROTOCOL, `keyship-token.${token}`]);
    },
    async openEventStream(url, init = {}) {
      const controller = new AbortController();
      init.signal?.addEventListener("abort", () => controller.abort(init.signal?.reason));
      const response = await credentials.fetch(url, {
        headers: { accept: "text/event-stream" },
        signal: controller.signal
      });
      if (!response.ok || response.body === null) throw await errorFromResponse(response);
      const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
      const reader = events.getReader();
      return {
        close: () => controller.abort(),
        async *[Symbol.asyncIterator]() {
          try {
            for (; ; ) {
              const { value, done } = await reader.read();
              if (done) return;
              yield asEvent(value);
            }
          } catch (error) {
            if (controller.signal.aborted) return;
            throw error;
          } finally {
            reader.releaseLock();
          }
        }
      };
    }
  };
}

// ../client/src/recovery.ts
function recoveryMethods(deps) {
  const { call, signedCall } = deps;
  return {
    async changeEmail(newEmail) {
      await signedCall("POST", "/auth/email/change", { newEmail });
    },
    confirmEmailChange: (token) => call("POST", "/auth/email/change/confirm", { token }),
    createRecoveryCodes: () => signedCall("POST", "/auth/recovery-codes"),
    recoveryCodesLeft: () => signedCall("GET", "/auth/recovery-codes"),
    async recoverAccount(proof) {
      const body = "token" in proof ? { token: proof.token } : { email: proof.email, code: proof.code };
      const start = await call("POST", "/auth/recovery/start", body);
      const credential = await deps.webauthn.createCredential(start.options);
      return deps.signIn("/auth/recovery/finish", {
        flowId: start.flowId,
        credential,
        deviceLabel: deps.deviceLabel
      });
    },
    async requestRecoveryEmail(email) {
      await call("POST", "/auth/recovery/email", { email });
    }
  };
}

// ../client/src/client.ts
function createKeyshipClient(options) {
  const context = createClientContext(resolveClientOptions(options));
  const session = sessionMethods(context);
  return {
    ...passkeyCeremonies(context),
    ...accountMethods(context),
    ...profileMethods(context),
    ...session,
    ...passwordMethods(context),
    ...realtimeMethods(context.config, session),
    ...recoveryMethods({
      ...context,
      webauthn: context.config.webauthn,
      deviceLabel: context.config.deviceLabel
    }),
    ...oauthMethods({
      ...context,
      baseUrl: context.config.baseUrl,
      deviceLabel: context.config.deviceLabel
    }),
    stepUp: (input2) => context.stepUp.run(input2)
  };
}

// admin-ui/api.ts
var ApiError = class extends Error {
  code;
  status;
  title;
  traceId;
  errors;
  constructor(init) {
    super(init.detail ?? init.title ?? init.code);
    this.name = "ApiError";
    this.code = init.code;
    this.status = init.status;
    this.title = init.title ?? init.code;
    this.traceId = init.traceId;
    this.errors = init.errors ?? [];
  }
};
function createAdminApi(client2, base) {
  const send = async (method, path, query = {}, body) => {
    const url = new URL(`${base}${path}`, location.origin);
    for (const [name, value] of Object.entries(query)) {
      if (value !== void 0 && value !== "") url.searchParams.set(name, String(value));
    }
    const headers = { accept: "application/json" };
    const init = { method, headers, cache: "no-store" };
    if (method !== "GET") {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body ?? {});
    }
    const response = await client2.fetch(url, init);
    if (!response.ok) throw await apiErrorOf(response);
    return response;
  };
  const json = async (method, path, query, body) => {
    const response = await send(method, path, query, body);
    return response.status === 204 ? void 0 : await response.json();
  };
  const id = encodeURIComponent;
  return {
    overview: () => json("GET", "/overview"),
    users: (filter, limit) => json("GET", "/users", { ...filter, limit }),
    user: (userId) => json("GET", `/users/${id(userId)}`),
    updateUser: (userId, patch) => json("PATCH", `/users/${id(userId)}`, {}, patch),
    setDisabled: (userId, disabled) => json("POST", `/users/${id(userId)}/${disabled ? "disable" : "enable"}`),
    updateProfile: (userId, patch) => json("PATCH", `/users/${id(userId)}/profile`, {}, patch),
    deleteUser: (userId) => json("DELETE", `/users/${id(userId)}`),
    revokeSessions: (userId) => json("POST", `/users/${id(userId)}/revoke-sessions`),
    revoke: (kind, itemId) => json("POST", `/${kind}/${id(itemId)}/revoke`),
    audit: (filter, limit) => json("GET", "/audit", { ...filter, limit }),
    async exportAudit(filter, format) {
      const { cursor: _cursor, ...filters } = filter;
      const response = await send("GET", "/audit/export", { ...filters, format });
      return { blob: await response.blob(), filename: filenameOf(response, format) };
    },
    impersonate: (userId) => json("POST", `/users/${id(userId)}/impersonate`),
    impersonations: () => json("GET", "/impersonation"),
    stopImpersonation: (sessionId) => json("POST", "/impersonation/stop", {}, sessionId === void 0 ? {} : { sessionId })
  };
}
async function apiErrorOf(response) {
  const problem = await readProblem(response);
  return new ApiError({
    code: problem?.code ?? "client.unexpected_response",
    status: response.status,
    title: problem?.title,
    detail: problem?.detail,
    traceId: problem?.traceId,
    errors: problem === void 0 ? [] : await fieldErrorsOf2(response)
  });
}
async function fieldErrorsOf2(response) {
  const body = await response.clone().json().catch(() => null);
  if (!Array.isArray(body?.errors)) return [];
  return body.errors.filter(
    (entry) => typeof entry?.path === "string" && typeof entry?.message === "string"
  );
}
function filenameOf(response, format) {
  const header = response.headers.get("content-disposition") ?? "";
  const match = /filename="?([\w.-]+)"?/i.exec(header);
  return match?.[1] ?? `keyship-audit.${format}`;
}
var MESSAGES = {
  "user.last_admin": "This is the last active admin. Promote someone else first.",
  "auth.forbidden": "This action is not allowed.",
  "resource.not_found": "It does not exist (any more).",
  rate_limited: "Too many attempts. Wait a moment and try again.",
  "webauthn.not_allowed": "The passkey check was cancelled or timed out. Nothing was changed.",
  "client.network_error": "The server could not be reached."
};
function describeError(error) {
  const code = error instanceof ApiError || isKeyshipError(error) ? error.code : void 0;
  if (code !== void 0 && code in MESSAGES) return MESSAGES[code];
  if (error instanceof ApiError && error.errors.length > 0) {
    const named = error.errors.map((e) => `${e.path.replace(/^fields\./, "")}: ${e.message}`);
    return `Not saved. ${named.join("; ")}`;
  }
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (isKeyshipError(error)) return error.detail;
  return "Something went wrong.";
}

// admin-ui/dom.ts
function h(tag, options = null, ...children) {
  const element = document.createElement(tag);
  if (options?.class !== void 0) element.className = options.class;
  for (const [name, value] of Object.entries(options?.attrs ?? {})) {
    if (/^on/i.test(name)) throw new Error(`inline handler attribute ${name} refused`);
    if (value === void 0 || value === null || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [type, listener] of Object.entries(options?.on ?? {})) {
    element.addEventListener(type, listener);
  }
  append(element, children);
  return element;
}
function append(parent, children) {
  for (const child of children) {
    if (child === null || child === void 0 || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}
var DATE_TIME = new Intl.DateTimeFormat(void 0, { dateStyle: "medium", timeStyle: "short" });
var TIME = new Intl.DateTimeFormat(void 0, { timeStyle: "short" });
function time(iso, fallback = "—") {
  if (iso === null || iso === void 0) return h("span", { class: "muted" }, fallback);
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h("span", null, iso);
  return h("time", { attrs: { datetime: iso, title: iso } }, DATE_TIME.format(date));
}
function clockTime(iso) {
  return TIME.format(new Date(iso));
}
function badge(text, tone = "plain") {
  return h("span", { class: `badge badge-${tone}` }, text);
}
function idChip(id) {
  return h("code", { class: "id", attrs: { title: id } }, id);
}
function nameOf(user) {
  return user.displayName ?? user.email ?? user.id;
}
function section(title, ...children) {
  return h("section", { class: "panel" }, h("h2", null, title), ...children);
}
function table(columns, rows, empty = "Nothing here yet.") {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  const head = h("tr", null, ...columns.map((c) => h("th", { attrs: { scope: "col" } }, c)));
  const body = rows.map(
    (cells) => h(
      "tr",
      null,
      ...cells.map((cell, i) => h("td", { attrs: { "data-label": columns[i] } }, cell))
    )
  );
  return h(
    "div",
    { class: "table-wrap" },
    h("table", null, h("thead", null, head), h("tbody", null, ...body))
  );
}
function field(label, control, id) {
  control.id = id;
  return h("div", { class: "field" }, h("label", { attrs: { for: id } }, label), control);
}
function select(name, options, selected) {
  return h(
    "select",
    { attrs: { name } },
    ...options.map(
      ([value, label]) => h("option", { attrs: { value, selected: value === selected } }, label)
    )
  );
}

// admin-ui/impersonation.ts
var METHODS = ["GET", "POST", "PATCH", "DELETE"];
async function requestAs(token, method, path, body) {
  const url = new URL(path, location.origin);
  if (!path.startsWith("/") || url.origin !== location.origin)
    return "Only paths of this server, starting with /.";
  const headers = {
    authorization: `Bearer ${token}`,
    accept: "application/json"
  };
  const init = { method, headers, cache: "no-store" };
  if (method !== "GET") {
    headers["content-type"] = "application/json";
    init.body = body.trim() === "" ? "{}" : body;
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
  }
  return `${response.status} ${response.statusText}

${shown}`;
}
function requestPanel(token, id) {
  const method = h(
    "select",
    { attrs: { name: "method" } },
    ...METHODS.map((m) => h("option", { attrs: { value: m } }, m))
  );
  const path = h("input", {
    attrs: { type: "text", name: "path", value: "/auth/me", spellcheck: "false" }
  });
  const body = h("textarea", {
    attrs: { name: "body", rows: "2", spellcheck: "false", placeholder: "{}" }
  });
  const output = h("pre", { class: "json", attrs: { "aria-live": "polite" } });
  const label = (text, control, suffix) => {
    control.id = `${id}-${suffix}`;
    return h("label", { attrs: { for: control.id } }, text);
  };
  const form = h(
    "form",
    { class: "request-as" },
    h(
      "div",
      { class: "row" },
      label("Method", method, "method"),
      method,
      label("Path", path, "path"),
      path
    ),
    label("JSON body (not for GET)", body, "body"),
    body,
    h("button", { class: "button plain", attrs: { type: "submit" } }, "Send"),
    output
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    output.textContent = "…";
    try {
      output.textContent = await requestAs(token, method.value, path.value.trim(), body.value);
    } catch {
      output.textContent = "The request failed (network error).";
    }
  });
  return h("details", null, h("summary", null, "Send a request as this user"), form);
}
function createImpersonationBanner(slot, api2, notify) {
  const tokens = /* @__PURE__ */ new Map();
  const stop = async (item) => {
    try {
      await api2.stopImpersonation(item.sessionId);
      tokens.delete(item.sessionId);
      notify(`Stopped impersonating ${nameOf({ ...item, id: item.userId })}.`, "ok");
    } catch (error) {
      notify(describeError(error), "bad");
    }
    await refresh();
  };
  const draw = (items) => {
    slot.replaceChildren(
      ...items.map((item, index) => {
        const token = tokens.get(item.sessionId);
        const name = nameOf({ ...item, id: item.userId });
        return h(
          "div",
          { class: "banner", attrs: { role: "region", "aria-label": `Impersonating ${name}` } },
          h(
            "div",
            { class: "banner-line" },
            h(
              "span",
              null,
              "You are impersonating ",
              h("strong", null, name),
              ` until ${clockTime(item.expiresAt)}.`
            ),
            h(
              "button",
              {
                class: "button plain",
                attrs: { type: "button" },
                on: { click: () => void stop(item) }
              },
              "Stop impersonating"
            )
          ),
          token === void 0 ? null : requestPanel(token, `as-${index}`)
        );
      })
    );
    slot.hidden = items.length === 0;
  };
  const refresh = async () => {
    try {
      const { items } = await api2.impersonations();
      const now = Date.now();
      draw(items.filter((item) => Date.parse(item.expiresAt) > now));
    } catch {
    }
  };
  return {
    refresh,
    async started(started) {
      tokens.set(started.sessionId, started.accessToken);
      await refresh();
    }
  };
}

// admin-ui/names.ts
var LOOKUP_PAGE_SIZE = 100;
var LOOKUP_COOLDOWN_MS = 3e4;
function createUserNames(api2) {
  const names = /* @__PURE__ */ new Map();
  let lastLookup = Number.NEGATIVE_INFINITY;
  let lookup;
  const learn = (users) => {
    for (const user of users) {
      const name = user.displayName ?? user.email;
      if (name !== null) names.set(user.id, name);
    }
  };
  return {
    nameOf: (id) => names.get(id),
    learn,
    async resolve(ids) {
      const isMissing = ids.some((id) => id !== null && !names.has(id));
      if (!isMissing || lookup === void 0 && Date.now() - lastLookup < LOOKUP_COOLDOWN_MS)
        return;
      lookup ??= api2.users({}, LOOKUP_PAGE_SIZE).then((page) => learn(page.items)).catch(() => {
      }).finally(() => {
        lastLookup = Date.now();
        lookup = void 0;
      });
      await lookup;
    }
  };
}

// src/audit/model.ts
var AUDIT_ACTIONS = [
  "user.signed_up",
  "user.signed_in",
  "user.sign_in_failed",
  "passkey.added",
  "passkey.renamed",
  "passkey.revoked",
  "device.bound",
  "device.revoked",
  "session.revoked",
  "session.refresh_reused",
  "dbsc.registered",
  "dbsc.registration_failed",
  "dbsc.refresh_failed",
  "password.changed",
  "password.reset_requested",
  "password.reset_completed",
  "email.verified",
  "user.role_changed",
  "user.scopes_changed",
  "user.disabled",
  "user.enabled",
  "stepup.succeeded",
  "stepup.failed",
  "ratelimit.tripped",
  "admin.impersonation_started",
  "admin.impersonation_ended",
  "apikey.created",
  "apikey.rolled",
  "apikey.revoked",
  "client.created",
  "client.secret_rotated",
  "client.deleted",
  "client.token_revoked",
  "client.refresh_reused",
  "client.auth_failed",
  "master.used",
  "user.email_changed",
  "account.recovery_codes_created",
  "account.recovered",
  "account.recovery_failed",
  "oauth.signed_in",
  "oauth.linked",
  "oauth.unlinked",
  "oauth.failed",
  "user.profile_updated",
  "user.deleted"
];

// admin-ui/router.ts
function parseRoute(hash) {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?", 2);
  const query = new URLSearchParams(search);
  const parts = path.split("/").filter((part) => part !== "");
  if (parts.length === 0) return { page: "overview", query };
  if (parts[0] === "users" && parts.length === 1) return { page: "users", query };
  if (parts[0] === "users" && parts.length === 2) {
    return { page: "user", id: decodeURIComponent(parts[1]), query };
  }
  if (parts[0] === "audit" && parts.length === 1) return { page: "audit", query };
  return { page: "not-found", query };
}
function href(path, query = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== void 0 && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return `#${path}${text === "" ? "" : `?${text}`}`;
}
function goTo(hash) {
  if (location.hash === hash) return Promise.resolve();
  return new Promise((resolve) => {
    window.addEventListener("hashchange", () => resolve(), { once: true });
    location.hash = hash;
  });
}
function userHref(id) {
  return `#/users/${encodeURIComponent(id)}`;
}
function pick(query, names) {
  const out = {};
  for (const name of names) {
    const value = query.get(name);
    if (value !== null && value !== "") out[name] = value;
  }
  return out;
}

// admin-ui/events.ts
function userLink(id, names) {
  if (id === null) return h("span", { class: "muted" }, "—");
  const name = names.nameOf(id);
  return h("a", { attrs: { href: userHref(id), title: id } }, name ?? idChip(id));
}
function userIdsOf(events) {
  return events.flatMap((event) => [
    event.actorId,
    event.impersonatorId,
    event.targetType === "user" ? event.targetId : null
  ]);
}
function targetOf(event, names) {
  if (event.targetId === null) return h("span", { class: "muted" }, "—");
  if (event.targetType === "user") return userLink(event.targetId, names);
  return h(
    "span",
    null,
    h("span", { class: "muted" }, `${event.targetType ?? "?"} `),
    idChip(event.targetId)
  );
}
function detailsOf(event, names) {
  const facts = [
    ["Event", idChip(event.id)],
    [
      "Impersonated by",
      event.impersonatorId === null ? null : userLink(event.impersonatorId, names)
    ],
    ["User agent", event.userAgent],
    ["Trace id", event.traceId === null ? null : idChip(event.traceId)]
  ];
  const list = h("dl", { class: "facts" });
  for (const [name, value] of facts) {
    if (value !== null && value !== void 0)
      list.append(h("dt", null, name), h("dd", null, value));
  }
  const hasData = Object.keys(event.data).length > 0;
  return h(
    "details",
    null,
    h("summary", null, "Details"),
    list,
    hasData ? h("pre", { class: "json" }, JSON.stringify(event.data, null, 2)) : null
  );
}
function eventsTable(events, names, options = {}) {
  const columns = ["Time", "Action", "Outcome", "Actor", "Target"];
  if (options.compact !== true) columns.push("IP", "");
  return table(
    columns,
    events.map((event) => {
      const cells = [
        time(event.at),
        h("code", { class: "action" }, event.action),
        event.outcome === "success" ? badge("success", "ok") : badge("failure", "bad"),
        h(
          "span",
          null,
          userLink(event.actorId, names),
          event.impersonatorId === null ? null : badge("impersonated", "warn")
        ),
        targetOf(event, names)
      ];
      if (options.compact !== true) {
        cells.push(event.ip ?? h("span", { class: "muted" }, "—"), detailsOf(event, names));
      }
      return cells;
    }),
    "No events match."
  );
}

// admin-ui/pager.ts
function pager(path, query, nextCursor) {
  const filters = Object.fromEntries([...query].filter(([name]) => name !== "cursor"));
  const isFirst = query.get("cursor") === null;
  return h(
    "nav",
    { class: "pager", attrs: { "aria-label": "Pages" } },
    isFirst ? null : h("a", { class: "button plain", attrs: { href: href(path, filters) } }, "← First page"),
    nextCursor === null ? h("span", { class: "muted" }, isFirst ? "" : "Last page") : h(
      "a",
      {
        class: "button plain",
        attrs: { href: href(path, { ...filters, cursor: nextCursor }), rel: "next" }
      },
      "Next page →"
    )
  );
}

// admin-ui/pages/audit.ts
var PAGE_SIZE = 50;
var FILTERS = ["action", "outcome", "actor", "target", "from", "to", "q"];
function actionSuggestions() {
  const areas = [...new Set(AUDIT_ACTIONS.map((action) => `${action.split(".")[0]}.*`))];
  return h(
    "datalist",
    { attrs: { id: "audit-actions" } },
    ...[...areas, ...AUDIT_ACTIONS].map((value) => h("option", { attrs: { value } }))
  );
}
function toLocalInput(iso) {
  if (iso === void 0) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Date(date.getTime() - date.getTimezoneOffset() * 6e4).toISOString().slice(0, 16);
}
function fromLocalInput(value) {
  return value === "" ? "" : new Date(value).toISOString();
}
function input(name, value, attrs = {}) {
  return h("input", { attrs: { type: "text", name, value: value ?? "", ...attrs } });
}
function filterForm(filters) {
  const form = h(
    "form",
    { class: "filters filter-grid", attrs: { role: "search" } },
    field(
      "Action",
      input("action", filters.action, { list: "audit-actions", placeholder: "e.g. passkey.*" }),
      "audit-action"
    ),
    field(
      "Outcome",
      select(
        "outcome",
        [
          ["", "Any outcome"],
          ["success", "Success"],
          ["failure", "Failure"]
        ],
        filters.outcome ?? ""
      ),
      "audit-outcome"
    ),
    field("Actor id", input("actor", filters.actor), "audit-actor"),
    field("Target id", input("target", filters.target), "audit-target"),
    field(
      "From",
      input("from", toLocalInput(filters.from), { type: "datetime-local" }),
      "audit-from"
    ),
    field("To", input("to", toLocalInput(filters.to), { type: "datetime-local" }), "audit-to"),
    field(
      "Text",
      input("q", filters.q, { type: "search", placeholder: "ip, id, user agent…" }),
      "audit-q"
    ),
    h(
      "div",
      { class: "filter-actions" },
      h("button", { class: "button primary", attrs: { type: "submit" } }, "Apply"),
      h("a", { class: "button plain", attrs: { href: href("/audit") } }, "Clear")
    ),
    actionSuggestions()
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const text = (name) => String(data.get(name) ?? "").trim();
    location.hash = href("/audit", {
      action: text("action"),
      outcome: text("outcome"),
      actor: text("actor"),
      target: text("target"),
      from: fromLocalInput(text("from")),
      to: fromLocalInput(text("to")),
      q: text("q")
    });
  });
  return form;
}
function saveFile(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { attrs: { href: url, download: filename, hidden: true } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1e4);
}
function exportButton(context, filters, format) {
  const button = h(
    "button",
    { class: "button plain", attrs: { type: "button" } },
    `Export ${format.toUpperCase()}`
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const { blob, filename } = await context.api.exportAudit(filters, format);
      saveFile(blob, filename);
      context.notify(`Downloaded ${filename}.`, "ok");
    } catch (error) {
      context.notify(describeError(error), "bad");
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
var renderAudit = async (context, route) => {
  const filters = pick(route.query, [...FILTERS, "cursor"]);
  const page = await context.api.audit(filters, PAGE_SIZE);
  await context.names.resolve(userIdsOf(page.items));
  const node = h(
    "div",
    null,
    h(
      "div",
      { class: "page-head" },
      h("h1", { attrs: { tabindex: "-1" } }, "Audit log"),
      h(
        "div",
        { class: "head-actions" },
        exportButton(context, filters, "csv"),
        exportButton(context, filters, "ndjson")
      )
    ),
    filterForm(filters),
    h(
      "section",
      { class: "panel", attrs: { "aria-label": "Events" } },
      eventsTable(page.items, context.names),
      pager("/audit", route.query, page.nextCursor)
    )
  );
  return { title: "Audit log", node };
};

// admin-ui/pages/overview.ts
function stat(label, value, link, note) {
  return h(
    "a",
    { class: "stat", attrs: { href: link } },
    h("span", { class: "stat-label" }, label),
    h("span", { class: "stat-value" }, value.toLocaleString()),
    note === void 0 ? null : h("span", { class: "stat-note" }, note)
  );
}
var renderOverview = async ({ api: api2, names }) => {
  const [overview, recent] = await Promise.all([api2.overview(), api2.audit({}, 8)]);
  await names.resolve(userIdsOf(recent.items));
  const { users, today, since } = overview;
  const cards = h(
    "div",
    { class: "stats" },
    stat(
      "Users",
      users.total,
      href("/users"),
      `${users.admins} ${users.admins === 1 ? "admin" : "admins"} · ${users.disabled} disabled`
    ),
    stat(
      "Sign-ins today",
      today.signIns,
      href("/audit", { action: "user.signed_in", from: since })
    ),
    stat(
      "Failed sign-ins today",
      today.signInFailures,
      href("/audit", { action: "user.sign_in_failed", from: since })
    ),
    stat(
      "Sign-ups today",
      today.signUps,
      href("/audit", { action: "user.signed_up", from: since })
    )
  );
  const node = h(
    "div",
    null,
    h("div", { class: "page-head" }, h("h1", { attrs: { tabindex: "-1" } }, "Overview")),
    h(
      "p",
      { class: "muted" },
      "Today’s counts start at 00:00 UTC (",
      time(since),
      " in your time zone)."
    ),
    cards,
    section(
      "Latest activity",
      eventsTable(recent.items, names, { compact: true }),
      h("p", null, h("a", { attrs: { href: href("/audit") } }, "Open the audit log →"))
    )
  );
  return { title: "Overview", node };
};

// admin-ui/dialog.ts
function confirmAction(confirmation) {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    const dialog = h("dialog", {
      class: "confirm",
      attrs: { "aria-labelledby": "confirm-title", "aria-describedby": "confirm-body" }
    });
    const cancel = h(
      "button",
      {
        class: "button",
        attrs: { type: "button", autofocus: true },
        on: { click: () => dialog.close("cancel") }
      },
      "Cancel"
    );
    const confirm = h(
      "button",
      {
        class: confirmation.isDanger === false ? "button primary" : "button danger",
        attrs: { type: "button", "data-action": "confirm" },
        on: { click: () => dialog.close("confirm") }
      },
      confirmation.confirmLabel
    );
    dialog.append(
      h("h2", { attrs: { id: "confirm-title" } }, confirmation.title),
      h("p", { attrs: { id: "confirm-body" } }, confirmation.body),
      h("div", { class: "dialog-actions" }, cancel, confirm)
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      opener?.focus();
      resolve(dialog.returnValue === "confirm");
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// admin-ui/actions.ts
function actionButton(context, action) {
  const button = h(
    "button",
    { class: `button ${action.tone ?? "plain"}`, attrs: { type: "button" } },
    action.label
  );
  button.addEventListener("click", async () => {
    if (action.confirm !== void 0 && !await confirmAction(action.confirm)) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      context.notify(await action.run(), "ok");
      if (action.refresh !== false) context.refresh();
    } catch (error) {
      context.notify(describeError(error), "bad");
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  return button;
}

// admin-ui/pages/user-credentials.ts
function stateOf(revokedAt) {
  return revokedAt === null ? badge("active", "ok") : h("span", null, badge("revoked", "bad"), " ", time(revokedAt));
}
function revokeButton(context, kind, id, what, body) {
  return actionButton(context, {
    label: "Revoke",
    tone: "danger",
    confirm: { title: `Revoke ${what}?`, body, confirmLabel: "Revoke" },
    run: async () => {
      await context.api.revoke(kind, id);
      return `Revoked ${what}.`;
    }
  });
}
function passkeys(context, detail) {
  const rows = detail.passkeys.map((passkey) => {
    const name = passkey.name ?? "Unnamed passkey";
    return [
      h("div", { class: "who" }, h("span", null, name), idChip(passkey.id)),
      passkey.backedUp ? "synced" : "this device only",
      time(passkey.createdAt),
      time(passkey.lastUsedAt, "never"),
      stateOf(passkey.revokedAt),
      passkey.revokedAt === null ? revokeButton(
        context,
        "passkeys",
        passkey.id,
        `the passkey “${name}”`,
        "It can no longer sign in or confirm actions. This cannot be undone."
      ) : null
    ];
  });
  return section(
    `Passkeys (${detail.passkeys.length})`,
    table(["Passkey", "Kind", "Added", "Last used", "State", ""], rows, "No passkeys.")
  );
}
function devices(context, detail) {
  const rows = detail.devices.map((device) => [
    h(
      "div",
      { class: "who" },
      h("span", null, device.label ?? "Unnamed device"),
      idChip(device.id)
    ),
    h("span", { class: "ua" }, device.userAgent ?? "—"),
    time(device.createdAt),
    time(device.lastSeenAt, "never"),
    stateOf(device.revokedAt),
    device.revokedAt === null ? revokeButton(
      context,
      "devices",
      device.id,
      `the device “${device.label ?? device.id}”`,
      "Its key stops working at once; that browser is signed out."
    ) : null
  ]);
  return section(
    `Devices (${detail.devices.length})`,
    table(["Device", "User agent", "Bound", "Last seen", "State", ""], rows, "No devices.")
  );
}
function sessions(context, detail) {
  const rows = detail.sessions.map((session) => [
    idChip(session.id),
    session.ip ?? "—",
    h("span", { class: "ua" }, session.userAgent ?? "—"),
    time(session.createdAt),
    time(session.expiresAt),
    session.impersonatorId === null ? "—" : h(
      "span",
      null,
      badge("impersonation", "warn"),
      " ",
      userLink(session.impersonatorId, context.names)
    ),
    revokeButton(
      context,
      "sessions",
      session.id,
      "this session",
      "Its access and refresh tokens stop working at once."
    )
  ]);
  return section(
    `Sessions (${detail.sessions.length})`,
    table(
      ["Session", "IP", "User agent", "Started", "Expires", "Impersonated by", ""],
      rows,
      "No active sessions."
    )
  );
}
function credentialSections(context, detail) {
  return [passkeys(context, detail), devices(context, detail), sessions(context, detail)];
}

// admin-ui/pages/user-profile.ts
var UnreadableField = class extends Error {
  field;
  constructor(field2) {
    super(`${field2}: not valid JSON`);
    this.field = field2;
  }
};
function typesOf(schema) {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return [...schema.type];
  return (schema.anyOf ?? []).flatMap(typesOf);
}
function kindOf(schema) {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) {
    return "choice";
  }
  const types = typesOf(schema).filter((type) => type !== "null");
  if (types.length !== 1) return "json";
  if (types[0] === "boolean") return "switch";
  if (types[0] === "integer" || types[0] === "number") return "number";
  return types[0] === "string" ? "text" : "json";
}
function controlOf(name, schema, value) {
  const id = `field-${name}`;
  const isNullable = typesOf(schema).includes("null");
  const kind = kindOf(schema);
  let input2;
  let read;
  if (kind === "switch") {
    const box = h("input", { attrs: { type: "checkbox", checked: value === true } });
    read = () => box.checked === (value === true) ? void 0 : box.checked;
    input2 = box;
  } else if (kind === "choice") {
    const choices = ["", ...schema.enum];
    const picker = h(
      "select",
      null,
      ...choices.map(
        (choice) => h("option", { attrs: { value: choice, selected: choice === value } }, choice || "—")
      )
    );
    read = () => picker.value === (value ?? "") ? void 0 : picker.value || null;
    input2 = picker;
  } else {
    const shown = value === void 0 || value === null ? "" : value;
    const text = kind === "json" ? JSON.stringify(shown === "" ? void 0 : shown) : shown;
    input2 = kind === "json" ? h("textarea", { attrs: { rows: 2, spellcheck: "false" } }) : h("input", {
      attrs: kind === "number" ? { type: "number", step: "any" } : { type: "text" }
    });
    input2.value = String(text ?? "");
    const initial = input2.value;
    read = () => {
      if (input2.value === initial) return void 0;
      if (input2.value.trim() === "") return isNullable ? null : "";
      if (kind === "number") return Number(input2.value);
      if (kind === "text") return input2.value;
      try {
        return JSON.parse(input2.value);
      } catch {
        throw new UnreadableField(name);
      }
    };
  }
  input2.id = id;
  input2.setAttribute("name", name);
  const problem = h("p", { class: "field-problem", attrs: { id: `${id}-problem`, hidden: true } });
  const label = h("label", { attrs: { for: id } }, name);
  const node = h(
    "div",
    { class: kind === "switch" ? "field field-switch" : "field" },
    label,
    input2,
    schema.description === void 0 ? null : h("p", { class: "hint" }, schema.description),
    problem
  );
  return {
    name,
    node,
    read,
    mark(message) {
      problem.textContent = message ?? "";
      problem.hidden = message === null;
      if (message === null) {
        input2.removeAttribute("aria-invalid");
        input2.removeAttribute("aria-describedby");
      } else {
        input2.setAttribute("aria-invalid", "true");
        input2.setAttribute("aria-describedby", problem.id);
      }
    }
  };
}
function displayNameControl(value) {
  const control = controlOf("displayName", { type: ["string", "null"] }, value);
  const label = control.node.querySelector("label");
  if (label !== null) label.textContent = "Display name";
  return control;
}
function profileSection(context, detail) {
  const { user } = detail;
  const properties = detail.fieldSchema.properties ?? {};
  const displayName = displayNameControl(user.displayName);
  const fields = Object.entries(properties).map(
    ([name, schema]) => controlOf(name, schema, user.fields[name])
  );
  for (const control of fields) {
    if (detail.adminOnlyFields.includes(control.name)) {
      control.node.querySelector("label")?.append(" ", badge("admin only", "info"));
    }
  }
  const save = h("button", { class: "button primary", attrs: { type: "submit" } }, "Save profile");
  const form = h(
    "form",
    { class: "profile-form", attrs: { novalidate: true, "aria-label": "Profile" } },
    h("div", { class: "filter-grid" }, displayName.node, ...fields.map((c) => c.node)),
    h("div", { class: "row" }, save)
  );
  const controls = [displayName, ...fields];
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const control of controls) control.mark(null);
    save.disabled = true;
    try {
      const patch = readPatch(displayName, fields);
      if (patch === void 0) {
        context.notify("Nothing changed.", "ok");
        return;
      }
      await context.api.updateProfile(user.id, patch);
      context.notify("Profile saved.", "ok");
      context.refresh();
    } catch (error) {
      markRefused(controls, error);
      const isUnreadable = error instanceof UnreadableField;
      context.notify(isUnreadable ? `Not saved. ${error.message}` : describeError(error), "bad");
    } finally {
      save.disabled = false;
    }
  });
  return section("Profile", form);
}
function readPatch(displayName, fields) {
  const changed = {};
  for (const control of fields) {
    const value = control.read();
    if (value !== void 0) changed[control.name] = value;
  }
  const name = displayName.read();
  if (name === void 0 && Object.keys(changed).length === 0) return void 0;
  return {
    ...name === void 0 ? {} : { displayName: name === "" ? null : name },
    ...Object.keys(changed).length === 0 ? {} : { fields: changed }
  };
}
function markRefused(controls, error) {
  const byName = new Map(controls.map((control) => [control.name, control]));
  if (error instanceof UnreadableField) {
    byName.get(error.field)?.mark("Not valid JSON.");
    return;
  }
  if (!(error instanceof ApiError)) return;
  for (const { path, message } of error.errors) {
    const name = path.replace(/^fields\./, "").split(".")[0] ?? "";
    byName.get(name)?.mark(message);
  }
}

// admin-ui/pages/user.ts
function disableAction(context, user, name) {
  if (user.disabled) {
    return actionButton(context, {
      label: "Enable account",
      tone: "primary",
      run: async () => {
        await context.api.setDisabled(user.id, false);
        return `${name} is enabled again.`;
      }
    });
  }
  return actionButton(context, {
    label: "Disable account",
    tone: "danger",
    confirm: {
      title: `Disable ${name}?`,
      body: "Their devices and sessions stop working at once, and they cannot sign in until the account is enabled again.",
      confirmLabel: "Disable account"
    },
    run: async () => {
      await context.api.setDisabled(user.id, true);
      return `${name} is disabled.`;
    }
  });
}
function roleAction(context, user, name) {
  const isAdmin = user.role === "admin";
  return actionButton(context, {
    label: isAdmin ? "Remove admin role" : "Make admin",
    tone: isAdmin ? "danger" : "plain",
    confirm: isAdmin ? {
      title: `Remove ${name}'s admin role?`,
      body: "They keep their account but lose this console and every admin-only route.",
      confirmLabel: "Remove admin role"
    } : {
      title: `Make ${name} an admin?`,
      body: "Admins see every account and the audit log, and can change any account.",
      confirmLabel: "Make admin",
      isDanger: false
    },
    run: async () => {
      await context.api.updateUser(user.id, { role: isAdmin ? "user" : "admin" });
      return isAdmin ? `${name} is no longer an admin.` : `${name} is now an admin.`;
    }
  });
}
function deleteAction(context, user, name) {
  return actionButton(context, {
    label: "Delete user",
    tone: "danger",
    confirm: {
      title: `Delete ${name}?`,
      body: "Deletes the account with every passkey, device, session and API key at once. The audit log keeps its events without their personal data. This cannot be undone.",
      confirmLabel: "Delete user"
    },
    run: async () => {
      await context.api.deleteUser(user.id);
      await goTo(href("/users"));
      return `${name} is deleted.`;
    },
    refresh: false
  });
}
function accountActions(context, detail) {
  const { user } = detail;
  const name = nameOf(user);
  const signOut = actionButton(context, {
    label: "Sign out everywhere",
    tone: "danger",
    confirm: {
      title: `Sign ${name} out everywhere?`,
      body: "Revokes every device and session of the account. Passkeys stay, so they can sign in again.",
      confirmLabel: "Sign out everywhere"
    },
    run: async () => {
      const { devices: devices2, sessions: sessions2 } = await context.api.revokeSessions(user.id);
      return `Revoked ${devices2} device(s) and ${sessions2} session(s) of ${name}.`;
    }
  });
  const impersonate = user.role === "admin" || user.disabled ? null : actionButton(context, {
    label: "Impersonate",
    confirm: {
      title: `Impersonate ${name}?`,
      body: "Starts a 15-minute session as this user. The audit log records both of you on every event it causes; actions that need a step-up are refused.",
      confirmLabel: "Impersonate"
    },
    run: async () => {
      const started = await context.api.impersonate(user.id);
      await context.impersonationStarted(started);
      return `Impersonating ${name} until ${clockTime(started.expiresAt)}.`;
    },
    refresh: false
  });
  return h(
    "div",
    { class: "actions" },
    disableAction(context, user, name),
    roleAction(context, user, name),
    signOut,
    impersonate,
    deleteAction(context, user, name)
  );
}
function scopesForm(context, user) {
  const input2 = h("input", {
    attrs: {
      type: "text",
      name: "scopes",
      value: user.scopes.join(" "),
      placeholder: "e.g. billing:refund docs/read"
    }
  });
  input2.id = "user-scopes";
  const save = h("button", { class: "button plain", attrs: { type: "submit" } }, "Save scopes");
  const form = h(
    "form",
    { class: "inline-form" },
    h("label", { attrs: { for: "user-scopes" } }, "Scopes, separated by spaces or commas"),
    h("div", { class: "row" }, input2, save)
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const scopes = input2.value.split(/[\s,]+/).filter((scope) => scope !== "");
    save.disabled = true;
    try {
      await context.api.updateUser(user.id, { scopes });
      context.notify("Scopes saved.", "ok");
      context.refresh();
    } catch (error) {
      context.notify(describeError(error), "bad");
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
function profile(user) {
  const facts = [
    ["Id", idChip(user.id)],
    ["Email", user.email ?? "—"],
    ["Created", time(user.createdAt)],
    ["Last sign-in", time(user.lastSignInAt, "never")]
  ];
  const list = h("dl", { class: "facts" });
  for (const [term, value] of facts) list.append(h("dt", null, term), h("dd", null, value));
  return list;
}
var renderUser = async (context, route) => {
  if (route.page !== "user") throw new Error("not a user route");
  const detail = await context.api.user(route.id);
  context.names.learn([detail.user]);
  await context.names.resolve(userIdsOf(detail.events));
  const { user } = detail;
  const name = nameOf(user);
  const node = h(
    "div",
    null,
    h("p", { class: "crumbs" }, h("a", { attrs: { href: href("/users") } }, "← Users")),
    h(
      "div",
      { class: "page-head" },
      h("h1", { attrs: { tabindex: "-1" } }, name),
      user.role === "admin" ? badge("admin", "info") : badge("user"),
      user.disabled ? badge("disabled", "bad") : badge("active", "ok")
    ),
    h(
      "section",
      { class: "panel" },
      profile(user),
      accountActions(context, detail),
      scopesForm(context, user)
    ),
    profileSection(context, detail),
    ...credentialSections(context, detail),
    section(
      "Latest events",
      eventsTable(detail.events, context.names, { compact: true }),
      h(
        "p",
        null,
        h(
          "a",
          { attrs: { href: href("/audit", { q: user.id }) } },
          "All events in the audit log →"
        )
      )
    )
  );
  return { title: name, node };
};

// admin-ui/pages/users.ts
var PAGE_SIZE2 = 25;
function filterForm2(filters) {
  const search = h("input", {
    attrs: { type: "search", name: "q", value: filters.q ?? "", placeholder: "Email, name or id" }
  });
  const form = h(
    "form",
    { class: "filters", attrs: { role: "search" } },
    field("Search", search, "users-q"),
    field(
      "Role",
      select(
        "role",
        [
          ["", "Any role"],
          ["user", "User"],
          ["admin", "Admin"]
        ],
        filters.role ?? ""
      ),
      "users-role"
    ),
    field(
      "Status",
      select(
        "disabled",
        [
          ["", "Any status"],
          ["false", "Active"],
          ["true", "Disabled"]
        ],
        filters.disabled ?? ""
      ),
      "users-disabled"
    ),
    h(
      "div",
      { class: "filter-actions" },
      h("button", { class: "button primary", attrs: { type: "submit" } }, "Search")
    )
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    location.hash = href("/users", {
      q: String(data.get("q") ?? "").trim(),
      role: String(data.get("role") ?? ""),
      disabled: String(data.get("disabled") ?? "")
    });
  });
  return form;
}
function userRow(user) {
  const name = user.displayName ?? user.email ?? user.id;
  return [
    h(
      "div",
      { class: "who" },
      h("a", { attrs: { href: userHref(user.id) } }, name),
      user.displayName !== null && user.email !== null ? h("span", { class: "muted" }, user.email) : null
    ),
    user.role === "admin" ? badge("admin", "info") : badge("user"),
    user.disabled ? badge("disabled", "bad") : badge("active", "ok"),
    time(user.createdAt),
    time(user.lastSignInAt, "never")
  ];
}
var renderUsers = async ({ api: api2, names }, route) => {
  const filters = pick(route.query, ["q", "role", "disabled", "cursor"]);
  const page = await api2.users(filters, PAGE_SIZE2);
  names.learn(page.items);
  const isFiltered = filters.q !== void 0 || filters.role !== void 0 || filters.disabled !== void 0;
  const node = h(
    "div",
    null,
    h("div", { class: "page-head" }, h("h1", { attrs: { tabindex: "-1" } }, "Users")),
    filterForm2(filters),
    h(
      "section",
      { class: "panel", attrs: { "aria-label": "Users" } },
      table(
        ["User", "Role", "Status", "Created", "Last sign-in"],
        page.items.map(userRow),
        isFiltered ? "No user matches these filters." : "No users yet."
      ),
      pager("/users", route.query, page.nextCursor)
    )
  );
  return { title: "Users", node };
};

// admin-ui/layout.ts
var PAGES = {
  overview: renderOverview,
  users: renderUsers,
  user: renderUser,
  audit: renderAudit,
  "not-found": async () => ({
    title: "Not found",
    node: h(
      "div",
      null,
      h("h1", { attrs: { tabindex: "-1" } }, "Not found"),
      h("p", null, h("a", { attrs: { href: "#/" } }, "Back to the overview"))
    )
  })
};
var NAV = [
  ["#/", "Overview", ["overview"]],
  ["#/users", "Users", ["users", "user"]],
  ["#/audit", "Audit log", ["audit"]]
];
function topBar(options, main) {
  const links = NAV.map(
    ([link, label]) => h("a", { class: "nav-link", attrs: { href: link } }, label)
  );
  const signOut = h(
    "button",
    { class: "button plain small", attrs: { type: "button" } },
    "Sign out"
  );
  signOut.addEventListener("click", () => void options.signOut());
  const skip = h("button", { class: "skip", attrs: { type: "button" } }, "Skip to content");
  skip.addEventListener("click", () => main.focus());
  const header = h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", attrs: { href: "#/" } }, "keyship", h("span", null, "admin")),
    h("nav", { attrs: { "aria-label": "Main" } }, ...links),
    h(
      "div",
      { class: "me" },
      h("span", { class: "muted" }, options.me.email ?? options.me.displayName ?? options.me.id),
      signOut
    )
  );
  return { skip, header, links };
}
function startConsole(root2, options) {
  const main = h("main", { attrs: { id: "main", tabindex: "-1" } });
  const notice = h("div", { class: "notice", attrs: { role: "status", "aria-live": "polite" } });
  const bannerSlot = h("div", { class: "banners", attrs: { hidden: true } });
  const { skip, header, links } = topBar(options, main);
  const content = h("div", { class: "content" }, notice, main);
  root2.replaceChildren(h("div", { class: "app" }, skip, bannerSlot, header, content));
  const notify = (message, tone = "ok") => {
    notice.textContent = message;
    notice.dataset.tone = tone;
  };
  const banner = createImpersonationBanner(bannerSlot, options.api, notify);
  let drawn = 0;
  const draw = async (isNavigation) => {
    const route = parseRoute(location.hash);
    const id = ++drawn;
    if (isNavigation) notify("");
    links.forEach((link, i) => {
      const isCurrent = NAV[i]?.[2].includes(route.page) === true;
      if (isCurrent) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    main.setAttribute("aria-busy", "true");
    main.dataset.page = route.page;
    main.dataset.state = "loading";
    let view;
    try {
      view = await PAGES[route.page](context, route);
    } catch (error) {
      view = { title: "Error", node: errorView(describeError(error), () => void draw(false)) };
      main.dataset.state = "error";
    }
    if (id !== drawn) return;
    main.replaceChildren(view.node);
    main.removeAttribute("aria-busy");
    if (main.dataset.state === "loading") main.dataset.state = "ready";
    document.title = `${view.title} · keyship admin`;
    if (isNavigation) (main.querySelector("h1") ?? main).focus();
  };
  const names = createUserNames(options.api);
  names.learn([options.me]);
  const context = {
    api: options.api,
    me: options.me,
    names,
    notify,
    refresh: () => void draw(false),
    impersonationStarted: (started) => banner.started(started)
  };
  const onHashChange = () => {
    void draw(true);
    void banner.refresh();
  };
  window.addEventListener("hashchange", onHashChange);
  void draw(false);
  void banner.refresh();
  return () => window.removeEventListener("hashchange", onHashChange);
}
function errorView(message, retry) {
  return h(
    "div",
    { class: "panel error" },
    h("h1", { class: "error-title", attrs: { tabindex: "-1" } }, "This page could not be loaded"),
    h("p", null, message),
    h(
      "button",
      { class: "button plain", attrs: { type: "button" }, on: { click: retry } },
      "Try again"
    )
  );
}

// admin-ui/signin.ts
function showSignIn(root2, screen) {
  const status = h("p", {
    class: "signin-status",
    attrs: { role: "status", "aria-live": "polite" }
  });
  const setMessage = (text, tone) => {
    status.textContent = text;
    status.dataset.tone = tone;
  };
  if (screen.message !== void 0) setMessage(screen.message.text, screen.message.tone);
  const button = h(
    "button",
    { class: "button primary wide", attrs: { type: "button" } },
    "Sign in with a passkey"
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    setMessage("Waiting for your passkey…", "info");
    try {
      await screen.signIn();
    } catch (error) {
      setMessage(error instanceof Error ? error.message : "Sign-in failed.", "bad");
      button.disabled = false;
    }
  });
  document.title = "Sign in · keyship admin";
  root2.replaceChildren(
    h(
      "main",
      { class: "signin" },
      h(
        "div",
        { class: "signin-card" },
        h("p", { class: "brand" }, "keyship", h("span", null, "admin")),
        h("h1", null, "Sign in"),
        h(
          "p",
          { class: "muted" },
          "This console is for administrators. Use the passkey of your admin account."
        ),
        status,
        button
      )
    )
  );
  button.focus();
}

// admin-ui/main.ts
var mountPath = location.pathname.replace(/\/+$/, "");
var root = document.getElementById("app") ?? document.body;
var stopConsole;
var client = createKeyshipClient({
  baseUrl: location.origin,
  // A record of its own: signing in here never replaces the app's device key, nor the reverse.
  keyStore: indexedDbKeyStore({
    recordKey: `keyship-admin-console ${location.origin}${mountPath}`
  }),
  deviceLabel: "Admin console",
  onSignedOut: ({ reason }) => {
    if (reason === "revoked")
      signedOut({ text: "Your session ended. Sign in again.", tone: "info" });
  }
});
var api = createAdminApi(client, `${mountPath}/api`);
function signedOut(message) {
  stopConsole?.();
  stopConsole = void 0;
  showSignIn(root, { message, signIn });
}
async function enter(me) {
  if (me.role !== "admin") {
    await client.logout().catch(() => {
    });
    signedOut({ text: "Admins only: this account is not an administrator.", tone: "bad" });
    return;
  }
  stopConsole?.();
  stopConsole = startConsole(root, {
    api,
    me,
    signOut: async () => {
      await client.logout().catch(() => {
      });
      signedOut({ text: "Signed out.", tone: "info" });
    }
  });
}
async function signIn() {
  try {
    await client.login();
    await enter(await client.me());
  } catch (error) {
    throw new Error(describeError(error));
  }
}
async function boot() {
  if (!await client.isSignedIn()) return signedOut();
  try {
    await enter(await client.me());
  } catch (error) {
    if (isKeyshipError(error) && error.status === 401) {
      return signedOut({ text: "Your session ended. Sign in again.", tone: "info" });
    }
    signedOut({ text: describeError(error), tone: "bad" });
  }
}
void boot();
