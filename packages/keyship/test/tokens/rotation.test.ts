import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { createTokenIssuer, type TokenKey } from "../../src/tokens/index.ts";
import { ecPair, expectTokenError, rsaPair, T0 } from "./fixtures.ts";

const oldPair = ecPair("P-256");
const newPair = ecPair("P-256");
const OLD: TokenKey = { kid: "2029-12", privateKey: oldPair.privateKey };
const NEW: TokenKey = { kid: "2030-01", privateKey: newPair.privateKey };

function issuerWith(keys: readonly TokenKey[], currentKid?: string) {
  return createTokenIssuer({ algorithm: "ES256", keys, now: () => T0, currentKid });
}

describe("key rotation", () => {
  const before = issuerWith([OLD]);
  const after = issuerWith([NEW, OLD]);

  it("signs with the first key of the set", async () => {
    const { token } = await after.issueAccess("u1");

    expect(decodeProtectedHeader(token).kid).toBe("2030-01");
  });

  it("signs with currentKid when it is named", async () => {
    const staged = issuerWith([NEW, OLD], "2029-12");
    const { token } = await staged.issueAccess("u1");

    expect(decodeProtectedHeader(token).kid).toBe("2029-12");
  });

  it("still verifies tokens signed with the old key", async () => {
    const { token } = await before.issueAccess("u1");

    await expect(after.verifyAccess(token)).resolves.toMatchObject({ sub: "u1" });
  });

  it("still verifies old tokens once only the old public key is kept", async () => {
    const retired = issuerWith([NEW, { kid: "2029-12", publicKey: oldPair.publicKey }]);
    const { token } = await before.issueAccess("u1");

    await expect(retired.verifyAccess(token)).resolves.toMatchObject({ sub: "u1" });
  });

  it("refuses tokens of a key removed from the set", async () => {
    const { token } = await before.issueAccess("u1");

    await expectTokenError(issuerWith([NEW]).verifyAccess(token), "token.invalid");
  });

  it("rotates HMAC secrets the same way", async () => {
    const oldSecret = { kid: "a", secret: "a".repeat(32) };
    const newSecret = { kid: "b", secret: "b".repeat(32) };
    const hsBefore = createTokenIssuer({ algorithm: "HS256", keys: [oldSecret], now: () => T0 });
    const hsAfter = createTokenIssuer({
      algorithm: "HS256",
      keys: [newSecret, oldSecret],
      now: () => T0,
    });
    const { token } = await hsBefore.issueAccess("u1");

    await expect(hsAfter.verifyAccess(token)).resolves.toMatchObject({ sub: "u1" });
  });

  it("moves between algorithms, each key pinned to its own", async () => {
    const rsaKey: TokenKey = { kid: "rsa", algorithm: "RS256", privateKey: rsaPair().privateKey };
    const rsaOnly = createTokenIssuer({ algorithm: "RS256", keys: [rsaKey], now: () => T0 });
    const migrated = createTokenIssuer({ algorithm: "ES256", keys: [NEW, rsaKey], now: () => T0 });
    const { token } = await rsaOnly.issueAccess("u1");

    await expect(migrated.verifyAccess(token)).resolves.toMatchObject({ sub: "u1" });
    expect(migrated.algorithms).toEqual(["ES256", "RS256"]);
  });
});
