/**
 * DBSC registration on both dialects: a cookie sign-in on an HTTPS origin offers it, and the
 * registration endpoint binds the session to the browser's key only for a valid `dbsc+jwt`
 * answering that session's fresh, unused challenge.
 */
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { DbscKey, parseRegistration } from "./client.ts";
import {
  BOUND,
  DBSC_OPTIONS,
  ORIGIN,
  postRegistration,
  type SignedIn,
  servedAt,
  signUpBound,
  signUpWithCookies,
} from "./helpers.ts";

describe.each(dialects)("DBSC registration on $name", (dialect) => {
  const suite = useSuite(dialect, DBSC_OPTIONS);
  const app = () => servedAt(suite.app);
  let key: DbscKey;
  beforeAll(async () => {
    key = await DbscKey.create();
  });

  /** A fresh cookie sign-in and its registration request. */
  async function offered() {
    const signedIn = await signUpWithCookies(app());
    const registration = parseRegistration(signedIn.res.headers.get("secure-session-registration"));
    return { signedIn, registration };
  }

  const register = (signedIn: SignedIn, proof: string) =>
    postRegistration(app(), `${ORIGIN}/auth/dbsc/register`, proof, signedIn.jar.header());

  it("offers registration on a cookie sign-in: ES256 and RS256, the absolute path, a challenge", async () => {
    const { registration } = await offered();
    expect(registration.algorithms).toEqual(["ES256", "RS256"]);
    expect(registration.path).toBe(`${ORIGIN}/auth/dbsc/register`);
    expect(registration.challenge.length).toBeGreaterThan(40);
  });

  it("registers: the session instructions, a bound cookie, the key stored and audited", async () => {
    const bound = await signUpBound(app(), key);
    const { sessionId } = bound.body;
    expect(await bound.registered.json()).toEqual({
      session_identifier: sessionId,
      refresh_url: `${ORIGIN}/auth/dbsc/refresh`,
      scope: { origin: ORIGIN, include_site: false, scope_specification: [] },
      credentials: [
        { type: "cookie", name: BOUND, attributes: "Path=/; Secure; HttpOnly; SameSite=Lax" },
      ],
    });
    const setCookie = bound.registered.headers.getSetCookie().find((l) => l.startsWith(BOUND));
    expect(setCookie).toMatch(/Max-Age=600;.*Path=\/;.*HttpOnly;.*Secure;.*SameSite=Lax/);
    const db = suite.app.keyship.db;
    const row = await db
      .selectFrom("dbsc_sessions")
      .selectAll()
      .where("session_id", "=", sessionId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: bound.body.userId, algorithm: "ES256" });
    expect(JSON.parse(row.public_jwk)).toEqual(key.publicJwk);
    const audit = await db
      .selectFrom("audit_events")
      .select(["outcome", "actor_id"])
      .where("action", "=", "dbsc.registered")
      .where("target_id", "=", sessionId)
      .execute();
    expect(audit).toEqual([{ outcome: "success", actor_id: bound.body.userId }]);
  });

  it("registers an RS256 key (a browser may pick it from the offer)", async () => {
    const bound = await signUpBound(app(), await DbscKey.create("RS256"));
    expect(bound.registered.status).toBe(200);
  });

  it("refuses a replayed registration: a session registers once", async () => {
    const { signedIn, registration } = await offered();
    const proof = await key.registration(registration.challenge);
    expect((await register(signedIn, proof)).status).toBe(200);
    const again = await register(signedIn, proof);
    expect(again.status).toBe(400);
    expect(await codeOf(again)).toBe("dbsc.challenge_invalid");
  });

  it("refuses an expired challenge", async () => {
    const { signedIn, registration } = await offered();
    suite.clock.advance(121_000);
    const res = await register(signedIn, await key.registration(registration.challenge));
    expect(await codeOf(res)).toBe("dbsc.challenge_invalid");
  });

  it.each([
    ["a challenge keyship never issued", (c: string) => `${c.slice(0, -4)}AAAA`],
    ["no challenge", () => ""],
  ])("refuses %s", async (_name, mutate) => {
    const { signedIn, registration } = await offered();
    const res = await register(signedIn, await key.registration(mutate(registration.challenge)));
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toMatch(/^dbsc\.(challenge_invalid|invalid_proof)$/);
  });

  it("refuses another session's challenge, and a registration without the session's cookie", async () => {
    const first = await offered();
    const second = await offered();
    const swapped = await register(
      second.signedIn,
      await key.registration(first.registration.challenge),
    );
    expect(await codeOf(swapped)).toBe("dbsc.challenge_invalid");
    const cookieless = await postRegistration(
      app(),
      first.registration.path,
      await key.registration(first.registration.challenge),
      "",
    );
    expect(await codeOf(cookieless)).toBe("dbsc.challenge_invalid");
    const failures = await suite.app.keyship.db
      .selectFrom("audit_events")
      .select("data")
      .where("action", "=", "dbsc.registration_failed")
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ["a wrong typ", { typ: "jwt" }],
    ["no typ", { typ: undefined }],
    ["no jwk", { jwk: undefined }],
    ["a jku", { jku: "https://evil.example/keys" }],
  ])("refuses a proof with %s", async (_name, header) => {
    const { signedIn, registration } = await offered();
    const res = await register(signedIn, await key.registration(registration.challenge, header));
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("dbsc.invalid_proof");
  });

  it("refuses a bad signature: signed by another key than the one in its header", async () => {
    const { signedIn, registration } = await offered();
    const other = await DbscKey.create();
    const forged = await other.registration(registration.challenge, { jwk: key.publicJwk });
    const res = await register(signedIn, forged);
    expect(await codeOf(res)).toBe("dbsc.invalid_proof");
  });

  it.each(["HS256", "none", "ES384"])("refuses alg %s", async (alg) => {
    const { signedIn, registration } = await offered();
    const good = await key.registration(registration.challenge);
    const [, payload, signature] = good.split(".");
    const header = Buffer.from(
      JSON.stringify({ alg, typ: "dbsc+jwt", jwk: key.publicJwk }),
    ).toString("base64url");
    const res = await register(signedIn, `${header}.${payload}.${signature}`);
    expect(await codeOf(res)).toBe("dbsc.invalid_proof");
  });

  it("signs what Chromium signs: only jti (and no aud, iat or exp is required)", async () => {
    const { registration } = await offered();
    expect(decodeJwt(await key.registration(registration.challenge))).toEqual({
      jti: registration.challenge,
    });
  });
});
