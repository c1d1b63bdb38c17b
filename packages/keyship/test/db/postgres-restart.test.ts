/**
 * PostgreSQL stopped and started again under traffic (a private server, never the shared
 * one): sign-ups (passkey start and finish) and authenticated calls keep coming; while it is
 * down every answer is 200/201 or 503 `service_unavailable` with `Retry-After` (never a 500,
 * never a 401 for a good token), traffic succeeds again once it is back, and no user is left
 * without its passkey and device.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { eventually } from "../changes/instances.ts";
import { postJson, testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { newDeviceKey, TEST_ORIGIN } from "../helpers/passkeys.ts";
import {
  type PrivatePostgres,
  privatePostgresAvailable,
  startPrivatePostgres,
} from "../helpers/postgres.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";

type Phase = "before" | "down" | "after";
interface Answer {
  readonly phase: Phase;
  readonly what: "start" | "finish" | "me";
  readonly status: number;
  readonly code?: string;
  readonly retryAfter: string | null;
}

describe.skipIf(!privatePostgresAvailable)("PostgreSQL restarting mid-traffic", () => {
  let server: PrivatePostgres;
  let app: KeyshipApp;

  beforeAll(async () => {
    server = await startPrivatePostgres();
    app = testApp(server.url, { databaseTimeoutMs: 1000 });
    await app.keyship.ready;
  }, 120_000);
  afterAll(async () => {
    await app?.keyship.close();
    await server?.destroy();
  });

  it("answers 503 service_unavailable during the window only, then recovers, with nothing half-written", async () => {
    const { body } = await registerWithSession(app, "bearer");
    const headers = bearer(body.accessToken);
    const answers: Answer[] = [];
    let phase: Phase = "before";
    let running = true;

    const note = async (what: Answer["what"], res: Response) => {
      const problem = res.status >= 400 ? ((await res.json()) as { code?: string }) : undefined;
      const retryAfter = res.headers.get("retry-after");
      answers.push({ phase, what, status: res.status, ...problem, retryAfter });
      return res;
    };
    const signUp = async () => {
      const started = await note("start", await postJson(app, "/auth/passkey/register/start", {}));
      if (started.status !== 200) return;
      const { flowId, options } = (await started.json()) as { flowId: string; options: never };
      const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
      const finish = await postJson(app, "/auth/passkey/register/finish", {
        flowId,
        credential: authenticator.createCredential(options),
        devicePublicKey: newDeviceKey().publicJwk,
      });
      await note("finish", finish);
    };
    const traffic = async () => {
      while (running) {
        await signUp();
        await note("me", await app.request("/auth/me", { headers }));
      }
    };
    const count = (wanted: Phase, ok?: boolean) =>
      answers.filter((a) => a.phase === wanted && (ok === undefined || a.status < 300 === ok))
        .length;

    const workers = [traffic(), traffic()];
    await eventually(async () => count("before", true) >= 10);
    phase = "down";
    await server.stop();
    await eventually(async () => count("down", false) >= 10);
    await server.start();
    phase = "after";
    await eventually(async () =>
      ["finish", "me"].every(
        (what) =>
          answers.filter((a) => a.phase === "after" && a.what === what && a.status < 300).length >=
          3,
      ),
    );
    running = false;
    await Promise.all(workers);
    // The change feed's LISTEN connection is back too: the instance is ready again.
    await eventually(async () => (await app.request("/health/ready")).status === 200);

    const refused = answers.filter((a) => a.status >= 300);
    console.info(
      `PostgreSQL restart: ${answers.length} answers, ${refused.length} refused (${count("down", false)} while down)`,
    );
    const unexpected = refused.filter(
      (a) => !(a.status === 503 && a.code === "service_unavailable" && a.retryAfter === "2"),
    );
    expect(unexpected).toEqual([]);
    expect(refused.every((a) => a.phase !== "before")).toBe(true);

    // Every user has its passkey and what it signed in with (a device; the first one a session).
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from users u
      where not exists (select 1 from passkeys p where p.user_id = u.id)
         or not (exists (select 1 from devices d where d.user_id = u.id)
                 or exists (select 1 from sessions s where s.user_id = u.id))`.execute(
      app.keyship.db,
    );
    expect(rows[0]?.n).toBe(0);
    const users = await app.keyship.db.selectFrom("users").select("id").execute();
    const created = answers.filter((a) => a.what === "finish" && a.status === 201).length;
    // Each 201 made one user (plus the first account); a 503 finish may have committed or not.
    expect(users.length).toBeGreaterThanOrEqual(created + 1);
  }, 120_000);
});
