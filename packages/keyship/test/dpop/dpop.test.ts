/**
 * DPoP (RFC 9449) end to end on both dialects: a client using panva's `dpop` package signs up
 * with a proof, calls a protected route with `Authorization: DPoP`, refreshes with a proof of
 * the same key; every check of §4.3 has a test that breaks only it.
 */
import { createHash } from "node:crypto";
import { decodeJwt, exportJWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { bearer, registerWithSession, type SessionAnswer } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import {
  calculateThumbprint,
  callWithDpop,
  craftedProof,
  generateKeyPair,
  htu,
  type KeyPair,
  proof,
  refreshWithDpop,
  signUpWithDpop,
  whoamiWithDpop,
} from "./helpers.ts";

const INVALID_PROOF = 'DPoP error="invalid_dpop_proof", algs="ES256 EdDSA Ed25519 RS256 PS256"';
const INVALID_TOKEN = 'DPoP error="invalid_token", algs="ES256 EdDSA Ed25519 RS256 PS256"';

describe.each(dialects)("DPoP on $name", (dialect) => {
  const suite = useSuite(dialect);
  beforeAll(() => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
  });
  let key: KeyPair;
  let session: SessionAnswer;
  const token = () => session.accessToken as string;

  async function expectRefused(res: Response, code: string, challenge = INVALID_PROOF) {
    expect(res.status).toBe(401);
    const body = (await res.json()) as { code: string; error?: string };
    expect(body.code).toBe(code);
    expect(res.headers.get("www-authenticate")).toBe(challenge);
    if (code === "dpop.invalid_proof") expect(body.error).toBe("invalid_dpop_proof");
  }

  /** Claims of a proof that passes every check but the one a test breaks. */
  const claims = (overrides: Record<string, unknown> = {}) => ({
    htm: "GET",
    htu: htu("/whoami"),
    iat: suite.clock.seconds(),
    jti: crypto.randomUUID(),
    ...overrides,
  });

  beforeAll(async () => {
    key = await generateKeyPair("ES256");
    session = await signUpWithDpop(suite.app, key);
  });

  it("binds a sign-in with a proof: token type DPoP, cnf.jkt the key's thumbprint", async () => {
    expect(session.tokenType).toBe("DPoP");
    const jkt = await calculateThumbprint(key.publicKey);
    expect(decodeJwt(token()).cnf).toEqual({ jkt });
    const [row] = await suite.app.keyship.db
      .selectFrom("sessions")
      .select("dpop_jkt")
      .where("family_id", "=", session.sessionId)
      .execute();
    expect(row?.dpop_jkt).toBe(jkt);
  });

  it("answers a protected route for the token and a fresh proof, each time", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await callWithDpop(
        suite.app,
        "/whoami",
        token(),
        await proof(key, "GET", "/whoami", token()),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ userId: session.userId, via: "session" });
    }
  });

  it("refreshes with a proof of the same key, and the new token is bound too", async () => {
    const fresh = await signUpWithDpop(suite.app, key);
    const res = await refreshWithDpop(suite.app, fresh.refreshToken as string, key);
    expect(res.status).toBe(200);
    const next = (await res.json()) as SessionAnswer;
    expect(next.tokenType).toBe("DPoP");
    const nextToken = next.accessToken as string;
    expect(decodeJwt(nextToken).cnf).toEqual({ jkt: await calculateThumbprint(key.publicKey) });
    expect((await whoamiWithDpop(suite.app, key, nextToken)).status).toBe(200);
  });

  it("refuses a refresh without a proof or with another key, leaving the token unspent", async () => {
    const fresh = await signUpWithDpop(suite.app, key);
    const refreshToken = fresh.refreshToken as string;
    await expectRefused(
      await refreshWithDpop(suite.app, refreshToken, undefined),
      "dpop.proof_required",
      INVALID_TOKEN,
    );
    await expectRefused(
      await refreshWithDpop(suite.app, refreshToken, await generateKeyPair("ES256")),
      "dpop.key_mismatch",
      INVALID_TOKEN,
    );
    expect((await refreshWithDpop(suite.app, refreshToken, key)).status).toBe(200);
  });

  it.each(["Ed25519", "RS256", "PS256"] as const)("accepts proofs signed with %s", async (alg) => {
    const other = await generateKeyPair(alg);
    const bound = (await signUpWithDpop(suite.app, other)).accessToken as string;
    expect(decodeJwt(bound).cnf).toEqual({ jkt: await calculateThumbprint(other.publicKey) });
    expect((await whoamiWithDpop(suite.app, other, bound)).status).toBe(200);
  });

  it("refuses two DPoP headers", async () => {
    const one = await proof(key, "GET", "/whoami", token());
    const two = await proof(key, "GET", "/whoami", token());
    const res = await suite.app.request("/whoami", {
      headers: [
        ["authorization", `DPoP ${token()}`],
        ["dpop", one],
        ["dpop", two],
      ],
    });
    await expectRefused(res, "dpop.invalid_proof");
  });

  it("keeps a sign-in without a proof a plain Bearer session", async () => {
    const { body } = await registerWithSession(suite.app, "bearer");
    expect(body.tokenType).toBe("Bearer");
    expect(decodeJwt(body.accessToken as string).cnf).toBeUndefined();
    const res = await refreshWithDpop(suite.app, body.refreshToken as string, undefined);
    expect((await res.json()) as SessionAnswer).toMatchObject({ tokenType: "Bearer" });
  });

  it("refuses a replayed proof (its jti)", async () => {
    const dpop = await proof(key, "GET", "/whoami", token());
    expect((await callWithDpop(suite.app, "/whoami", token(), dpop)).status).toBe(200);
    await expectRefused(
      await callWithDpop(suite.app, "/whoami", token(), dpop),
      "dpop.invalid_proof",
    );
  });

  it("refuses a proof for another method (htm)", async () => {
    const dpop = await proof(key, "POST", "/whoami", token());
    await expectRefused(
      await callWithDpop(suite.app, "/whoami", token(), dpop),
      "dpop.invalid_proof",
    );
  });

  it("refuses a proof for another URL (htu): path, then host", async () => {
    for (const url of [htu("/elsewhere"), "https://attacker.example/whoami"]) {
      const dpop = await craftedProof(key, {}, claims({ htu: url }));
      await expectRefused(
        await callWithDpop(suite.app, "/whoami", token(), dpop),
        "dpop.invalid_proof",
      );
    }
  });

  it("ignores the query of htu, as RFC 9449 §4.3 says", async () => {
    const dpop = await craftedProof(
      key,
      {},
      claims({ htu: htu("/whoami?x=1"), ath: athOf(token()) }),
    );
    const res = await callWithDpop(suite.app, "/whoami?x=1", token(), dpop);
    expect(res.status).toBe(200);
  });

  it("refuses a stale iat and an iat in the future (60 s window)", async () => {
    for (const iat of [suite.clock.seconds() - 61, suite.clock.seconds() + 61]) {
      const dpop = await craftedProof(key, {}, claims({ iat, ath: athOf(token()) }));
      await expectRefused(
        await callWithDpop(suite.app, "/whoami", token(), dpop),
        "dpop.invalid_proof",
      );
    }
  });

  it("refuses a proof naming another access token (ath)", async () => {
    const dpop = await proof(key, "GET", "/whoami", `${token()}x`);
    await expectRefused(
      await callWithDpop(suite.app, "/whoami", token(), dpop),
      "dpop.invalid_proof",
    );
  });

  it("refuses a valid proof by another key than cnf.jkt", async () => {
    const other = await generateKeyPair("ES256");
    const dpop = await proof(other, "GET", "/whoami", token());
    await expectRefused(
      await callWithDpop(suite.app, "/whoami", token(), dpop),
      "dpop.key_mismatch",
      INVALID_TOKEN,
    );
  });

  it("refuses a bound token sent as Bearer (after it was used with DPoP), or without a proof", async () => {
    const dpop = await proof(key, "GET", "/whoami", token());
    expect((await callWithDpop(suite.app, "/whoami", token(), dpop)).status).toBe(200);
    const res = await suite.app.request("/whoami", { headers: bearer(token()) });
    await expectRefused(res, "dpop.proof_required", INVALID_TOKEN);
    await expectRefused(
      await callWithDpop(suite.app, "/whoami", token(), undefined),
      "dpop.proof_required",
      INVALID_TOKEN,
    );
  });

  it("keeps answering a warm bound token only with a proof of its key, and refuses it once revoked", async () => {
    const own = await generateKeyPair("ES256");
    const answer = await signUpWithDpop(suite.app, own);
    const bound = answer.accessToken as string;
    for (let i = 0; i < 2; i++) {
      expect((await whoamiWithDpop(suite.app, own, bound)).status).toBe(200);
    }
    // The verified token is cached under its key: nothing else finds the entry.
    const other = await generateKeyPair("ES256");
    await expectRefused(
      await whoamiWithDpop(suite.app, other, bound),
      "dpop.key_mismatch",
      INVALID_TOKEN,
    );
    const asBearer = await suite.app.request("/whoami", { headers: bearer(bound) });
    await expectRefused(asBearer, "dpop.proof_required", INVALID_TOKEN);
    const out = await callWithDpop(
      suite.app,
      "/auth/logout",
      bound,
      await proof(own, "POST", "/auth/logout", bound),
      "POST",
    );
    expect(out.status).toBe(204);
    const after = await whoamiWithDpop(suite.app, own, bound);
    expect(after.status).toBe(401);
    expect(await codeOf(after)).toBe("token.revoked");
  });

  it("refuses a wrong typ, alg none and HS256", async () => {
    const wrongTyp = await craftedProof(key, { typ: "JWT" }, claims({ ath: athOf(token()) }));
    const [, body] = (await proof(key, "GET", "/whoami", token())).split(".");
    const jwk = decodeHeader(wrongTyp).jwk;
    const none = `${b64({ alg: "none", typ: "dpop+jwt", jwk })}.${body}.`;
    const hs256 = `${b64({ alg: "HS256", typ: "dpop+jwt", jwk: { kty: "oct", k: "c2VjcmV0" } })}.${body}.c2ln`;
    for (const dpop of [wrongTyp, none, hs256]) {
      await expectRefused(
        await callWithDpop(suite.app, "/whoami", token(), dpop),
        "dpop.invalid_proof",
      );
    }
  });

  it("refuses a jwk restricted to another algorithm or use", async () => {
    const jwk = await exportJWK(key.publicKey);
    for (const restricted of [
      { ...jwk, alg: "ES384" },
      { ...jwk, use: "enc" },
    ]) {
      const dpop = await craftedProof(key, { jwk: restricted }, claims({ ath: athOf(token()) }));
      await expectRefused(
        await callWithDpop(suite.app, "/whoami", token(), dpop),
        "dpop.invalid_proof",
      );
    }
  });

  it("refuses a jwk carrying private key members", async () => {
    const extractable = await generateKeyPair("ES256", { extractable: true });
    const privateJwk = await exportJWK(extractable.privateKey);
    const dpop = await craftedProof(extractable, { jwk: privateJwk }, claims());
    await expectRefused(
      await callWithDpop(suite.app, "/whoami", token(), dpop),
      "dpop.invalid_proof",
    );
  });

  it("refuses an invalid proof at sign-in, before anything is written", async () => {
    const before = await suite.count("sessions");
    const dpop = await proof(key, "POST", "/auth/passkey/login/finish");
    await expect(registerWithSession(suite.app, "bearer", { headers: { dpop } })).rejects.toThrow(
      /expected 201, got 401.*dpop.invalid_proof/,
    );
    expect(await suite.count("sessions")).toEqual(before);
  });
});

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decodeHeader(jwt: string): { jwk: unknown } {
  return JSON.parse(Buffer.from(jwt.split(".")[0] as string, "base64url").toString());
}

function athOf(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
