import { describe, expect, it } from "vitest";
import {
  expectTokenError,
  forge,
  hsIssuer,
  pinnedClock,
  SECRET,
  T0_SECONDS,
  VALID_ACCESS_HEADER,
  validAccessClaims,
} from "./fixtures.ts";

const FIFTEEN_MINUTES = 900;
const THIRTY_DAYS = 30 * 86_400;

describe("access token lifetime (15 minutes, 30 s tolerance)", () => {
  it("still verifies within the clock tolerance after exp", async () => {
    const clock = pinnedClock();
    const issuer = hsIssuer({ now: clock.now });
    const { token } = await issuer.issueAccess("u1");

    clock.advance(FIFTEEN_MINUTES + 29);

    await expect(issuer.verifyAccess(token)).resolves.toMatchObject({ sub: "u1" });
  });

  it("is token.expired past exp plus the tolerance", async () => {
    const clock = pinnedClock();
    const issuer = hsIssuer({ now: clock.now });
    const { token } = await issuer.issueAccess("u1");

    clock.advance(FIFTEEN_MINUTES + 31);

    await expectTokenError(issuer.verifyAccess(token), "token.expired");
  });

  it("honours a configured accessTtl", async () => {
    const clock = pinnedClock();
    const issuer = hsIssuer({ now: clock.now, accessTtl: "1m", clockTolerance: 0 });
    const { token } = await issuer.issueAccess("u1");

    clock.advance(60);

    await expectTokenError(issuer.verifyAccess(token), "token.expired");
  });

  it("is token.expired when older than accessTtl, whatever its exp says", async () => {
    const clock = pinnedClock();
    const issuer = hsIssuer({ now: clock.now });
    const longLived = { ...validAccessClaims(), exp: T0_SECONDS + 365 * 86_400 };
    const token = await forge(VALID_ACCESS_HEADER, longLived, new TextEncoder().encode(SECRET));

    clock.advance(FIFTEEN_MINUTES + 31);

    await expectTokenError(issuer.verifyAccess(token), "token.expired");
  });
});

describe("refresh token lifetime (30 days)", () => {
  it("still verifies after 29 days", async () => {
    const clock = pinnedClock();
    const issuer = hsIssuer({ now: clock.now });
    const { token } = await issuer.issueRefresh("u1");

    clock.advance(29 * 86_400);

    await expect(issuer.verifyRefresh(token)).resolves.toMatchObject({ sub: "u1" });
  });

  it("is token.expired after 30 days", async () => {
    const clock = pinnedClock();
    const issuer = hsIssuer({ now: clock.now });
    const { token } = await issuer.issueRefresh("u1");

    clock.advance(THIRTY_DAYS + 31);

    await expectTokenError(issuer.verifyRefresh(token), "token.expired");
  });
});
