/**
 * The default {@link KeyStore}: IndexedDB. Structured clone stores `CryptoKey` objects as
 * they are, so a non-extractable private key survives reloads without ever being exported.
 * @module
 */

import { KeyshipError } from "./errors.ts";
import type { DeviceRecord, DpopTokens, KeyStore } from "./key-store.ts";

/**
 * Options for {@link indexedDbKeyStore}.
 * @example
 * indexedDbKeyStore({ databaseName: "my-app", recordKey: "https://auth.example.com" });
 */
export interface IndexedDbKeyStoreOptions {
  /** The IndexedDB database name. @default "keyship" */
  readonly databaseName?: string;
  /**
   * The key of this client's record inside the database; clients talking to different
   * servers must use different keys. `createKeyshipClient()` passes its `baseUrl`.
   * @default "device"
   */
  readonly recordKey?: string;
}

const OBJECT_STORE = "devices";

/**
 * A {@link KeyStore} backed by IndexedDB (the default of `createKeyshipClient()`).
 *
 * @param options database name and record key
 * @throws {KeyshipError} `client.unsupported` (no IndexedDB) or `client.storage_failed`,
 *   from the returned store's methods
 * @example
 * const client = createKeyshipClient({
 *   baseUrl: "https://auth.example.com",
 *   keyStore: indexedDbKeyStore({ databaseName: "my-app-auth" }),
 * });
 */
export function indexedDbKeyStore(options: IndexedDbKeyStoreOptions = {}): KeyStore {
  const databaseName = options.databaseName ?? "keyship";
  const recordKey = options.recordKey ?? "device";
  let opening: Promise<IDBDatabase> | undefined;

  const database = (): Promise<IDBDatabase> => {
    opening ??= openDatabase(databaseName).then(
      (db) => {
        // Let other tabs upgrade the schema; reopen on next use.
        db.onversionchange = () => {
          db.close();
          opening = undefined;
        };
        db.onclose = () => {
          opening = undefined;
        };
        return db;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  };

  const run = async <T>(
    mode: IDBTransactionMode,
    operation: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> => {
    const db = await database();
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(OBJECT_STORE, mode);
      const request = operation(transaction.objectStore(OBJECT_STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(storageFailed(transaction.error));
      transaction.onabort = () => reject(storageFailed(transaction.error));
    });
  };

  return {
    async load() {
      const value: unknown = await run("readonly", (store) => store.get(recordKey));
      return isDeviceRecord(value) ? value : undefined;
    },
    async save(record) {
      const { deviceId, keyPair, dpop } = record;
      const value: DeviceRecord =
        dpop === undefined ? { deviceId, keyPair } : { deviceId, keyPair, dpop };
      await run("readwrite", (store) => store.put(value, recordKey));
    },
    async clear() {
      await run("readwrite", (store) => store.delete(recordKey));
    },
  };
}

function openDatabase(name: string): Promise<IDBDatabase> {
  const factory = globalThis.indexedDB;
  if (factory === undefined) {
    return Promise.reject(
      new KeyshipError({ code: "client.unsupported", detail: "IndexedDB is unavailable." }),
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

function storageFailed(cause: unknown): KeyshipError {
  return new KeyshipError({ code: "client.storage_failed", cause });
}

function isDeviceRecord(value: unknown): value is DeviceRecord {
  if (typeof value !== "object" || value === null) return false;
  const record = value as { deviceId?: unknown; keyPair?: unknown; dpop?: unknown };
  const keyPair = record.keyPair as { privateKey?: unknown; publicKey?: unknown } | undefined;
  return (
    typeof record.deviceId === "string" &&
    typeof keyPair === "object" &&
    keyPair !== null &&
    keyPair.privateKey instanceof CryptoKey &&
    keyPair.publicKey instanceof CryptoKey &&
    (record.dpop === undefined || isDpopTokens(record.dpop))
  );
}

function isDpopTokens(value: unknown): value is DpopTokens {
  if (typeof value !== "object" || value === null) return false;
  const tokens = value as Record<string, unknown>;
  return (
    typeof tokens.sessionId === "string" &&
    typeof tokens.accessToken === "string" &&
    typeof tokens.refreshToken === "string" &&
    typeof tokens.expiresAtMs === "number"
  );
}
