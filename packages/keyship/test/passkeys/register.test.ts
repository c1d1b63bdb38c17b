import { describe, expect, it } from "vitest";
import { isId } from "../../src/ids.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  codeOf,
  finishRegistration,
  newDeviceKey,
  registerAccount,
  startRegistration,
  TEST_ORIGIN,
} from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";

const TABLES = ["users", "passkeys", "devices"] as const;

describe.each(dialects)("passkey registration on $name", (dialect) => {
  const suite = useSuite(dialect);

  it("creates the user, passkey and device in one go", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const before = await suite.count(...TABLES);
    const account = await registerAccount(suite.app, authenticator, {
      email: " Ada@Example.COM ",
      displayName: "Ada",
    });
    expect(await suite.count(...TABLES)).toEqual({
      users: before.users + 1,
      passkeys: before.passkeys + 1,
      devices: before.devices + 1,
    });
    const db = suite.app.keyship.db;
    const user = await db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", account.userId)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email: "ada@example.com", display_name: "Ada", role: "user" });
    const device = await db
      .selectFrom("devices")
      .selectAll()
      .where("id", "=", account.deviceId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(device.public_jwk)).toEqual(account.deviceKey.publicJwk);
    expect(account.userId).toMatch(/^u[0-9a-z]{31}$/);
    expect(account.passkeyId).toMatch(/^k[0-9a-z]{31}$/);
    expect(account.deviceId).toMatch(/^d[0-9a-z]{31}$/);
  });

  it("asks for a discoverable credential with ES256, EdDSA and RS256", async () => {
    const { options } = await startRegistration(suite.app);
    expect(options.authenticatorSelection?.residentKey).toBe("required");
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-7, -8, -257]);
    expect(options.rp.id).toBe("localhost");
  });

  it("accepts packed self attestation", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(suite.app, authenticator, {}, { attestation: "packed" });
    expect(isId(account.userId, "user")).toBe(true);
    expect(isId(account.passkeyId, "passkey")).toBe(true);
  });

  type Case = [
    string,
    (
      a: SoftwareAuthenticator,
      options: Parameters<SoftwareAuthenticator["createCredential"]>[0],
    ) => unknown,
    string,
  ];
  const attacks: Case[] = [
    [
      "a wrong origin",
      (a, o) => a.createCredential(o, { origin: "https://evil.example" }),
      "passkey.verification_failed",
    ],
    [
      "a wrong rpId hash",
      (a, o) => a.createCredential(o, { rpId: "evil.example" }),
      "passkey.verification_failed",
    ],
    [
      "a cross-origin frame",
      (a, o) => a.createCredential(o, { crossOrigin: true, topOrigin: "https://evil.example" }),
      "passkey.verification_failed",
    ],
    [
      "a wrong clientData type",
      (a, o) => a.createCredential(o, { type: "webauthn.get" }),
      "passkey.verification_failed",
    ],
    [
      "another challenge",
      (a, o) => a.createCredential(o, { challenge: "AAAA" }),
      "passkey.verification_failed",
    ],
    [
      "a tampered attestation signature",
      (a, o) => a.createCredential(o, { attestation: "packed", tamperSignature: true }),
      "passkey.verification_failed",
    ],
    [
      "no user presence",
      (a, o) => a.createCredential(o, { userPresent: false }),
      "passkey.verification_failed",
    ],
  ];

  it.each(attacks)("refuses %s and writes nothing", async (_name, make, code) => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const before = await suite.count(...TABLES);
    const { flowId, options } = await startRegistration(suite.app, { email: "attack@example.com" });
    const res = await finishRegistration(suite.app, flowId, make(authenticator, options) as never);
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe(code);
    expect(await suite.count(...TABLES)).toEqual(before);
  });

  it("refuses a replayed challenge", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const { flowId, options } = await startRegistration(suite.app);
    const credential = authenticator.createCredential(options);
    expect((await finishRegistration(suite.app, flowId, credential)).status).toBe(201);
    const before = await suite.count(...TABLES);
    const replay = await finishRegistration(suite.app, flowId, credential);
    expect(replay.status).toBe(400);
    expect(await codeOf(replay)).toBe("passkey.challenge_invalid");
    expect(await suite.count(...TABLES)).toEqual(before);
  });

  it("spends the challenge on a failed finish: no retry with another credential", async () => {
    const { flowId, options } = await startRegistration(suite.app);
    const phished = new SoftwareAuthenticator({ origin: "http://evil.localhost:5173" });
    const failed = await finishRegistration(suite.app, flowId, phished.createCredential(options));
    expect(await codeOf(failed)).toBe("passkey.verification_failed");
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const retry = await finishRegistration(
      suite.app,
      flowId,
      authenticator.createCredential(options),
    );
    expect(retry.status).toBe(400);
    expect(await codeOf(retry)).toBe("passkey.challenge_invalid");
  });

  it("refuses an expired challenge", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const { flowId, options } = await startRegistration(suite.app);
    suite.clock.advance(301_000);
    try {
      const res = await finishRegistration(
        suite.app,
        flowId,
        authenticator.createCredential(options),
      );
      expect(res.status).toBe(400);
      expect(await codeOf(res)).toBe("passkey.challenge_invalid");
    } finally {
      suite.clock.advance(-301_000);
    }
  });

  it("lets exactly one of two concurrent finishes with one flowId succeed", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const { flowId, options } = await startRegistration(suite.app);
    const credential = authenticator.createCredential(options);
    const before = await suite.count(...TABLES);
    const results = await Promise.all([
      finishRegistration(suite.app, flowId, credential),
      finishRegistration(suite.app, flowId, credential),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
    expect(await suite.count(...TABLES)).toEqual({
      users: before.users + 1,
      passkeys: before.passkeys + 1,
      devices: before.devices + 1,
    });
  });

  it("refuses a credential registered twice", async () => {
    const first = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    await registerAccount(suite.app, first);
    const [stored] = first.listCredentials();
    const again = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const { flowId, options } = await startRegistration(suite.app);
    const credential = again.createCredential(options, {
      credentialId: Buffer.from(stored!.id, "base64url"),
    });
    const res = await finishRegistration(suite.app, flowId, credential);
    expect(res.status).toBe(409);
    expect(await codeOf(res)).toBe("passkey.already_registered");
  });

  it("refuses an email that already has an account, writing nothing", async () => {
    await registerAccount(suite.app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }), {
      email: "taken@example.com",
    });
    const before = await suite.count(...TABLES);
    const { flowId, options } = await startRegistration(suite.app, { email: "TAKEN@example.com" });
    const credential = new SoftwareAuthenticator({ origin: TEST_ORIGIN }).createCredential(options);
    const res = await finishRegistration(suite.app, flowId, credential);
    expect(res.status).toBe(409);
    expect(await codeOf(res)).toBe("passkey.email_taken");
    expect(await suite.count(...TABLES)).toEqual(before);
  });

  const badKeys: Array<[string, Record<string, unknown>, string]> = [
    ["a private key (d)", { ...newDeviceKey().publicJwk, d: "x".repeat(43) }, "validation.failed"],
    ["another curve", { ...newDeviceKey().publicJwk, crv: "P-384" }, "validation.failed"],
    ["an RSA key", { kty: "RSA", n: "AQAB", e: "AQAB" }, "validation.failed"],
    ["junk", { hello: "world" }, "validation.failed"],
    [
      "a point off the curve",
      { kty: "EC", crv: "P-256", x: "A".repeat(43), y: "A".repeat(43) },
      "device.invalid_public_key",
    ],
    ["a real key with one bit of y flipped", offByOneBit(), "device.invalid_public_key"],
    [
      "coordinates beyond the field (2²⁵⁶ − 1)",
      { kty: "EC", crv: "P-256", x: `${"_".repeat(42)}8`, y: `${"_".repeat(42)}8` },
      "device.invalid_public_key",
    ],
  ];

  it.each(badKeys)("refuses a device key that is %s", async (_name, devicePublicKey, code) => {
    const { flowId, options } = await startRegistration(suite.app);
    const credential = new SoftwareAuthenticator({ origin: TEST_ORIGIN }).createCredential(options);
    const before = await suite.count(...TABLES);
    const res = await postJson(suite.app, "/auth/passkey/register/finish", {
      flowId,
      credential,
      devicePublicKey,
    });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe(code);
    expect(await suite.count(...TABLES)).toEqual(before);
  });
});

describe.each(dialects)(
  "passkey registration with user verification required on $name",
  (dialect) => {
    const suite = useSuite(dialect, { userVerification: "required" });

    it("refuses a credential created without user verification", async () => {
      const { flowId, options } = await startRegistration(suite.app);
      expect(options.authenticatorSelection?.userVerification).toBe("required");
      const credential = new SoftwareAuthenticator({ origin: TEST_ORIGIN }).createCredential(
        options,
        { userVerified: false },
      );
      const res = await finishRegistration(suite.app, flowId, credential);
      expect(res.status).toBe(400);
      expect(await codeOf(res)).toBe("passkey.user_verification_required");
      expect(await suite.count("users")).toEqual({ users: 0 });
    });
  },
);

/** A real device public key whose y coordinate has its lowest bit flipped: off the curve. */
function offByOneBit(): Record<string, unknown> {
  const jwk = newDeviceKey().publicJwk as { x: string; y: string };
  const y = Buffer.from(jwk.y, "base64url");
  y[31] = (y[31] as number) ^ 1;
  return { kty: "EC", crv: "P-256", x: jwk.x, y: y.toString("base64url") };
}
