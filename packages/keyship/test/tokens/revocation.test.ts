import { describe, expect, it, vi } from "vitest";
import type { IsRevoked } from "../../src/tokens/index.ts";
import { expectTokenError, hsIssuer, T0_SECONDS } from "./fixtures.ts";

describe("the isRevoked hook", () => {
  it.each<readonly [string, IsRevoked]>([
    ["sync", () => true],
    ["async", async () => true],
  ])("refuses a token it reports revoked (%s)", async (_kind, isRevoked) => {
    const issuer = hsIssuer({ isRevoked });
    const { token } = await issuer.issueAccess("u1");

    await expectTokenError(issuer.verifyAccess(token), "token.revoked");
  });

  it("accepts a token it does not report revoked", async () => {
    const issuer = hsIssuer({ isRevoked: async () => false });
    const { token } = await issuer.issueAccess("u1");

    await expect(issuer.verifyAccess(token)).resolves.toMatchObject({ sub: "u1" });
  });

  it("is asked about the token's jti, sid, sub and iat", async () => {
    const isRevoked = vi.fn<IsRevoked>(() => false);
    const issuer = hsIssuer({ isRevoked, generateJti: () => "j1" });
    const { token } = await issuer.issueAccess("u1", { sid: "s1" });

    await issuer.verifyAccess(token);

    expect(isRevoked).toHaveBeenCalledWith({
      use: "access",
      jti: "j1",
      sid: "s1",
      sub: "u1",
      iat: T0_SECONDS,
    });
  });

  it("also guards refresh tokens", async () => {
    const issuer = hsIssuer({ isRevoked: ({ use }) => use === "refresh" });
    const { token } = await issuer.issueRefresh("u1", { sid: "s1" });

    await expectTokenError(issuer.verifyRefresh(token), "token.revoked");
  });

  it("is not asked about tokens that fail another check", async () => {
    const isRevoked = vi.fn<IsRevoked>(() => false);
    const issuer = hsIssuer({ isRevoked });
    const { token } = await issuer.issueRefresh("u1");

    await expectTokenError(issuer.verifyAccess(token), "token.wrong_type");
    expect(isRevoked).not.toHaveBeenCalled();
  });

  it("lets its own failure through unchanged (a store outage is no bad token)", async () => {
    const outage = new Error("store unavailable");
    const issuer = hsIssuer({
      isRevoked: () => {
        throw outage;
      },
    });
    const { token } = await issuer.issueAccess("u1");

    await expect(issuer.verifyAccess(token)).rejects.toBe(outage);
  });
});
