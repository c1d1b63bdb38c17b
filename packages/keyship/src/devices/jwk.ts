/**
 * The device public key: an EC P-256 public JWK, nothing else.
 * @module
 */
import { ECDH } from "node:crypto";
import { z } from "@hono/zod-openapi";

const coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be 32 bytes of base64url");

/** A canonical device public key: the four members that define a P-256 public key. */
export interface DevicePublicJwk {
  readonly kty: "EC";
  readonly crv: "P-256";
  readonly x: string;
  readonly y: string;
}

/**
 * Whether `jwk` is a point on P-256. OpenSSL decodes the uncompressed point (`04 ‖ x ‖ y`) and
 * refuses coordinates outside the field or off the curve; P-256's cofactor is 1, so every
 * point on the curve is in the signing group. `ECDH.convertKey` does just that decoding
 * (~13 µs here); importing the JWK as a key (`createPublicKey`) checks the same and costs
 * ~54 µs, once per sign-in.
 */
function isP256Point(jwk: DevicePublicJwk): boolean {
  try {
    const point = Buffer.concat([
      UNCOMPRESSED,
      Buffer.from(jwk.x, "base64url"),
      Buffer.from(jwk.y, "base64url"),
    ]);
    ECDH.convertKey(point, "prime256v1", undefined, undefined, "compressed");
    return true;
  } catch {
    return false;
  }
}

const UNCOMPRESSED = Buffer.from([0x04]);

/**
 * The JSON schema of `devicePublicKey`: what `crypto.subtle.exportKey("jwk", publicKey)` gives
 * for an ECDSA P-256 key. Private members (`d`) and unknown members are refused; a key whose
 * coordinates are not a point on the curve fails with `device.invalid_public_key`. Parsing
 * yields the canonical {@link DevicePublicJwk}, so what is stored never depends on how the
 * browser spelled it.
 */
export const DevicePublicJwkSchema = z
  .object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: coordinate,
    y: coordinate,
    alg: z.literal("ES256").optional(),
    ext: z.boolean().optional(),
    key_ops: z.array(z.literal("verify")).max(1).optional(),
    use: z.literal("sig").optional(),
  })
  .strict()
  .transform((jwk, ctx): DevicePublicJwk => {
    const canonical: DevicePublicJwk = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
    if (!isP256Point(canonical)) {
      ctx.addIssue({
        code: "custom",
        message: "must be a point on P-256",
        params: { problem: "device.invalid_public_key" },
      });
      return z.NEVER;
    }
    return canonical;
  })
  .openapi("DevicePublicKey", {
    description: "The device's ECDSA P-256 public key as a JWK (public members only).",
    example: {
      kty: "EC",
      crv: "P-256",
      x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
      y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    },
  });
