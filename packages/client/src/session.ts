/**
 * The device session: the stored device record, its token caches, and the authorised
 * `fetch` with its single retry on `token.expired`.
 * @module
 */

import type { DpopSender } from "./dpop-sender.ts";
import { dpopTokenSource } from "./dpop-session.ts";
import { isKeyshipError, KeyshipError, readProblem } from "./errors.ts";
import { apiUrl, createJsonRequest, sendRequest } from "./http.ts";
import { type DeviceRecord, type KeyStore, withStorage } from "./key-store.ts";
import type { ResolvedClientOptions } from "./options.ts";
import { type DeviceTokenAudience, type MintedDeviceToken, mintDeviceToken } from "./token.ts";
import { createTokenCache, type TokenCache } from "./token-cache.ts";

/**
 * Why this browser stopped being signed in.
 * @example
 * const onSignedOut = ({ reason }: SignedOutEvent) => reason === "revoked" && alert("Signed out.");
 */
export type SignOutReason = "logout" | "revoked" | "deleted";

/**
 * What {@link DeviceSessionOptions.onSignedOut} receives.
 * @example
 * createKeyshipClient({ baseUrl, onSignedOut: (event: SignedOutEvent) => console.log(event.reason) });
 */
export interface SignedOutEvent {
  /**
   * `logout`: this client signed out; `revoked`: the server no longer accepts the device;
   * `deleted`: this client deleted the account (`deleteAccount()`).
   */
  readonly reason: SignOutReason;
  /** The device that was forgotten. */
  readonly deviceId: string;
}

/**
 * Settings of a {@link DeviceSession}; `createKeyshipClient()` fills them from its options.
 * @example
 * const session = createDeviceSession(resolveClientOptions({ baseUrl }));
 * @example
 * const response = await session.send(new Request(`${baseUrl}/auth/me`));
 */
export interface DeviceSessionOptions {
  readonly baseUrl: string;
  readonly keyStore: KeyStore;
  readonly now: () => number;
  readonly tokenLifetimeSeconds: number;
  readonly tokenRefreshMarginSeconds: number;
  readonly wsTokenLifetimeSeconds: number;
  readonly onSignedOut: ((event: SignedOutEvent) => void) | undefined;
  /**
   * With `binding: "dpop"`: how requests are sent with proofs. Records holding `dpop` tokens
   * then call with `Authorization: DPoP` instead of device tokens.
   */
  readonly dpop?: DpopSender | undefined;
}

/** The signed-in state of one client. */
export interface DeviceSession {
  /** The stored record, loaded once from the key store. */
  current(): Promise<DeviceRecord | undefined>;
  /** The stored record, or `client.not_signed_in`. */
  require(): Promise<DeviceRecord>;
  /** Stores a new record and returns the one it replaced, if any. */
  adopt(record: DeviceRecord): Promise<DeviceRecord | undefined>;
  /** Forgets the record when it is still `deviceId`'s. */
  end(deviceId: string, reason: SignOutReason): Promise<void>;
  /** A cached `keyship:http` token. */
  httpToken(): Promise<string>;
  /** A fresh, short `keyship:ws` token. */
  wsToken(): Promise<string>;
  /** Sends `request` with a token (and a DPoP proof); retries once on `token.expired`. */
  send(request: Request): Promise<Response>;
}

/**
 * 401 codes that mean the server no longer accepts this device (revoked, unknown, or its
 * key no longer matches), so the stored key is useless and is cleared.
 */
const DEVICE_REJECTED_CODES: ReadonlySet<string> = new Set([
  "token.invalid",
  "auth.unauthenticated",
  "token.revoked",
  "dpop.key_mismatch",
]);

/**
 * A loaded device record with the cache of its `keyship:http` tokens, or of its DPoP-bound
 * access tokens when it holds a DPoP session.
 */
interface SessionState {
  readonly record: DeviceRecord;
  readonly httpTokens: TokenCache;
  /** Sends a request with a token of `httpTokens`. */
  readonly sendWith: (request: Request, token: string) => Promise<Response>;
}

/** The stored state of one session, loaded lazily, and the ways to replace or forget it. */
interface SessionStore {
  /** The state, loaded once from the key store; a failed load is retried on the next call. */
  state(): Promise<SessionState | undefined>;
  /** The state, or `client.not_signed_in`. */
  requireState(): Promise<SessionState>;
  /** See {@link DeviceSession.adopt}. */
  adopt(record: DeviceRecord): Promise<DeviceRecord | undefined>;
  /** See {@link DeviceSession.end}. */
  end(deviceId: string, reason: SignOutReason): Promise<void>;
}

/**
 * Creates a {@link DeviceSession} over a key store.
 *
 * @param options key store, clock, token lifetimes and the sign-out callback
 * @example
 * const session = createDeviceSession({
 *   baseUrl: "http://localhost:8787",
 *   keyStore: memoryKeyStore(),
 *   now: Date.now,
 *   tokenLifetimeSeconds: 300,
 *   tokenRefreshMarginSeconds: 60,
 *   wsTokenLifetimeSeconds: 60,
 *   onSignedOut: undefined,
 * });
 */
export function createDeviceSession(options: DeviceSessionOptions): DeviceSession {
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
    send: (request) => sendWithRetry(store, request),
  };
}

/** Creates the {@link SessionStore} that holds one session's state over `options.keyStore`. */
function createSessionStore(options: DeviceSessionOptions): SessionStore {
  let loading: Promise<SessionState | undefined> | undefined;

  const state = (): Promise<SessionState | undefined> => {
    loading ??= withStorage(() => options.keyStore.load()).then(
      (record) => (record === undefined ? undefined : stateFor(options, record, end)),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };

  const requireState = async (): Promise<SessionState> => {
    const current = await state();
    if (current === undefined) throw new KeyshipError({ code: "client.not_signed_in" });
    return current;
  };

  const adopt = async (record: DeviceRecord): Promise<DeviceRecord | undefined> => {
    const previous = await state().catch(() => undefined);
    previous?.httpTokens.invalidate();
    await withStorage(() => options.keyStore.save(record));
    loading = Promise.resolve(stateFor(options, record, end));
    return previous?.record.deviceId === record.deviceId ? undefined : previous?.record;
  };

  const end = async (deviceId: string, reason: SignOutReason): Promise<void> => {
    const current = await state();
    if (current === undefined || current.record.deviceId !== deviceId) return;
    current.httpTokens.invalidate();
    loading = Promise.resolve(undefined);
    await withStorage(() => options.keyStore.clear());
    options.onSignedOut?.({ reason, deviceId });
  };

  return { state, requireState, adopt, end };
}

/**
 * The state of a newly loaded or adopted `record`, with an empty token cache. A record with a
 * DPoP session takes its tokens from the session (refreshing it with proofs); a refused
 * refresh (401: revoked, reused, another key) forgets the device.
 */
function stateFor(
  options: DeviceSessionOptions,
  record: DeviceRecord,
  end: (deviceId: string, reason: SignOutReason) => Promise<void>,
): SessionState {
  const refreshMarginMs = options.tokenRefreshMarginSeconds * 1000;
  const { dpop } = options;
  if (dpop !== undefined && record.dpop !== undefined) {
    const refresh = dpopTokenSource(
      { ...options, sender: dpop, refreshMarginMs },
      { ...record, dpop: record.dpop },
    );
    const mintDpop = () =>
      refresh().catch(async (error: unknown) => {
        if (isKeyshipError(error) && error.status === 401) await end(record.deviceId, "revoked");
        throw error;
      });
    return {
      record,
      httpTokens: createTokenCache({ mint: mintDpop, now: options.now, refreshMarginMs }),
      sendWith: (request, token) => dpop.send(request, record.keyPair, token),
    };
  }
  return {
    record,
    httpTokens: createTokenCache({
      mint: () => mint(options, record, "keyship:http", options.tokenLifetimeSeconds),
      now: options.now,
      refreshMarginMs,
    }),
    sendWith: sendWithToken,
  };
}

/** Mints a token for `audience` with the device key of `record`. */
function mint(
  options: DeviceSessionOptions,
  record: DeviceRecord,
  audience: DeviceTokenAudience,
  lifetimeSeconds: number,
): Promise<MintedDeviceToken> {
  return mintDeviceToken({
    privateKey: record.keyPair.privateKey,
    deviceId: record.deviceId,
    audience,
    lifetimeSeconds,
    nowMs: options.now(),
  });
}

/** Sends `request` with a token; retries once on `token.expired` ({@link DeviceSession.send}). */
async function sendWithRetry(store: SessionStore, request: Request): Promise<Response> {
  const current = await store.requireState();
  // Keep an unsent copy: a body can be read only once, and the retry needs it again.
  const spare = request.clone();
  const response = await current.sendWith(request, await current.httpTokens.get());
  if (response.status !== 401) return response;
  const problem = await readProblem(response);
  if (problem?.code !== "token.expired") {
    await forgetIfRejected(store, response, current);
    return response;
  }
  // Exactly one retry, with a freshly minted token. A second token.expired means
  // the clocks disagree; it is returned to the caller rather than retried again.
  current.httpTokens.invalidate();
  const retried = await current.sendWith(spare, await current.httpTokens.get());
  await forgetIfRejected(store, retried, current);
  return retried;
}

/** Sends a copy of `request` with `token` as its bearer token. */
function sendWithToken(request: Request, token: string): Promise<Response> {
  const headers = new Headers(request.headers);
  // RFC 6750 §2.1: the bearer token travels in the Authorization header only.
  headers.set("authorization", `Bearer ${token}`);
  return sendRequest(new Request(request, { headers }));
}

/** Forgets the device when a 401 says the server no longer accepts it. */
async function forgetIfRejected(
  store: SessionStore,
  response: Response,
  current: SessionState,
): Promise<void> {
  if (response.status !== 401) return;
  const problem = await readProblem(response);
  if (problem !== undefined && DEVICE_REJECTED_CODES.has(problem.code)) {
    await store.end(current.record.deviceId, "revoked");
  }
}

/** Revokes a replaced device with its own key; failure only leaves an unusable device row. */
export async function retireDevice(
  config: Pick<ResolvedClientOptions, "baseUrl" | "now">,
  record: DeviceRecord,
): Promise<void> {
  const { token } = await mintDeviceToken({
    privateKey: record.keyPair.privateKey,
    deviceId: record.deviceId,
    audience: "keyship:http",
    lifetimeSeconds: 60,
    nowMs: config.now(),
  });
  const request = createJsonRequest(apiUrl(config.baseUrl, "/auth/logout"), "POST");
  request.headers.set("authorization", `Bearer ${token}`);
  await sendRequest(request);
}
