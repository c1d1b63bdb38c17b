/**
 * Minting device tokens: short ES256 JWTs signed by the device key, which the server
 * verifies against the public JWK it bound to the device.
 * @module
 */

import { randomId, signEs256 } from "./jws.ts";

/**
 * The audience of a device token: HTTP requests or a WebSocket handshake.
 * @example
 * const audience: DeviceTokenAudience = "keyship:ws";
 */
export type DeviceTokenAudience = "keyship:http" | "keyship:ws";

/**
 * The longest lifetime the server accepts for a device token, in seconds.
 * @example
 * createKeyshipClient({ baseUrl, tokenLifetimeSeconds: MAX_DEVICE_TOKEN_LIFETIME_SECONDS });
 */
export const MAX_DEVICE_TOKEN_LIFETIME_SECONDS = 900;

/**
 * Input of {@link mintDeviceToken}.
 * @example
 * const input: MintDeviceTokenInput = { privateKey, deviceId, audience: "keyship:http", lifetimeSeconds: 300, nowMs: Date.now() };
 */
export interface MintDeviceTokenInput {
  /** The non-extractable ECDSA P-256 private key of the device. */
  readonly privateKey: CryptoKey;
  /** The server's id of the device; becomes the `kid` header. */
  readonly deviceId: string;
  /** The `aud` claim. */
  readonly audience: DeviceTokenAudience;
  /** Seconds from `iat` to `exp`; at most {@link MAX_DEVICE_TOKEN_LIFETIME_SECONDS}. */
  readonly lifetimeSeconds: number;
  /** The current time in milliseconds since the epoch. */
  readonly nowMs: number;
}

/**
 * A minted token and the instant it stops being valid.
 * @example
 * const { token, expiresAtMs }: MintedDeviceToken = await mintDeviceToken(input);
 */
export interface MintedDeviceToken {
  /** The compact JWS. */
  readonly token: string;
  /** `exp` in milliseconds since the epoch. */
  readonly expiresAtMs: number;
}

/**
 * Mints a device token:
 * header `{alg: "ES256", kid: deviceId, typ: "JWT"}`, payload `{iat, exp, aud, jti}`.
 * There is deliberately no `sub` and no role: the server takes identity from the device's
 * owner, never from the token.
 *
 * @param input the key, device id, audience, lifetime and clock
 * @throws {RangeError} when `lifetimeSeconds` is not in 1…900
 * @example
 * const { token } = await mintDeviceToken({
 *   privateKey: record.keyPair.privateKey,
 *   deviceId: record.deviceId,
 *   audience: "keyship:http",
 *   lifetimeSeconds: 300,
 *   nowMs: Date.now(),
 * });
 * await fetch(url, { headers: { authorization: `Bearer ${token}` } });
 */
export async function mintDeviceToken(input: MintDeviceTokenInput): Promise<MintedDeviceToken> {
  const { lifetimeSeconds } = input;
  if (
    !Number.isInteger(lifetimeSeconds) ||
    lifetimeSeconds < 1 ||
    lifetimeSeconds > MAX_DEVICE_TOKEN_LIFETIME_SECONDS
  ) {
    throw new RangeError(
      `lifetimeSeconds must be an integer in 1…${MAX_DEVICE_TOKEN_LIFETIME_SECONDS}`,
    );
  }
  const iat = Math.floor(input.nowMs / 1000);
  const exp = iat + lifetimeSeconds;
  // RFC 7515 §4.1: alg pins the algorithm (the server allows ES256 only); kid names the device.
  const header = { alg: "ES256", kid: input.deviceId, typ: "JWT" };
  const payload = { iat, exp, aud: input.audience, jti: randomId() };
  return { token: await signEs256(input.privateKey, header, payload), expiresAtMs: exp * 1000 };
}
