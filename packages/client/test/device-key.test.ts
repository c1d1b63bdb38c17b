import { describe, expect, it } from "vitest";
import { exportDevicePublicJwk, generateDeviceKeyPair } from "../src/device-key.ts";
import { KeyshipError } from "../src/errors.ts";

describe("device key", () => {
  it.each(["jwk", "pkcs8"] as const)("refuses to export the private key as %s", async (format) => {
    const { privateKey } = await generateDeviceKeyPair();
    expect(privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey(format, privateKey)).rejects.toThrow();
  });

  it("is an ECDSA P-256 key pair that signs and verifies", async () => {
    const { privateKey, publicKey } = await generateDeviceKeyPair();
    expect(privateKey.algorithm).toEqual({ name: "ECDSA", namedCurve: "P-256" });
    expect(privateKey.usages).toEqual(["sign"]);
    expect(publicKey.usages).toEqual(["verify"]);
  });

  it("exports exactly kty, crv, x and y of the public key", async () => {
    const { publicKey } = await generateDeviceKeyPair();
    const jwk = await exportDevicePublicJwk(publicKey);
    expect(Object.keys(jwk).sort()).toEqual(["crv", "kty", "x", "y"]);
    expect(jwk).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(jwk.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jwk.y).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("never exports a private key, even when asked to", async () => {
    const { privateKey } = await generateDeviceKeyPair();
    const error = await exportDevicePublicJwk(privateKey).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyshipError);
    expect((error as KeyshipError).code).toBe("client.unsupported");
  });

  it("makes a different key pair each time", async () => {
    const a = await exportDevicePublicJwk((await generateDeviceKeyPair()).publicKey);
    const b = await exportDevicePublicJwk((await generateDeviceKeyPair()).publicKey);
    expect(a.x).not.toBe(b.x);
  });
});
