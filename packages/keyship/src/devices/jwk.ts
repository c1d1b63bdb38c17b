/**
 * The device public key: an EC P-256 public JWK, nothing else.
 * @module
 */
import { createPublicKey } from "node:crypto";
import { z } from "@hono/zod-openapi";
import { ProblemError } from "../errors.ts";

const coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be 32 bytes of base64url");

/**
 * The JSON schema of `devicePublicKey`: what `crypto.subtle.exportKey("jwk", publicKey)` gives
 * for an ECDSA P-256 key. Private members (`d`) and unknown members are refused.
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
  .openapi("DevicePublicKey", {
    description: "The device's ECDSA P-256 public key as a JWK (public members only).",
    example: {
      kty: "EC",
      crv: "P-256",
      x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
      y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    },
  });

/** A canonical device public key. */
export interface DevicePublicJwk {
  readonly kty: "EC";
  readonly crv: "P-256";
  readonly x: string;
  readonly y: string;
}

/**
 * Checks that `jwk` is a point on P-256 and returns its canonical public form.
 * @throws ProblemError `device.invalid_public_key` when it is not a valid P-256 public key
 */
export function canonicalDeviceJwk(jwk: z.infer<typeof DevicePublicJwkSchema>): DevicePublicJwk {
  const canonical: DevicePublicJwk = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
  try {
    // Node refuses coordinates that are not a point on the curve.
    const key = createPublicKey({ key: { ...canonical }, format: "jwk" });
    if (key.asymmetricKeyType !== "ec") throw new Error("not an EC key");
  } catch (cause) {
    throw new ProblemError("device.invalid_public_key", { cause });
  }
  return canonical;
}
