/**
 * The e2e test page's script. It runs in Chromium, imports the real SDK bundle (esbuild maps
 * `@keyship/client` to `/keyship-client.browser.js`), and exposes `window.e2e`: each method
 * resolves to an {@link Outcome} so the Node side sees error codes, not opaque exceptions.
 * @module
 */

import {
  browserWebAuthn,
  createKeyshipClient,
  type DeviceRecord,
  isKeyshipError,
  mintDeviceToken,
  type WebAuthnCeremonies,
} from "@keyship/client";
import { oauthPageApi } from "./oauth.ts";
import { CEREMONY_TIMEOUT_MS } from "./timeouts.ts";

/** The SDK's own ceremonies, with the server's `timeout` capped for tests. */
const webauthn: WebAuthnCeremonies = {
  createCredential: (options) =>
    browserWebAuthn.createCredential({ ...options, timeout: capTimeout(options.timeout) }),
  getCredential: (options, mode) =>
    browserWebAuthn.getCredential({ ...options, timeout: capTimeout(options.timeout) }, mode),
  supportsAutofill: () => browserWebAuthn.supportsAutofill(),
};

function capTimeout(timeout: number | undefined): number {
  return Math.min(timeout ?? CEREMONY_TIMEOUT_MS, CEREMONY_TIMEOUT_MS);
}

/** `?binding=dpop` opens the page with a client that binds its session with DPoP. */
const binding = new URLSearchParams(location.search).get("binding") === "dpop" ? "dpop" : "device";
const ks = createKeyshipClient({
  baseUrl: location.origin,
  webauthn,
  deviceLabel: "e2e Chromium",
  binding,
});

/** The database and object store the SDK's default key store writes (docs/client.md). */
const SDK_DATABASE = "keyship";
const SDK_OBJECT_STORE = "devices";

/** A failure as the Node side sees it. */
export interface PageError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly status?: number;
}

/** What every `window.e2e` method resolves to. */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PageError };

/** An HTTP answer, read in the page. */
export interface PageResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

/** What the SDK persisted in IndexedDB, and what WebCrypto allows with it. */
export interface StoredKeyReport {
  /** The IndexedDB keys of the records in the SDK's object store. */
  readonly recordKeys: readonly string[];
  readonly deviceId: string;
  readonly isCryptoKey: boolean;
  readonly type: KeyType;
  readonly extractable: boolean;
  readonly algorithm: string;
  readonly usages: readonly KeyUsage[];
  /** `exportKey` of the private key per format: the error name, or `"exported"`. */
  readonly exportResults: Readonly<Record<"jwk" | "pkcs8", string>>;
}

/** Reads every `[key, value]` of the SDK's object store, without creating the database. */
function readSdkRecords(): Promise<Array<[string, unknown]>> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(SDK_DATABASE);
    let isMissing = false;
    open.onupgradeneeded = () => {
      // The database does not exist yet: abort so that this read does not create it.
      isMissing = true;
      open.transaction?.abort();
    };
    open.onerror = () => (isMissing ? resolve([]) : reject(open.error));
    open.onsuccess = () => {
      const db = open.result;
      const transaction = db.transaction(SDK_OBJECT_STORE, "readonly");
      const store = transaction.objectStore(SDK_OBJECT_STORE);
      const keys = store.getAllKeys();
      const values = store.getAll();
      transaction.oncomplete = () => {
        db.close();
        resolve(keys.result.map((key, i) => [String(key), values.result[i]]));
      };
      transaction.onerror = () => {
        db.close();
        reject(transaction.error);
      };
    };
  });
}

async function storedRecord(): Promise<{ key: string; record: DeviceRecord; keys: string[] }> {
  const records = await readSdkRecords();
  const [entry] = records;
  if (records.length !== 1 || entry === undefined) {
    throw new Error(`expected one stored device record, found ${records.length}`);
  }
  return { key: entry[0], record: entry[1] as DeviceRecord, keys: records.map(([key]) => key) };
}

async function exportResult(key: CryptoKey, format: "jwk" | "pkcs8"): Promise<string> {
  try {
    await crypto.subtle.exportKey(format, key);
    return "exported";
  } catch (error) {
    return error instanceof Error ? error.name : String(error);
  }
}

async function readResponse(response: Response): Promise<PageResponse> {
  const contentType = response.headers.get("content-type");
  const text = await response.text();
  const isJson = contentType !== null && /[/+]json\b/.test(contentType) && text !== "";
  return { status: response.status, contentType, body: isJson ? JSON.parse(text) : text };
}

/** A device key held in a variable, so it outlives the SDK forgetting it. */
let heldKey: { readonly deviceId: string; readonly privateKey: CryptoKey } | undefined;

const api = {
  register: (input: { email?: string; displayName?: string }) => ks.register(input),
  login: () => ks.login(),
  addPasskey: (input: { name?: string }) => ks.addPasskey(input),
  listPasskeys: () => ks.listPasskeys(),
  renamePasskey: (id: string, name: string) => ks.renamePasskey(id, name),
  revokePasskey: (id: string) => ks.revokePasskey(id),
  stepUp: () => ks.stepUp(),
  me: () => ks.me(),
  listDevices: () => ks.listDevices(),
  revokeDevice: (id: string) => ks.revokeDevice(id),
  logout: () => ks.logout(),
  isSignedIn: () => ks.isSignedIn(),
  createRecoveryCodes: () => ks.createRecoveryCodes(),
  recoveryCodesLeft: () => ks.recoveryCodesLeft(),
  recoverAccount: (email: string, code: string) => ks.recoverAccount({ email, code }),

  /** `ks.fetch(path)`: the SDK adds a device token. */
  fetchWithClient: async (path: string) => readResponse(await ks.fetch(path)),

  /** Plain `fetch(path)`, with `Authorization: Bearer <token>` when a token is given. */
  fetchDirect: async (path: string, token?: string) =>
    readResponse(
      await fetch(
        path,
        token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
      ),
    ),

  /** Plain `fetch` POST of a JSON body with `Authorization: Bearer <token>`, outside the SDK. */
  postDirect: async (path: string, token: string, body: unknown) =>
    readResponse(
      await fetch(path, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    ),

  /** Reads the stored key pair straight from IndexedDB and tries to export its private key. */
  inspectStoredKey: async (): Promise<StoredKeyReport> => {
    const { record, keys } = await storedRecord();
    const { privateKey } = record.keyPair;
    const algorithm = privateKey.algorithm as EcKeyAlgorithm;
    return {
      recordKeys: keys,
      deviceId: record.deviceId,
      isCryptoKey: privateKey instanceof CryptoKey,
      type: privateKey.type,
      extractable: privateKey.extractable,
      algorithm: `${algorithm.name}/${algorithm.namedCurve}`,
      usages: privateKey.usages,
      exportResults: {
        jwk: await exportResult(privateKey, "jwk"),
        pkcs8: await exportResult(privateKey, "pkcs8"),
      },
    };
  },

  /** Keeps a reference to the stored private key (it stays usable after the SDK forgets it). */
  holdDeviceKey: async (): Promise<string> => {
    const { record } = await storedRecord();
    heldKey = { deviceId: record.deviceId, privateKey: record.keyPair.privateKey };
    return record.deviceId;
  },

  /** Mints a fresh `keyship:http` token (new `jti`, `iat` now) with the held key. */
  mintWithHeldKey: async (): Promise<string> => {
    if (heldKey === undefined) throw new Error("call holdDeviceKey() first");
    const { token } = await mintDeviceToken({
      privateKey: heldKey.privateKey,
      deviceId: heldKey.deviceId,
      audience: "keyship:http",
      lifetimeSeconds: 300,
      nowMs: Date.now(),
    });
    return token;
  },

  /** Shows who is signed in (for humans and screenshots); returns the shown user id. */
  render: () => render(),

  ...oauthPageApi(ks),
};

/** The test page's API, as `window.e2e` wraps it. */
export type PageApi = typeof api;

/** `window.e2e`: every method of {@link PageApi}, resolving to an {@link Outcome}. */
export type WrappedPageApi = {
  readonly [K in keyof PageApi]: (
    ...args: Parameters<PageApi[K]>
  ) => Promise<Outcome<Awaited<ReturnType<PageApi[K]>>>>;
};

declare global {
  interface Window {
    e2e: WrappedPageApi;
    ks: typeof ks;
  }
}

function toPageError(error: unknown): PageError {
  if (isKeyshipError(error)) {
    return { name: error.name, message: error.message, code: error.code, status: error.status };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

function wrap<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<Outcome<R>> => {
    try {
      return { ok: true, value: await fn(...args) };
    } catch (error) {
      return { ok: false, error: toPageError(error) };
    }
  };
}

// ---- the signed-in view -------------------------------------------------------------------

function element(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function field(label: string, value: string, isCode = false): HTMLElement {
  const row = element("div", "field");
  row.append(element("span", "label", label), element(isCode ? "code" : "span", "value", value));
  return row;
}

async function render(): Promise<string | null> {
  const view = document.querySelector<HTMLElement>("#view");
  if (view === null) throw new Error("#view is missing");
  if (!(await ks.isSignedIn())) {
    view.replaceChildren(element("p", "signed-out", "Signed out"));
    view.dataset.state = "signed-out";
    return null;
  }
  const [me, passkeys, devices] = await Promise.all([ks.me(), ks.listPasskeys(), ks.listDevices()]);
  const card = element("section", "card");
  const heading = element("div", "heading");
  heading.append(
    element("span", "badge", "Signed in"),
    element("h2", "name", me.displayName ?? me.email ?? "Anonymous user"),
  );
  const list = element("ul", "passkeys");
  for (const passkey of passkeys) {
    const item = element("li", passkey.revokedAt === null ? "active" : "revoked");
    item.append(
      element("span", "passkey-name", passkey.name ?? "Unnamed passkey"),
      element("span", "passkey-state", passkey.revokedAt === null ? "active" : "revoked"),
    );
    list.append(item);
  }
  const activeDevices = devices.filter((device) => device.revokedAt === null).length;
  card.append(
    heading,
    field("User id", me.id, true),
    field("Email", me.email ?? "—"),
    field("Role", me.role),
    field("This device", me.deviceId, true),
    field("Devices", `${activeDevices} active`),
    element("h3", "section", "Passkeys"),
    list,
  );
  view.replaceChildren(card);
  view.dataset.state = "signed-in";
  view.dataset.userId = me.id;
  return me.id;
}

window.ks = ks;
window.e2e = Object.fromEntries(
  Object.entries(api).map(([name, fn]) => [
    name,
    wrap(fn as (...args: unknown[]) => Promise<unknown>),
  ]),
) as WrappedPageApi;
document.documentElement.dataset.ready = "true";
