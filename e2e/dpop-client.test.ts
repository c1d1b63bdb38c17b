/**
 * `@keyship/client` with `binding: "dpop"` against the real server, on both dialects: a
 * password sign-up binds a DPoP session to the device key, `client.fetch()` calls with
 * `Authorization: DPoP` and a fresh proof, refreshes prove the key, and the stored access
 * token is refused as `Bearer`. The transport is `app.request()` (no socket, no browser), nothing
 * else; e2e/dpop.test.ts runs the same client in Chromium.
 */

import { createKeyshipClient, memoryKeyStore } from "@keyship/client";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { requireUser } from "../packages/keyship/src/guards/guards.ts";
import type { KeyshipOptions } from "../packages/keyship/src/index.ts";
import { dialects, type TestDialect } from "../packages/keyship/test/helpers/databases.ts";
import { codeOf, TEST_ORIGIN } from "../packages/keyship/test/helpers/passkeys.ts";
import { useSuite } from "../packages/keyship/test/helpers/suite.ts";
import { mailbox, PASSWORD } from "../packages/keyship/test/passwords/helpers.ts";

/** A suite with passwords, `/whoami`, every request recorded, and a DPoP client signing up. */
function useClientSuite(dialect: TestDialect, options: KeyshipOptions = {}) {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    requireEmailVerification: false,
    mailer: mailbox(),
    ...options,
  });
  const seen: Request[] = [];
  beforeAll(() => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      seen.push(request.clone());
      return suite.app.request(request);
    });
  });
  afterAll(() => vi.unstubAllGlobals());

  async function signedUp() {
    const keyStore = memoryKeyStore();
    const client = createKeyshipClient({
      baseUrl: TEST_ORIGIN,
      keyStore,
      binding: "dpop",
      now: () => suite.clock.now().getTime(),
    });
    const email = `client-${crypto.randomUUID()}@example.com`;
    const signIn = await client.registerWithPassword({ email, password: PASSWORD });
    const record = await keyStore.load();
    if (record?.dpop === undefined) throw new Error("no DPoP session stored");
    return { client, keyStore, signIn, record };
  }
  return { suite, seen, signedUp };
}

describe.each(dialects)("@keyship/client with binding dpop on $name", (dialect) => {
  const { suite, seen, signedUp } = useClientSuite(dialect);

  it("signs up with a proof and keeps the DPoP-bound tokens out of the answer", async () => {
    const { signIn, record } = await signedUp();
    expect(signIn).not.toHaveProperty("accessToken");
    expect(signIn).not.toHaveProperty("refreshToken");
    expect(decodeJwt(record.dpop?.accessToken as string).cnf).toHaveProperty("jkt");
    const finish = seen.at(-1) as Request;
    expect(finish.headers.get("dpop")).toMatch(/^ey/);
    expect(await finish.json()).toMatchObject({ session: "bearer" });
  });

  it("calls with Authorization: DPoP and a fresh proof per request (htm, htu without query, ath)", async () => {
    const { client, record } = await signedUp();
    const token = record.dpop?.accessToken as string;
    for (let i = 0; i < 2; i++) {
      const response = await client.fetch("/whoami?page=2#top");
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ via: "session", userId: expect.any(String) });
    }
    const [first, second] = seen.slice(-2).map((r) => ({
      authorization: r.headers.get("authorization"),
      proof: decodeJwt(r.headers.get("dpop") as string),
    }));
    expect(first?.authorization).toBe(`DPoP ${token}`);
    expect(first?.proof).toMatchObject({ htm: "GET", htu: `${TEST_ORIGIN}/whoami` });
    expect(first?.proof.ath).toEqual(expect.any(String));
    expect(second?.proof.jti).not.toBe(first?.proof.jti);
  });

  it("refreshes an expired access token with a proof and stores the rotated tokens", async () => {
    const { client, keyStore, record } = await signedUp();
    suite.clock.advance(60 * 60 * 1000);
    const response = await client.fetch("/whoami");
    expect(response.status).toBe(200);
    const refresh = seen.at(-2);
    expect(refresh?.url).toBe(`${TEST_ORIGIN}/auth/token/refresh`);
    expect(decodeJwt(refresh?.headers.get("dpop") as string)).toMatchObject({ htm: "POST" });
    const stored = await keyStore.load();
    expect(stored?.dpop?.refreshToken).not.toBe(record.dpop?.refreshToken);
    expect(stored?.dpop?.accessToken).not.toBe(record.dpop?.accessToken);
  });

  it("leaves a stolen access token useless: refused as Bearer", async () => {
    const { record } = await signedUp();
    const response = await suite.app.request("/whoami", {
      headers: { authorization: `Bearer ${record.dpop?.accessToken}` },
    });
    expect(response.status).toBe(401);
    expect(await codeOf(response)).toBe("dpop.proof_required");
  });

  it("logs out: the session and the device are revoked, the key forgotten", async () => {
    const { client, keyStore, record, signIn } = await signedUp();
    await client.logout();
    expect(await keyStore.load()).toBeUndefined();
    const { db } = suite.app.keyship;
    const sessions = await db
      .selectFrom("sessions")
      .select("revoked_at")
      .where("family_id", "=", record.dpop?.sessionId as string)
      .execute();
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((row) => row.revoked_at !== null)).toBe(true);
    const device = await db
      .selectFrom("devices")
      .select("revoked_at")
      .where("id", "=", signIn.deviceId)
      .executeTakeFirstOrThrow();
    expect(device.revoked_at).not.toBeNull();
  });
});

describe.each(dialects)("@keyship/client with server nonces on $name", (dialect) => {
  const { seen, signedUp } = useClientSuite(dialect, { dpopNonce: true });

  it("retries once with the server's nonce, then sends the nonce it remembers", async () => {
    const from = seen.length;
    const { client } = await signedUp();
    const signUps = seen.slice(from);
    expect(signUps).toHaveLength(2);
    expect(decodeJwt(signUps[0]?.headers.get("dpop") as string).nonce).toBeUndefined();
    const nonce = decodeJwt(signUps[1]?.headers.get("dpop") as string).nonce;
    expect(nonce).toEqual(expect.any(String));
    const before = seen.length;
    expect((await client.fetch("/whoami")).status).toBe(200);
    expect(seen.length - before).toBe(1);
    expect(decodeJwt(seen.at(-1)?.headers.get("dpop") as string).nonce).toBe(nonce);
  });
});
