/**
 * DBSC refresh and the bound cookie on both dialects: a bound session is honoured only with
 * its short-lived bound cookie; the refresh endpoint challenges, verifies the answer by the
 * registered key and sets a fresh cookie; an ended session is ended in the browser.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { bearer } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { DbscKey, parseChallenge, parseRegistration } from "./client.ts";
import {
  BOUND,
  type BoundSession,
  DBSC_OPTIONS,
  getWithCookies,
  ORIGIN,
  postRefresh,
  postRegistration,
  servedAt,
  signUpBound,
  signUpWithCookies,
} from "./helpers.ts";

const ACCESS = "__Host-keyship-access";
const REFRESH = "__Host-keyship-refresh";

describe.each(dialects)("DBSC refresh and the bound cookie on $name", (dialect) => {
  const suite = useSuite(dialect, DBSC_OPTIONS);
  const app = () => servedAt(suite.app);
  beforeAll(() => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
  });

  /** Asks for a challenge, then answers it with `key`; returns the challenge and the answer. */
  async function refreshWith(session: BoundSession, key: DbscKey = session.key) {
    const { sessionId } = session.body;
    const challenged = await postRefresh(app(), sessionId, session.jar.header());
    expect(challenged.status).toBe(403);
    expect(await codeOf(challenged)).toBe("dbsc.challenge_required");
    const { challenge, id } = parseChallenge(challenged.headers.get("secure-session-challenge"));
    expect(id).toBe(sessionId);
    const proof = await key.refresh(challenge);
    const answered = session.jar.take(
      await postRefresh(app(), sessionId, session.jar.header(), proof),
    );
    return { challenge, proof, answered };
  }

  async function expectUnbound(res: Response) {
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("dbsc.bound_cookie_required");
  }

  it("authenticates a bound session with its bound cookie", async () => {
    const session = await signUpBound(app());
    const res = await getWithCookies(app(), "/whoami", session.jar);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sessionId: session.body.sessionId });
  });

  it("refuses a copy of the long-lived cookies without the bound cookie, warm or cold", async () => {
    const session = await signUpBound(app());
    await expectUnbound(await getWithCookies(app(), "/whoami", session.jar, BOUND));
    // Warm: the token is cached now; the bound cookie is still required.
    expect((await getWithCookies(app(), "/whoami", session.jar)).status).toBe(200);
    await expectUnbound(await getWithCookies(app(), "/whoami", session.jar, BOUND));
  });

  it("refuses the access token sent as Bearer, and a refresh without the bound cookie", async () => {
    const session = await signUpBound(app());
    const token = session.jar.cookies[ACCESS] as string;
    await expectUnbound(
      await Promise.resolve(app().request("/whoami", { headers: bearer(token) })),
    );
    const refreshed = await app().request("/auth/token/refresh", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: ORIGIN,
        cookie: session.jar.header(BOUND),
      },
      body: "{}",
    });
    await expectUnbound(refreshed);
    const stolen = await app().request("/auth/token/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: session.jar.cookies[REFRESH] }),
    });
    await expectUnbound(stolen);
    const withBound = await app().request("/auth/token/refresh", {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, cookie: session.jar.header() },
      body: "{}",
    });
    expect(withBound.status).toBe(200);
  });

  it("refuses a bound cookie once it expired, though it was verified (and cached) before", async () => {
    const session = await signUpBound(app());
    expect((await getWithCookies(app(), "/whoami", session.jar)).status).toBe(200);
    suite.clock.advance(601_000);
    await expectUnbound(await getWithCookies(app(), "/whoami", session.jar));
  });

  it("refuses a forged bound cookie, and another session's", async () => {
    const session = await signUpBound(app());
    const other = await signUpBound(app());
    const value = session.jar.cookies[BOUND] as string;
    session.jar.cookies[BOUND] = `${value.slice(0, -3)}AAA`;
    await expectUnbound(await getWithCookies(app(), "/whoami", session.jar));
    session.jar.cookies[BOUND] = other.jar.cookies[BOUND] as string;
    await expectUnbound(await getWithCookies(app(), "/whoami", session.jar));
  });

  it("binds a session whose token was cached before the registration at once", async () => {
    const signedIn = await signUpWithCookies(app());
    expect((await getWithCookies(app(), "/whoami", signedIn.jar)).status).toBe(200);
    const registration = parseRegistration(signedIn.res.headers.get("secure-session-registration"));
    const key = await DbscKey.create();
    const registered = await postRegistration(
      app(),
      registration.path,
      await key.registration(registration.challenge),
      signedIn.jar.header(),
    );
    expect(registered.status).toBe(200);
    await expectUnbound(await getWithCookies(app(), "/whoami", signedIn.jar));
  });

  it("keeps an unbound cookie session working without a bound cookie", async () => {
    const { jar } = await signUpWithCookies(app());
    expect((await getWithCookies(app(), "/whoami", jar)).status).toBe(200);
  });

  it("refreshes: challenge, then the signed answer gets a fresh bound cookie", async () => {
    const session = await signUpBound(app());
    suite.clock.advance(601_000);
    const { answered } = await refreshWith(session);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({
      session_identifier: session.body.sessionId,
      refresh_url: `${ORIGIN}/auth/dbsc/refresh`,
    });
    expect(answered.headers.getSetCookie().some((l) => l.startsWith(`${BOUND}=`))).toBe(true);
    expect((await getWithCookies(app(), "/whoami", session.jar)).status).toBe(200);
  });

  it("refuses a replayed answer: each challenge is spent once", async () => {
    const session = await signUpBound(app());
    const { proof, answered } = await refreshWith(session);
    expect(answered.status).toBe(200);
    const again = await postRefresh(app(), session.body.sessionId, session.jar.header(), proof);
    expect(again.status).toBe(403);
    expect(await codeOf(again)).toBe("dbsc.challenge_required");
    expect(again.headers.get("secure-session-challenge")).toMatch(/^".+";id=".+"$/);
  });

  it("refuses an answer to an expired challenge", async () => {
    const session = await signUpBound(app());
    const challenged = await postRefresh(app(), session.body.sessionId, session.jar.header());
    const { challenge } = parseChallenge(challenged.headers.get("secure-session-challenge"));
    suite.clock.advance(121_000);
    const late = await postRefresh(
      app(),
      session.body.sessionId,
      session.jar.header(),
      await session.key.refresh(challenge),
    );
    expect(await codeOf(late)).toBe("dbsc.challenge_required");
  });

  it("refuses an answer by another key: 403, no cookie, audited", async () => {
    const session = await signUpBound(app());
    const { answered } = await refreshWith(session, await DbscKey.create());
    expect(answered.status).toBe(403);
    expect(await codeOf(answered)).toBe("dbsc.proof_refused");
    expect(answered.headers.getSetCookie()).toEqual([]);
    expect(answered.headers.get("secure-session-challenge")).not.toBeNull();
    const audit = await suite.app.keyship.db
      .selectFrom("audit_events")
      .select("outcome")
      .where("action", "=", "dbsc.refresh_failed")
      .where("target_id", "=", session.body.sessionId)
      .execute();
    expect(audit).toEqual([{ outcome: "failure" }]);
  });

  it.each<[string, Record<string, unknown> | "jwk"]>([
    ["a wrong typ", { typ: "jwt" }],
    ["a key in the header", "jwk"],
  ])("refuses a refresh answer with %s", async (_name, header) => {
    const session = await signUpBound(app());
    const challenged = await postRefresh(app(), session.body.sessionId, session.jar.header());
    const { challenge } = parseChallenge(challenged.headers.get("secure-session-challenge"));
    const overrides = header === "jwk" ? { jwk: session.key.publicJwk } : header;
    const res = await postRefresh(
      app(),
      session.body.sessionId,
      session.jar.header(),
      await session.key.refresh(challenge, overrides),
    );
    expect(await codeOf(res)).toBe("dbsc.proof_refused");
  });

  it("ends the browser's session once the keyship session is revoked: continue false", async () => {
    const session = await signUpBound(app());
    const logout = await app().request("/auth/logout", {
      method: "POST",
      headers: { origin: ORIGIN, cookie: session.jar.header() },
    });
    expect(logout.status).toBe(204);
    const res = await postRefresh(app(), session.body.sessionId, session.jar.header());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      session_identifier: session.body.sessionId,
      continue: false,
    });
  });

  it("ends an unknown or never-registered session", async () => {
    const { body, jar } = await signUpWithCookies(app());
    const res = await postRefresh(app(), body.sessionId, jar.header());
    expect(await res.json()).toEqual({ session_identifier: body.sessionId, continue: false });
  });
});
