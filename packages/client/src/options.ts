/**
 * The options of `createKeyshipClient()`: their documentation, defaults and validation.
 * Defaults are applied once and the result is frozen.
 * @module
 */

import { KeyshipError } from "./errors.ts";
import { indexedDbKeyStore } from "./indexeddb-key-store.ts";
import type { KeyStore } from "./key-store.ts";
import type { SignedOutEvent } from "./session.ts";
import { MAX_DEVICE_TOKEN_LIFETIME_SECONDS } from "./token.ts";
import { browserWebAuthn, type WebAuthnCeremonies } from "./webauthn.ts";

/**
 * Options of `createKeyshipClient()`.
 *
 * @example
 * const client = createKeyshipClient({
 *   baseUrl: "https://auth.example.com",
 *   deviceLabel: "Work laptop",
 *   onSignedOut: ({ reason }) => router.navigate(reason === "revoked" ? "/signed-out" : "/"),
 * });
 */
export interface KeyshipClientOptions {
  /**
   * Where the keyship routes are mounted, without `/auth` (e.g. `http://localhost:8787`).
   * A path prefix is kept: `https://example.com/api` calls `https://example.com/api/auth/…`.
   */
  readonly baseUrl: string | URL;
  /**
   * Where the device key is kept.
   * @default indexedDbKeyStore({ recordKey: baseUrl })
   */
  readonly keyStore?: KeyStore;
  /** A label for devices this client creates, shown in device lists. @default undefined (the server labels it) */
  readonly deviceLabel?: string;
  /**
   * Origins `client.fetch()` may send tokens to; any other origin is refused with
   * `client.untrusted_origin`, so a token never leaks to a third party.
   * @default [the origin of baseUrl]
   */
  readonly apiOrigins?: readonly string[];
  /** Lifetime of `keyship:http` tokens in seconds (30…900). @default 300 */
  readonly tokenLifetimeSeconds?: number;
  /** A cached token is replaced once it has less than this many seconds left. @default 60 */
  readonly tokenRefreshMarginSeconds?: number;
  /** Lifetime of `wsToken()` tokens in seconds (1…900). @default 60 */
  readonly wsTokenLifetimeSeconds?: number;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** The WebAuthn ceremonies; replace only in tests or non-browser runtimes. @default browserWebAuthn */
  readonly webauthn?: WebAuthnCeremonies;
  /** Called after this browser forgot its device key (logout, or the server revoked it). @default undefined */
  readonly onSignedOut?: (event: SignedOutEvent) => void;
  /**
   * When the server answers 401 `auth.step_up_required`, run the passkey step-up (the
   * browser's passkey prompt) and send the request once more. Turn off to call `stepUp()`
   * yourself, e.g. with the password on accounts without passkeys.
   * @default true
   */
  readonly autoStepUp?: boolean;
  /**
   * How the session is bound to this browser's key. `"device"`: the client signs its own short
   * device tokens (`Authorization: Bearer`). `"dpop"`: sign-ins ask for a server session
   * bound to the key (RFC 9449); every call sends `Authorization: DPoP <access token>` with a
   * fresh proof, and refreshes prove the key too. The key is the same non-extractable P-256
   * device key either way; `wsToken()` still mints a device token.
   * @default "device"
   */
  readonly binding?: ClientBinding;
}

/**
 * How a client binds its session to the device key (see {@link KeyshipClientOptions.binding}).
 * @example
 * const binding: ClientBinding = "dpop";
 */
export type ClientBinding = "device" | "dpop";

/**
 * {@link KeyshipClientOptions} with every default applied.
 * @example
 * const { baseUrl, tokenLifetimeSeconds } = resolveClientOptions({ baseUrl: "http://localhost:8787/" });
 */
export interface ResolvedClientOptions {
  /** Normalised: no trailing slash, no query, no fragment. */
  readonly baseUrl: string;
  readonly keyStore: KeyStore;
  readonly deviceLabel: string | undefined;
  readonly apiOrigins: readonly string[];
  readonly tokenLifetimeSeconds: number;
  readonly tokenRefreshMarginSeconds: number;
  readonly wsTokenLifetimeSeconds: number;
  readonly now: () => number;
  readonly webauthn: WebAuthnCeremonies;
  readonly onSignedOut: ((event: SignedOutEvent) => void) | undefined;
  readonly autoStepUp: boolean;
  readonly binding: ClientBinding;
}

/**
 * Validates the options and applies the defaults.
 *
 * @param options what the caller gave `createKeyshipClient()`
 * @throws {KeyshipError} `client.invalid_options`, naming every problem found
 * @example
 * const resolved = resolveClientOptions({ baseUrl: "http://localhost:8787" });
 * resolved.tokenLifetimeSeconds; // 300
 */
export function resolveClientOptions(options: KeyshipClientOptions): ResolvedClientOptions {
  const problems: string[] = [];
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
    (origin) => normaliseOrigin(origin, problems),
  );
  const binding = options.binding ?? "device";
  if (binding !== "device" && binding !== "dpop")
    problems.push('binding must be "device" or "dpop"');
  if (problems.length > 0 || baseUrl === undefined) {
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
    binding,
  });
}

function normaliseBaseUrl(value: string | URL, problems: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push("baseUrl must be an absolute URL");
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    problems.push("baseUrl must be an http: or https: URL");
    return undefined;
  }
  if (url.search !== "" || url.hash !== "") {
    problems.push("baseUrl must not have a query or a fragment");
    return undefined;
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function normaliseOrigin(value: string, problems: string[]): string {
  try {
    const { origin } = new URL(value);
    if (origin !== "null") return origin;
  } catch {
    // reported below
  }
  problems.push(`apiOrigins: ${JSON.stringify(value)} is not an http(s) origin`);
  return value;
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}
