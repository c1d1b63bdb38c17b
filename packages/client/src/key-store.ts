/**
 * Where the device key lives between page loads: the `KeyStore` interface and an
 * in-memory implementation (the IndexedDB one is in `indexeddb-key-store.ts`).
 * @module
 */

import { KeyshipError } from "./errors.ts";

/**
 * What a signed-in browser remembers: the server's device id and the key bound to it.
 * @example
 * const record: DeviceRecord | undefined = await keyStore.load();
 * if (record) console.log("signed in as device", record.deviceId);
 */
export interface DeviceRecord {
  /** The id the server gave this device (`kid` of every token). */
  readonly deviceId: string;
  /** The key pair; its private key is non-extractable. */
  readonly keyPair: CryptoKeyPair;
  /** With `binding: "dpop"`: the server session bound to the same key. */
  readonly dpop?: DpopTokens;
}

/**
 * The tokens of a DPoP-bound session (`binding: "dpop"`). Kept beside the key: without the
 * key they are useless (every request needs a proof of it).
 * @example
 * const { accessToken, expiresAtMs } = record.dpop as DpopTokens;
 */
export interface DpopTokens {
  readonly sessionId: string;
  /** The access token, bound to the key (`cnf.jkt`). */
  readonly accessToken: string;
  /** When the access token expires, in milliseconds since the epoch. */
  readonly expiresAtMs: number;
  /** The refresh token; a refresh needs a proof of the key too. */
  readonly refreshToken: string;
}

/**
 * Storage for the one {@link DeviceRecord} of a client. Implementations must keep the
 * `CryptoKey` objects themselves (structured clone), never exported key material.
 *
 * @example
 * const store: KeyStore = memoryKeyStore();
 * const client = createKeyshipClient({ baseUrl: "http://localhost:8787", keyStore: store });
 */
export interface KeyStore {
  /** Returns the stored record, or `undefined` when there is none. */
  load(): Promise<DeviceRecord | undefined>;
  /** Replaces the stored record. */
  save(record: DeviceRecord): Promise<void>;
  /** Deletes the stored record; does nothing when there is none. */
  clear(): Promise<void>;
}

/**
 * A {@link KeyStore} that keeps the record in memory only: the browser is signed out on
 * reload. Useful for tests, for non-browser runtimes, and for "don't remember me" sign-ins.
 *
 * @example
 * const client = createKeyshipClient({
 *   baseUrl: "http://localhost:8787",
 *   keyStore: memoryKeyStore(),
 * });
 */
export function memoryKeyStore(): KeyStore {
  let current: DeviceRecord | undefined;
  return {
    async load() {
      return current;
    },
    async save(record) {
      current = record;
    },
    async clear() {
      current = undefined;
    },
  };
}

/**
 * Runs a key-store operation; a non-`KeyshipError` failure becomes `client.storage_failed`.
 * @param operation the key-store call
 * @throws {KeyshipError} `client.storage_failed`, or the operation's own `KeyshipError`
 * @example
 * const record = await withStorage(() => keyStore.load());
 */
export async function withStorage<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof KeyshipError) throw error;
    throw new KeyshipError({ code: "client.storage_failed", cause: error });
  }
}
