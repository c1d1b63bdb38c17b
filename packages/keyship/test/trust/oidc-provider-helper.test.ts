/** The test OpenID Provider itself: discovery, JWT access tokens with claims, key rotation. */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider.ts";

describe("test OpenID Provider", () => {
  let idp: TestOidcProvider;
  beforeAll(async () => {
    idp = await startOidcProvider({
      issuerPath: "/realms/main",
      clients: [
        {
          clientId: "svc",
          clientSecret: "svc-secret",
          tokenClaims: { realm_access: { roles: ["admin"] } },
        },
        { clientId: "web", redirectUris: ["http://localhost:8787/cb"] },
      ],
      resources: { "https://api.test": { scope: "orders:read" } },
    });
  });
  afterAll(() => idp.close());

  it("publishes discovery under the issuer path", async () => {
    const doc = (await (await fetch(idp.url("/.well-known/openid-configuration"))).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(doc.issuer).toBe(idp.issuer);
    expect(doc.jwks_uri.startsWith(idp.issuer)).toBe(true);
  });

  it("issues JWT access tokens for the resource with the client's claims", async () => {
    const token = await idp.clientCredentialsToken({
      clientId: "svc",
      clientSecret: "svc-secret",
      scope: "orders:read",
    });
    const jwks = createRemoteJWKSet(new URL(idp.url("/jwks")));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: idp.issuer,
      audience: "https://api.test",
    });
    expect(protectedHeader.kid).toBe(idp.kids[0]);
    expect(payload).toMatchObject({ scope: "orders:read", realm_access: { roles: ["admin"] } });
  });

  it("signs with a new kid after rotateKeys()", async () => {
    const before = idp.kids[0];
    const [after] = idp.rotateKeys();
    const token = await idp.clientCredentialsToken({ clientId: "svc", clientSecret: "svc-secret" });
    expect(decodeProtectedHeader(token).kid).toBe(after);
    expect(after).not.toBe(before);
  });
});
