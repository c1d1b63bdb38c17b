/**
 * The tokens of a DPoP-bound session (`binding: "dpop"`): read from a sign-in answer, handed
 * to the token cache while fresh, and refreshed with a proof of the device key
 * (`POST /auth/token/refresh`), one tab at a time.
 * @module
 */

import type { DpopSender } from "./dpop-sender.ts";
import { KeyshipError } from "./errors.ts";
import { apiUrl, createJsonRequest, readJsonResponse } from "./http.ts";
import { type DeviceRecord, type DpopTokens, type KeyStore, withStorage } from "./key-store.ts";
import type { MintedDeviceToken } from "./token.ts";

/** The fields of a sign-in or refresh answer that carry a session's tokens. */
const TOKEN_FIELDS = ["accessToken", "refreshToken", "tokenType", "expiresIn"] as const;

/**
 * The DPoP-bound session of a sign-in or refresh answer.
 * @param body the answer's JSON
 * @param nowMs the clock, for the access token's expiry
 * @throws {KeyshipError} `client.unexpected_response` unless the answer holds a `DPoP` session
 */
export function dpopTokensOf(body: unknown, nowMs: number): DpopTokens {
  const answer = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const { sessionId, accessToken, refreshToken, expiresIn } = answer;
  // RFC 9449 §5: a server that did not bind the token answers `Bearer`; never use it as DPoP.
  if (
    answer.tokenType !== "DPoP" ||
    typeof sessionId !== "string" ||
    typeof accessToken !== "string" ||
    typeof refreshToken !== "string" ||
    typeof expiresIn !== "number"
  ) {
    throw new KeyshipError({
      code: "client.unexpected_response",
      status: 200,
      detail: "The server did not answer a DPoP-bound session.",
    });
  }
  return { sessionId, accessToken, refreshToken, expiresAtMs: nowMs + expiresIn * 1000 };
}

/**
 * A sign-in answer without its tokens: they stay inside the client.
 * @param result the answer
 */
export function withoutTokens<T extends object>(result: T): T {
  const copy = { ...result } as Record<string, unknown>;
  for (const field of TOKEN_FIELDS) delete copy[field];
  return copy as T;
}

/** What a {@link dpopTokenSource} needs. */
export interface DpopTokenSourceOptions {
  readonly baseUrl: string;
  readonly keyStore: KeyStore;
  readonly now: () => number;
  readonly sender: DpopSender;
  /** A token with less than this left is refreshed rather than used. */
  readonly refreshMarginMs: number;
}

/**
 * The `mint` of a DPoP session's token cache: the stored access token the first time while it
 * is fresh, otherwise a refresh with a proof of the key. A refresh runs under a Web Lock per
 * device when the browser has them, and first looks at the key store: another tab may have
 * rotated the refresh token already (spending it twice would revoke the session).
 * @param options the server, the key store, the clock and the proof sender
 * @param record the device record with its `dpop` tokens
 */
export function dpopTokenSource(
  options: DpopTokenSourceOptions,
  record: DeviceRecord & { readonly dpop: DpopTokens },
): () => Promise<MintedDeviceToken> {
  let tokens = record.dpop;
  let first = true;
  const isFresh = (candidate: DpopTokens) =>
    options.now() < candidate.expiresAtMs - options.refreshMarginMs;
  const minted = (current: DpopTokens): MintedDeviceToken => ({
    token: current.accessToken,
    expiresAtMs: current.expiresAtMs,
  });

  const refresh = async (): Promise<DpopTokens> => {
    const stored = await withStorage(() => options.keyStore.load());
    if (stored?.deviceId === record.deviceId && stored.dpop !== undefined) {
      const rotatedElsewhere = stored.dpop.refreshToken !== tokens.refreshToken;
      tokens = stored.dpop;
      if (rotatedElsewhere && isFresh(tokens)) return tokens;
    }
    const request = createJsonRequest(apiUrl(options.baseUrl, "/auth/token/refresh"), "POST", {
      refreshToken: tokens.refreshToken,
    });
    const answer = await readJsonResponse<unknown>(
      await options.sender.send(request, record.keyPair),
    );
    tokens = dpopTokensOf(answer, options.now());
    await options.keyStore.save({
      deviceId: record.deviceId,
      keyPair: record.keyPair,
      dpop: tokens,
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

/** Runs `task` under the Web Lock of the device's refresh when the runtime has Web Locks. */
function withRefreshLock<T>(deviceId: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks === undefined) return task();
  return locks.request(`keyship-dpop-refresh:${deviceId}`, task) as Promise<T>;
}
