/**
 * PostgreSQL stopped and started again under traffic (a private server, never the shared
 * one), once as a restart (`-m fast`) and once as a crash (`-m immediate`): sign-ups (passkey
 * start and finish) and authenticated calls keep coming; while it is down every answer is
 * 200/201 or 503 `service_unavailable` with `Retry-After` (never a 500, never a 401 for a good
 * token), traffic succeeds again once it is back, no user is left without its passkey and
 * device, and no sign-up answered 201 is lost.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { eventually } from "../changes/instances.ts";
import { postJson, testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { capturedLogs } from "../helpers/logs.ts";
import { newDeviceKey, TEST_ORIGIN } from "../helpers/passkeys.ts";
import {
  type PrivatePostgres,
  privatePostgresAvailable,
  type StopMode,
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

/** How `note()` tags each answer, and collects them. */
function answerLog() {
  const answers: Answer[] = [];
  let phase: Phase = "before";
  return {
    answers,
    set phase(next: Phase) {
      phase = next;
    },
    async note(what: Answer["what"], res: Response) {
      const problem = res.status >= 400 ? ((await res.json()) as { code?: string }) : undefined;
      answers.push({
        phase,
        what,
        status: res.status,
        ...problem,
        retryAfter: res.headers.get("retry-after"),
      });
      return res;
    },
    count: (wanted: Phase, what?: Answer["what"], ok?: boolean) =>
      answers.filter(
        (a) =>
          a.phase === wanted &&
          (what === undefined || a.what === what) &&
          (ok === undefined || a.status < 300 === ok),
      ).length,
  };
}

/**
 * Two workers sign up (passkey start and finish) and call `/auth/me` with `headers` while
 * `server` is stopped in `mode` and started again; resolves once sign-ups and calls succeed
 * again, with every answer.
 */
async function restartUnderTraffic(
  app: KeyshipApp,
  server: PrivatePostgres,
  mode: StopMode,
  headers: Record<string, string>,
): Promise<Answer[]> {
  const log = answerLog();
  let running = true;
  const signUp = async () => {
    const started = await log.note(
      "start",
      await postJson(app, "/auth/passkey/register/start", {}),
    );
    if (started.status !== 200) return;
    const { flowId, options } = (await started.json()) as { flowId: string; options: never };
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const finish = await postJson(app, "/auth/passkey/register/finish", {
      flowId,
      credential: authenticator.createCredential(options),
      devicePublicKey: newDeviceKey().publicJwk,
    });
    await log.note("finish", finish);
  };
  const traffic = async () => {
    while (running) {
      await signUp();
      await log.note("me", await app.request("/auth/me", { headers }));
    }
  };
  const workers = [traffic(), traffic()];
  await eventually(async () => log.count("before", undefined, true) >= 10);
  log.phase = "down";
  await server.stop(mode);
  await eventually(async () => log.count("down", undefined, false) >= 10);
  await server.start();
  log.phase = "after";
  await eventually(
    async () => log.count("after", "finish", true) >= 3 && log.count("after", "me", true) >= 3,
  );
  running = false;
  await Promise.all(workers);
  return log.answers;
}

describe.skipIf(!privatePostgresAvailable)("PostgreSQL restarting mid-traffic", () => {
  let server: PrivatePostgres;
  let app: KeyshipApp;
  const logs = capturedLogs("error");

  beforeAll(async () => {
    server = await startPrivatePostgres();
    app = testApp(server.url, { databaseTimeoutMs: 1000, logger: logs.logger });
    await app.keyship.ready;
  }, 120_000);
  afterAll(async () => {
    await app?.keyship.close();
    await server?.destroy();
  });

  const countUsers = async () =>
    (await app.keyship.db.selectFrom("users").select("id").execute()).length;

  it.each<StopMode>(["fast", "immediate"])(
    "stopped (-m %s): 503 service_unavailable during the window only, then recovery, nothing half-written",
    async (mode) => {
      const { body } = await registerWithSession(app, "bearer");
      const usersBefore = await countUsers();
      const answers = await restartUnderTraffic(app, server, mode, bearer(body.accessToken));
      // The change feed's LISTEN connection is back too: the instance is ready again.
      await eventually(async () => (await app.request("/health/ready")).status === 200);

      const refused = answers.filter((a) => a.status >= 300);
      console.info(
        `PostgreSQL stopped (-m ${mode}) and started: ${answers.length} answers, ${refused.length} refused, all while it was down or starting`,
      );
      const unexpected = refused.filter(
        (a) => !(a.status === 503 && a.code === "service_unavailable" && a.retryAfter === "2"),
      );
      if (unexpected.length > 0)
        console.info(logs.lines.filter((l) => l.includes("internal.error")).join("\n"));
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
      // Each 201 made one user; a finish answered 503 may have committed or not.
      const created = answers.filter((a) => a.what === "finish" && a.status === 201).length;
      expect(await countUsers()).toBeGreaterThanOrEqual(usersBefore + created);
    },
    120_000,
  );
});
