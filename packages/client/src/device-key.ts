/**
 * The device key: a WebCrypto ECDSA P-256 key pair whose private half can never leave the
 * browser, and the public JWK the server binds to a device row.
 * @module
 */

import { KeyshipError } from "./errors.ts";

/**
 * The public half of a device key as the server expects it: an EC P-256 public JWK.
 * @example
 * const jwk: DevicePublicJwk = await exportDevicePublicJwk(keyPair.publicKey);
 */
export interface DevicePublicJwk {
  readonly kty: "EC";
  readonly crv: "P-256";
  readonly x: string;
  readonly y: string;
}

const ECDSA_P256: EcKeyGenParams = { name: "ECDSA", namedCurve: "P-256" };

/**
 * Generates a fresh device key pair. The private key is created with `extractable: false`,
 * so no script (including ours) can ever read its bytes; it can only sign.
 *
 * @throws {KeyshipError} `client.unsupported` when WebCrypto is unavailable (insecure context)
 * @example
 * const keyPair = await generateDeviceKeyPair();
 * await crypto.subtle.exportKey("jwk", keyPair.privateKey); // rejects: not extractable
 */
export async function generateDeviceKeyPair(): Promise<CryptoKeyPair> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new KeyshipError({
      code: "client.unsupported",
      detail: "WebCrypto is unavailable; keyship needs a secure context (HTTPS or localhost).",
    });
  }
  // extractable: false keeps the private key inside the browser. WebCrypto always leaves
  // the public key of a generated pair extractable, which is what lets us export it below.
  return subtle.generateKey(ECDSA_P256, false, ["sign", "verify"]);
}

/**
 * Exports the public JWK of a device key pair with exactly the members the server needs
 * (`kty`, `crv`, `x`, `y`) — no `key_ops`, `ext` or anything else.
 *
 * @param publicKey the public half of a device key pair
 * @throws {KeyshipError} `client.unsupported` when the key is not an EC P-256 public key
 * @example
 * const { kty, crv, x, y } = await exportDevicePublicJwk(keyPair.publicKey);
 */
export async function exportDevicePublicJwk(publicKey: CryptoKey): Promise<DevicePublicJwk> {
  if (publicKey.type !== "public") {
    // Never export anything but the public half, whatever the caller passes.
    throw new KeyshipError({ code: "client.unsupported", detail: "Expected a public key." });
  }
  const jwk = await crypto.subtle.exportKey("jwk", publicKey);
  if (
    jwk.kty !== "EC" ||
    jwk.crv !== "P-256" ||
    typeof jwk.x !== "string" ||
    typeof jwk.y !== "string"
  ) {
    throw new KeyshipError({ code: "client.unsupported", detail: "Expected an EC P-256 key." });
  }
  return { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
}
