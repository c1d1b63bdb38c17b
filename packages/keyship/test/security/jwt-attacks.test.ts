/**
 * JWT attacks (RFC 8725) against a sensitive write, with the victim's device stepped up, so a
 * forged token that got through would revoke the victim's other devices. Each one answers 401
 * with its `token.*` code and `WWW-Authenticate: Bearer error="invalid_token"`, and the auth
 * tables stay exactly as they were.
 */
import { createHmac } from "node:crypto";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  codeOf,
  loginAccount,
  mintDeviceToken,
  newDeviceKey,
  registerAccount,
  TEST_ORIGIN,
  type TestAccount,
} from "../helpers/passkeys.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";
import { authSnapshot } from "../helpers/snapshot.ts";
import { useSuite } from "../helpers/suite.ts";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A JWT with any header and payload, signed by `sign` over `header.payload` (or unsigned). */
function handMade(
  header: object,
  payload: object,
  sign: (input: string) => string = () => "",
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(input)}`;
}

describe.each(dialects)("JWT attacks on $name", (dialect) => {
  const suite = useSuite(dialect);
  let victim: TestAccount;
  let sessionToken: string;

  beforeAll(async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    victim = await registerAccount(suite.app, authenticator);
    await loginAccount(suite.app, authenticator);
    await victim.stepUp();
    sessionToken = (await registerWithSession(suite.app, "bearer")).body.accessToken as string;
  });

  const now = () => suite.clock.seconds();
  const claims = () => ({ aud: "keyship:http", iat: now(), exp: now() + 300, jti: "j1" });

  const deviceAttacks: Array<[string, () => Promise<string>, string]> = [
    [
      "alg none",
      async () => handMade({ alg: "none", kid: victim.deviceId }, claims()),
      "token.invalid",
    ],
    [
      "HS256 keyed with the device's public key (algorithm confusion)",
      async () =>
        handMade({ alg: "HS256", kid: victim.deviceId, typ: "JWT" }, claims(), (input) =>
          createHmac("sha256", JSON.stringify(victim.deviceKey.publicJwk))
            .update(input)
            .digest("base64url"),
        ),
      "token.invalid",
    ],
    [
      "the victim's kid signed by the attacker's key",
      () => mintDeviceToken(newDeviceKey(), victim.deviceId, { clock: suite.clock }),
      "token.invalid",
    ],
    [
      "an embedded jwk header naming the attacker's key",
      async () => {
        const attacker = newDeviceKey();
        return mintDeviceToken(attacker, victim.deviceId, {
          clock: suite.clock,
          header: { jwk: attacker.publicJwk },
        });
      },
      "token.invalid",
    ],
    [
      "a jku header",
      () =>
        mintDeviceToken(victim.deviceKey, victim.deviceId, {
          clock: suite.clock,
          header: { jku: "https://evil.example/jwks.json" },
        }),
      "token.invalid",
    ],
    [
      "no exp",
      () =>
        mintDeviceToken(victim.deviceKey, victim.deviceId, { clock: suite.clock, exp: undefined }),
      "token.invalid",
    ],
    [
      "a lifetime beyond the device-token maximum",
      () =>
        mintDeviceToken(victim.deviceKey, victim.deviceId, {
          clock: suite.clock,
          exp: now() + 7200,
        }),
      "token.invalid",
    ],
    [
      "the WebSocket audience",
      () =>
        mintDeviceToken(victim.deviceKey, victim.deviceId, {
          clock: suite.clock,
          aud: "keyship:ws",
        }),
      "token.invalid",
    ],
    [
      "a tampered payload",
      async () => {
        const [h, , s] = (
          await mintDeviceToken(victim.deviceKey, victim.deviceId, { clock: suite.clock })
        ).split(".");
        return `${h}.${b64({ ...claims(), sub: "someone-else" })}.${s}`;
      },
      "token.invalid",
    ],
    [
      "an expired token",
      () =>
        mintDeviceToken(victim.deviceKey, victim.deviceId, {
          clock: suite.clock,
          iat: now() - 900,
          exp: now() - 600,
        }),
      "token.expired",
    ],
  ];

  const accessAttacks: Array<[string, () => Promise<string>]> = [
    [
      "an access token re-signed with alg none",
      async () => {
        const [h, p] = sessionToken.split(".");
        const header = JSON.parse(Buffer.from(h as string, "base64url").toString());
        return `${b64({ ...header, alg: "none" })}.${p}.`;
      },
    ],
    [
      "an access token signed with a guessed secret",
      async () => {
        const payload = JSON.parse(
          Buffer.from(sessionToken.split(".")[1] as string, "base64url").toString(),
        );
        return new SignJWT({ ...payload, sub: victim.userId })
          .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
          .sign(new TextEncoder().encode("secret".repeat(8)));
      },
    ],
  ];

  async function expectRefusedWithoutChange(token: string, code: string) {
    const before = await authSnapshot(suite.app);
    const res = await postJson(suite.app, "/auth/devices/revoke-others", {}, bearer(token));
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe(code);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    expect(await authSnapshot(suite.app)).toBe(before);
  }

  it("starts with two active devices, so a forged call that got through would show", async () => {
    const res = await suite.app.request("/auth/devices", { headers: await victim.auth() });
    const { devices } = (await res.json()) as { devices: Array<{ revokedAt: string | null }> };
    expect(devices.filter((d) => d.revokedAt === null)).toHaveLength(2);
  });

  it.each(deviceAttacks)("refuses a device token with %s", async (_name, forge, code) => {
    await expectRefusedWithoutChange(await forge(), code);
  });

  it.each(accessAttacks)("refuses %s", async (_name, forge) => {
    await expectRefusedWithoutChange(await forge(), "token.invalid");
  });
});
