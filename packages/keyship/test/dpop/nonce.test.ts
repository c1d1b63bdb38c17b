/**
 * Server nonces (RFC 9449 §8) with `dpopNonce: true`, on both dialects, with panva's `dpop`
 * package making the proofs: a proof without the current nonce is refused with
 * `use_dpop_nonce` and the nonce to use (400 at a token-issuing route, 401 at a resource), a
 * stale or forged nonce likewise, and the retry with the nonce passes. The nonces themselves:
 * any instance with the same secret accepts them, for the current and the previous window.
 */
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load.ts";
import { createDpopNonces } from "../../src/dpop/nonce.ts";
import { requireUser } from "../../src/guards/guards.ts";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import type { SessionAnswer } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox, PASSWORD } from "../passwords/helpers.ts";
import { craftedProof, generateKeyPair, htu, type KeyPair, proof } from "./helpers.ts";

const USE_NONCE = 'DPoP error="use_dpop_nonce", algs="ES256 EdDSA Ed25519 RS256 PS256"';

describe.each(dialects)("DPoP server nonces on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    requireEmailVerification: false,
    mailer: mailbox(),
    dpopNonce: true,
  });
  let whoamiAdded = false;

  /** POST /auth/register with a proof of `key` (nonce as given). */
  async function register(key: KeyPair, nonce?: string) {
    const email = `nonce-${crypto.randomUUID()}@example.com`;
    const dpop = await proof(key, "POST", "/auth/register", undefined, nonce);
    const body = { email, password: PASSWORD, session: "bearer" };
    return postJson(suite.app, "/auth/register", body, { dpop });
  }

  /** A signed-up DPoP session and the nonce its answer carried. */
  async function signedUp(key: KeyPair) {
    if (!whoamiAdded) {
      suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
      whoamiAdded = true;
    }
    const first = await register(key);
    const nonce = first.headers.get("dpop-nonce") as string;
    const res = await register(key, nonce);
    expect(res.status).toBe(201);
    const session = (await res.json()) as SessionAnswer;
    return { token: session.accessToken as string, nonce: res.headers.get("dpop-nonce") as string };
  }

  const whoami = (token: string, dpop: string) =>
    suite.app.request("/whoami", { headers: { authorization: `DPoP ${token}`, dpop } });

  it("refuses a sign-in proof without a nonce: 400 dpop.nonce_required, the nonce to use", async () => {
    const res = await register(await generateKeyPair("ES256"));
    expect(res.status).toBe(400);
    expect(res.headers.get("dpop-nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await res.json()).toMatchObject({
      code: "dpop.nonce_required",
      error: "use_dpop_nonce",
    });
  });

  it("writes nothing for a refused sign-in, and takes the retry with the nonce", async () => {
    const key = await generateKeyPair("ES256");
    const before = await suite.count("users", "sessions");
    const refused = await register(key);
    expect(await suite.count("users", "sessions")).toEqual(before);
    const res = await register(key, refused.headers.get("dpop-nonce") as string);
    expect(res.status).toBe(201);
    expect(((await res.json()) as SessionAnswer).tokenType).toBe("DPoP");
  });

  it("refuses a resource proof without a nonce: 401 dpop.use_nonce, use_dpop_nonce challenge", async () => {
    const key = await generateKeyPair("ES256");
    const { token, nonce } = await signedUp(key);
    const res = await whoami(token, await proof(key, "GET", "/whoami", token));
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("dpop.use_nonce");
    expect(res.headers.get("www-authenticate")).toBe(USE_NONCE);
    expect(res.headers.get("dpop-nonce")).toBe(nonce);
    const ok = await whoami(token, await proof(key, "GET", "/whoami", token, nonce));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("dpop-nonce")).toBe(nonce);
  });

  it("lists the DPoP header and the dpop problems of each token-issuing route in /openapi.json", async () => {
    type Operation = {
      parameters?: { in: string; name: string }[];
      responses: Record<string, { description: string }>;
    };
    const spec = (await (await suite.app.request("/openapi.json")).json()) as {
      paths: Record<string, { post?: Operation }>;
    };
    const issuing = [
      "/auth/passkey/register/finish",
      "/auth/passkey/login/finish",
      "/auth/register",
      "/auth/login",
      "/auth/recovery/finish",
      "/auth/token/refresh",
    ];
    for (const path of issuing) {
      const operation = spec.paths[path]?.post as Operation;
      expect(operation.parameters).toContainEqual(
        expect.objectContaining({ in: "header", name: "dpop" }),
      );
      expect(operation.responses["400"]?.description).toContain("dpop.nonce_required");
      expect(operation.responses["401"]?.description).toContain("dpop.invalid_proof");
    }
  });

  it.each([
    ["stale (two windows old)", "stale"],
    ["forged", "forged"],
  ])("refuses a %s nonce", async (_name, kind) => {
    const key = await generateKeyPair("ES256");
    const { token, nonce } = await signedUp(key);
    // Two windows back: what a client that kept an old nonce would send.
    const nonces = createDpopNonces(suite.app.keyship.settings);
    const stale = nonces?.current(suite.clock.seconds() - 120) as string;
    expect(stale).not.toBe(nonce);
    const claims = {
      htm: "GET",
      htu: htu("/whoami"),
      iat: suite.clock.seconds(),
      jti: crypto.randomUUID(),
      ath: await athOf(token),
      nonce: kind === "stale" ? stale : "A".repeat(43),
    };
    const res = await whoami(token, await craftedProof(key, {}, claims));
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("dpop.use_nonce");
    expect(res.headers.get("dpop-nonce")).not.toBe(claims.nonce);
  });
});

async function athOf(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Buffer.from(digest).toString("base64url");
}

describe("DPoP nonces", () => {
  const settings = (sessionSecret: string) =>
    loadSettings({ env: {}, envFile: false, options: { sessionSecret, dpopNonce: true } }).settings;
  const secret = "s".repeat(32);

  it("are off by default", () => {
    expect(createDpopNonces(loadSettings({ env: {}, envFile: false }).settings)).toBeUndefined();
  });

  it("are accepted by any instance with the same secret, for the current and previous window", () => {
    const one = createDpopNonces(settings(secret));
    const other = createDpopNonces(settings(secret));
    const nonce = one?.current(1_000_000) as string;
    expect(other?.accepts(nonce, 1_000_000)).toBe(true);
    expect(other?.accepts(nonce, 1_000_060)).toBe(true);
    expect(other?.accepts(nonce, 1_000_120)).toBe(false);
    expect(createDpopNonces(settings("t".repeat(32)))?.accepts(nonce, 1_000_000)).toBe(false);
    expect(other?.accepts(undefined, 1_000_000)).toBe(false);
  });
});
