/**
 * When keyship offers DBSC: only cookie sign-ins, only with `dbscEnabled`, and only on a
 * configured HTTPS origin; behind a proxy the forwarded scheme and host count only with
 * `trustProxy`, and every URL is built from the configured origin, never the request's host.
 */
import { describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { dialects, type TestDialect } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { registerWithSession } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { DbscKey, parseRegistration } from "./client.ts";
import { DBSC_OPTIONS, ORIGIN, postRegistration, servedAt } from "./helpers.ts";

const sqlite = dialects.find((d) => d.name === "sqlite") as TestDialect;
const INTERNAL = "http://10.0.0.7:3000";

/** The registration header of a passkey sign-up on `app` in `mode`, with extra headers. */
async function offerOf(
  app: KeyshipApp,
  mode: "cookie" | "bearer",
  headers: Record<string, string> = {},
): Promise<string | null> {
  const { res } = await registerWithSession(app, mode, {
    origin: ORIGIN,
    headers: { origin: ORIGIN, ...headers },
  });
  return res.headers.get("secure-session-registration");
}

const FORWARDED = { "x-forwarded-proto": "https", "x-forwarded-host": "app.example" };

describe.each(dialects)("DBSC offers on $name", (dialect) => {
  const suite = useSuite(dialect, DBSC_OPTIONS);

  it("offers no registration to a bearer sign-in", async () => {
    expect(await offerOf(servedAt(suite.app), "bearer")).toBeNull();
  });

  it("offers none over plain http, even to a configured host name", async () => {
    expect(await offerOf(servedAt(suite.app, "http://app.example"), "cookie")).toBeNull();
  });

  it("ignores X-Forwarded-Proto and X-Forwarded-Host without trustProxy", async () => {
    expect(await offerOf(servedAt(suite.app, INTERNAL), "cookie", FORWARDED)).toBeNull();
  });

  it("answers dbsc.unavailable on a registration to an origin that is not configured", async () => {
    const key = await DbscKey.create();
    const res = await postRegistration(
      servedAt(suite.app, INTERNAL),
      "/auth/dbsc/register",
      await key.registration("x"),
      "",
    );
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("dbsc.unavailable");
  });
});

describe("DBSC behind a trusted TLS-terminating proxy", () => {
  const suite = useSuite(sqlite, { ...DBSC_OPTIONS, trustProxy: true });

  it("takes the public origin from the forwarded scheme and host", async () => {
    const offer = await offerOf(servedAt(suite.app, INTERNAL), "cookie", FORWARDED);
    expect(parseRegistration(offer).path).toBe(`${ORIGIN}/auth/dbsc/register`);
  });

  it("builds no URL from a forwarded host that is not a configured origin", async () => {
    const offer = await offerOf(servedAt(suite.app, INTERNAL), "cookie", {
      ...FORWARDED,
      "x-forwarded-host": "evil.example",
    });
    expect(offer).toBeNull();
  });

  it("offers none when the proxy says the client spoke plain http", async () => {
    const offer = await offerOf(servedAt(suite.app, INTERNAL), "cookie", {
      ...FORWARDED,
      "x-forwarded-proto": "http",
    });
    expect(offer).toBeNull();
  });
});

describe("DBSC switched off", () => {
  const suite = useSuite(sqlite, { ...DBSC_OPTIONS, dbscEnabled: false });

  it("sends no registration header and mounts no DBSC route", async () => {
    const app = servedAt(suite.app);
    expect(await offerOf(app, "cookie")).toBeNull();
    const res = await app.request("/auth/dbsc/refresh", { method: "POST" });
    expect(res.status).toBe(404);
  });
});
