import {
  type GenerateRegistrationOptionsOpts,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type VerifyAuthenticationResponseOpts,
  type VerifyRegistrationResponseOpts,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";
import {
  AuthenticatorError,
  COSE_ALG,
  type CoseAlgorithm,
  type CreateOverrides,
  type GetOverrides,
  SoftwareAuthenticator,
} from "../helpers/authenticator.ts";

const ORIGIN = "http://localhost:8787";
const RP_ID = "localhost";
const USER_ID = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

function newAuthenticator(
  options: Partial<ConstructorParameters<typeof SoftwareAuthenticator>[0]> = {},
): SoftwareAuthenticator {
  return new SoftwareAuthenticator({ origin: ORIGIN, ...options });
}

function registrationOptions(
  extra: Partial<GenerateRegistrationOptionsOpts> = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: "keyship test",
    rpID: RP_ID,
    userName: "alice@example.com",
    userID: USER_ID,
    ...extra,
  });
}

function verifyRegistration(
  options: PublicKeyCredentialCreationOptionsJSON,
  response: RegistrationResponseJSON,
  extra: Partial<VerifyRegistrationResponseOpts> = {},
) {
  return verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    requireUserVerification: true,
    ...extra,
  });
}

/** Registers through simplewebauthn and returns the credential a server would store. */
async function registerCredential(
  authenticator: SoftwareAuthenticator,
  overrides: CreateOverrides = {},
): Promise<WebAuthnCredential> {
  const options = await registrationOptions();
  const result = await verifyRegistration(
    options,
    authenticator.createCredential(options, overrides),
  );
  if (!result.verified) throw new Error("registration did not verify");
  return result.registrationInfo.credential;
}

async function login(
  authenticator: SoftwareAuthenticator,
  credential: WebAuthnCredential,
  overrides: GetOverrides = {},
  extra: Partial<VerifyAuthenticationResponseOpts> = {},
) {
  const options = await generateAuthenticationOptions({ rpID: RP_ID });
  const response = authenticator.getAssertion(options, overrides);
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: ORIGIN,
    expectedRPID: RP_ID,
    credential,
    requireUserVerification: true,
    ...extra,
  });
}

function requestOptions(
  extra: Partial<PublicKeyCredentialRequestOptionsJSON> = {},
): PublicKeyCredentialRequestOptionsJSON {
  return { challenge: "Y2hhbGxlbmdl", rpId: RP_ID, ...extra };
}

describe("SoftwareAuthenticator registration", () => {
  it("produces a none attestation that verifies", async () => {
    const options = await registrationOptions();
    const response = newAuthenticator().createCredential(options);
    const result = await verifyRegistration(options, response);
    expect(result.verified).toBe(true);
    expect(result.registrationInfo).toMatchObject({
      fmt: "none",
      aaguid: "00000000-0000-0000-0000-000000000000",
      credential: { id: response.id, counter: 0, transports: ["internal"] },
      credentialDeviceType: "singleDevice",
      credentialBackedUp: false,
      userVerified: true,
      origin: ORIGIN,
      rpID: RP_ID,
    });
  });

  it("produces a packed self attestation that verifies", async () => {
    const options = await registrationOptions({ attestationType: "direct" });
    const result = await verifyRegistration(options, newAuthenticator().createCredential(options));
    expect(result.verified).toBe(true);
    expect(result.registrationInfo?.fmt).toBe("packed");
  });

  it("prefers ES256 among the algorithms simplewebauthn offers by default", async () => {
    const options = await registrationOptions();
    const response = newAuthenticator().createCredential(options);
    expect(response.response.publicKeyAlgorithm).toBe(COSE_ALG.ES256);
  });

  it("reports backup flags as a multi-device credential", async () => {
    const options = await registrationOptions();
    const authenticator = newAuthenticator({ backupEligible: true, backedUp: true });
    const result = await verifyRegistration(options, authenticator.createCredential(options));
    expect(result.registrationInfo).toMatchObject({
      credentialDeviceType: "multiDevice",
      credentialBackedUp: true,
    });
  });

  it("answers credProps with rk for a discoverable credential", async () => {
    const options = await registrationOptions();
    const response = newAuthenticator().createCredential(options);
    expect(response.clientExtensionResults).toEqual({ credProps: { rk: true } });
  });

  it("throws InvalidStateError when excludeCredentials names a held credential", async () => {
    const authenticator = newAuthenticator();
    const first = authenticator.createCredential(await registrationOptions());
    const options = await registrationOptions({ excludeCredentials: [{ id: first.id }] });
    expect(() => authenticator.createCredential(options)).toThrow(
      expect.objectContaining({ name: "InvalidStateError" }),
    );
  });

  it("throws NotSupportedError when no offered algorithm is supported", async () => {
    const options = await registrationOptions({ supportedAlgorithmIDs: [COSE_ALG.RS256] });
    const authenticator = newAuthenticator({ algorithms: [COSE_ALG.ES256] });
    expect(() => authenticator.createCredential(options)).toThrow(AuthenticatorError);
  });

  it("yields verified false for a tampered packed signature", async () => {
    const options = await registrationOptions({ attestationType: "direct" });
    const response = newAuthenticator().createCredential(options, { tamperSignature: true });
    await expect(verifyRegistration(options, response)).resolves.toEqual({ verified: false });
  });

  it("is accepted by simplewebauthn even when framed (crossOrigin is keyship's check)", async () => {
    const options = await registrationOptions();
    const response = newAuthenticator().createCredential(options, {
      crossOrigin: true,
      topOrigin: "https://evil.example",
    });
    expect((await verifyRegistration(options, response)).verified).toBe(true);
  });

  // The reason is matched on simplewebauthn's message only to prove that the knob, and nothing
  // else, caused the rejection.
  it.each<[string, CreateOverrides, RegExp]>([
    ["a foreign origin", { origin: "https://evil.example" }, /registration response origin/],
    ["a foreign rpId hash", { rpId: "evil.example" }, /RP ID hash/],
    ["no user verification", { userVerified: false }, /User verification was required/],
    ["no user presence", { userPresent: false }, /User presence was required/],
    ["the wrong clientData type", { type: "webauthn.get" }, /registration response type/],
    ["another challenge", { challenge: "b3RoZXI" }, /registration response challenge/],
    ["an algorithm the RP did not offer", { algorithm: COSE_ALG.RS256 }, /public key alg/],
  ])("is rejected by simplewebauthn with %s", async (_name, overrides, reason) => {
    const options = await registrationOptions({ supportedAlgorithmIDs: [COSE_ALG.ES256] });
    const response = newAuthenticator().createCredential(options, overrides);
    await expect(
      verifyRegistration(options, response, { supportedAlgorithmIDs: [COSE_ALG.ES256] }),
    ).rejects.toThrow(reason);
  });
});

describe("SoftwareAuthenticator assertion", () => {
  it.each<[string, CoseAlgorithm]>([
    ["ES256", COSE_ALG.ES256],
    ["EdDSA", COSE_ALG.EdDSA],
    ["RS256", COSE_ALG.RS256],
  ])("signs an assertion that verifies with %s", async (_name, algorithm) => {
    const authenticator = newAuthenticator({ algorithms: [algorithm] });
    const credential = await registerCredential(authenticator);
    const result = await login(authenticator, credential);
    expect(result.verified).toBe(true);
    expect(result.authenticationInfo).toMatchObject({
      credentialID: credential.id,
      newCounter: 1,
      userVerified: true,
      origin: ORIGIN,
      rpID: RP_ID,
    });
  });

  it("increments the counter by one per assertion", async () => {
    const authenticator = newAuthenticator();
    const credential = await registerCredential(authenticator);
    const first = await login(authenticator, credential);
    const second = await login(authenticator, {
      ...credential,
      counter: first.authenticationInfo.newCounter,
    });
    expect([second.verified, second.authenticationInfo.newCounter]).toEqual([true, 2]);
  });

  it("always reports 0 in zero counter mode", async () => {
    const authenticator = newAuthenticator({ counterMode: "zero" });
    const credential = await registerCredential(authenticator);
    await login(authenticator, credential);
    const second = await login(authenticator, credential);
    expect([second.verified, second.authenticationInfo.newCounter]).toEqual([true, 0]);
  });

  it("returns the registered user.id as userHandle", async () => {
    const authenticator = newAuthenticator();
    const options = await registrationOptions();
    authenticator.createCredential(options);
    const assertion = authenticator.getAssertion(requestOptions());
    expect(assertion.response.userHandle).toBe(options.user.id);
  });

  it("returns an overridden userHandle", () => {
    const authenticator = newAuthenticator();
    authenticator.createCredential({
      challenge: "YQ",
      rp: { id: RP_ID, name: "t" },
      user: { id: "dXNlcg", name: "u", displayName: "" },
      pubKeyCredParams: [{ type: "public-key", alg: COSE_ALG.ES256 }],
    });
    const assertion = authenticator.getAssertion(requestOptions(), { userHandle: "b3RoZXI" });
    expect(assertion.response.userHandle).toBe("b3RoZXI");
  });

  it("uses the credential listed in allowCredentials", async () => {
    const authenticator = newAuthenticator();
    const first = authenticator.createCredential(await registrationOptions());
    authenticator.createCredential(await registrationOptions());
    const options = requestOptions({ allowCredentials: [{ id: first.id, type: "public-key" }] });
    expect(authenticator.getAssertion(options).id).toBe(first.id);
  });

  it("uses the most recent discoverable credential when allowCredentials is empty", async () => {
    const authenticator = newAuthenticator();
    authenticator.createCredential(await registrationOptions());
    const latest = authenticator.createCredential(await registrationOptions());
    expect(authenticator.getAssertion(requestOptions()).id).toBe(latest.id);
  });

  it("uses the credential given by id", async () => {
    const authenticator = newAuthenticator();
    const first = authenticator.createCredential(await registrationOptions());
    authenticator.createCredential(await registrationOptions());
    expect(authenticator.getAssertion(requestOptions(), { credentialId: first.id }).id).toBe(
      first.id,
    );
  });

  it("throws NotAllowedError when allowCredentials lists no held credential", async () => {
    const authenticator = newAuthenticator();
    authenticator.createCredential(await registrationOptions());
    const options = requestOptions({ allowCredentials: [{ id: "AAAA", type: "public-key" }] });
    expect(() => authenticator.getAssertion(options)).toThrow(
      expect.objectContaining({ name: "NotAllowedError" }),
    );
  });

  it("throws NotAllowedError after the credential is removed", async () => {
    const authenticator = newAuthenticator();
    const { id } = authenticator.createCredential(await registrationOptions());
    authenticator.removeCredential(id);
    expect(() => authenticator.getAssertion(requestOptions())).toThrow(AuthenticatorError);
  });

  it("throws NotAllowedError for a non-discoverable credential without allowCredentials", async () => {
    const authenticator = newAuthenticator();
    authenticator.createCredential(await registrationOptions(), { isDiscoverable: false });
    expect(() => authenticator.getAssertion(requestOptions())).toThrow(AuthenticatorError);
  });

  it("yields verified false for a tampered signature", async () => {
    const authenticator = newAuthenticator();
    const credential = await registerCredential(authenticator);
    const result = await login(authenticator, credential, { tamperSignature: true });
    expect(result.verified).toBe(false);
  });

  it("is rejected by simplewebauthn when a clone's counter falls behind", async () => {
    const authenticator = newAuthenticator();
    const credential = await registerCredential(authenticator);
    const clone = authenticator.clone();
    const first = await login(authenticator, credential);
    const stored = { ...credential, counter: first.authenticationInfo.newCounter };
    await expect(login(clone, stored)).rejects.toThrow(/counter value/);
  });

  it("is rejected by simplewebauthn when the counter goes backwards", async () => {
    const authenticator = newAuthenticator();
    const credential = { ...(await registerCredential(authenticator)), counter: 5 };
    await expect(login(authenticator, credential, { counter: 3 })).rejects.toThrow(/counter value/);
  });

  it("remembers an explicit counter and increments from it", async () => {
    const authenticator = newAuthenticator();
    const credential = await registerCredential(authenticator);
    await login(authenticator, credential, { counter: 41 });
    const next = await login(authenticator, { ...credential, counter: 41 });
    expect(next.authenticationInfo.newCounter).toBe(42);
  });

  it.each<[string, GetOverrides, RegExp]>([
    ["a foreign origin", { origin: "https://evil.example" }, /authentication response origin/],
    ["a foreign rpId hash", { rpId: "evil.example" }, /RP ID hash/],
    ["no user verification", { userVerified: false }, /User verification required/],
    ["no user presence", { userPresent: false }, /User not present/],
    ["the wrong clientData type", { type: "webauthn.create" }, /authentication response type/],
    ["another challenge", { challenge: "b3RoZXI" }, /authentication response challenge/],
    [
      "a framed ceremony",
      { crossOrigin: true, topOrigin: "https://evil.example" },
      /cross-origin authentication response/,
    ],
    ["a topOrigin without crossOrigin", { topOrigin: ORIGIN }, /Unexpected top origin/],
  ])("is rejected by simplewebauthn with %s", async (_name, overrides, reason) => {
    const authenticator = newAuthenticator();
    const credential = await registerCredential(authenticator);
    await expect(login(authenticator, credential, overrides)).rejects.toThrow(reason);
  });
});
