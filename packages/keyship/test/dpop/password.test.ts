/**
 * DPoP beyond the passkey finish: a password sign-in with a proof is bound like any other
 * (docs/dpop.md's client walk-through), on both dialects.
 */
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import type { SessionAnswer } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox, PASSWORD } from "../passwords/helpers.ts";
import { calculateThumbprint, generateKeyPair, proof, refreshWithDpop } from "./helpers.ts";

describe.each(dialects)("DPoP with a password sign-in on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    requireEmailVerification: false,
    mailer: mailbox(),
  });

  it("binds the session of POST /auth/login with a proof, and /auth/me answers with one", async () => {
    const key = await generateKeyPair("ES256");
    const email = `dpop-${crypto.randomUUID()}@example.com`;
    const created = await postJson(suite.app, "/auth/register", {
      email,
      password: PASSWORD,
      session: "bearer",
    });
    expect(created.status).toBe(201);
    const res = await postJson(
      suite.app,
      "/auth/login",
      { email, password: PASSWORD, session: "bearer" },
      { dpop: await proof(key, "POST", "/auth/login") },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as SessionAnswer;
    expect(body.tokenType).toBe("DPoP");
    const token = body.accessToken as string;
    expect(decodeJwt(token).cnf).toEqual({ jkt: await calculateThumbprint(key.publicKey) });
    const me = await suite.app.request("/auth/me", {
      headers: { authorization: `DPoP ${token}`, dpop: await proof(key, "GET", "/auth/me", token) },
    });
    expect(me.status).toBe(200);
    expect((await refreshWithDpop(suite.app, body.refreshToken as string, key)).status).toBe(200);
  });
});
