/**
 * The audit log's core: rows written with every field, secrets kept out of `data`, filters and
 * cursor pagination newest first, the retention, and `logAction()` for an app's own events.
 */
import { describe, expect, it } from "vitest";
import { CLI_SOURCE } from "../../src/audit/model.ts";
import { logAction } from "../../src/audit/request.ts";
import {
  allAuditEvents,
  listAuditEvents,
  pruneAuditEvents,
  recordAudit,
} from "../../src/audit/service.ts";
import type { KeyshipContext } from "../../src/context.ts";
import { newId } from "../../src/ids.ts";
import { dialects } from "../helpers/databases.ts";
import { useSuite } from "../helpers/suite.ts";

describe.each(dialects)("audit log on $name", (dialect) => {
  const suite = useSuite(dialect, { auditRetentionDays: 30 });
  const ctx = () =>
    ({
      db: suite.app.keyship.db,
      now: () => suite.clock.now(),
      newId,
      settings: suite.app.keyship.settings,
    }) as unknown as KeyshipContext;
  const source = {
    actorId: "u_actor",
    impersonatorId: null,
    ip: "203.0.113.7",
    userAgent: "Test/1.0",
    traceId: "t".repeat(32),
  };

  it("records every field and keeps secret-looking keys out of data", async () => {
    await recordAudit(ctx().db, ctx(), source, {
      action: "passkey.renamed",
      targetType: "passkey",
      targetId: "k_one",
      data: { name: "Laptop", password: "hunter2", nested: { refreshToken: "x", ok: 1 } },
    });
    const { items } = await listAuditEvents(ctx(), { target: "k_one" }, { limit: 10 });
    expect(items).toEqual([
      {
        id: expect.stringMatching(/^e[0-9a-z]{31}$/),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        action: "passkey.renamed",
        outcome: "success",
        actorId: "u_actor",
        impersonatorId: null,
        targetType: "passkey",
        targetId: "k_one",
        ip: "203.0.113.7",
        userAgent: "Test/1.0",
        traceId: "t".repeat(32),
        data: { name: "Laptop", nested: { ok: 1 } },
      },
    ]);
  });

  it("refuses an action that is not a dotted lower-case name", async () => {
    await expect(recordAudit(ctx().db, ctx(), source, { action: "Bad Action" })).rejects.toThrow(
      TypeError,
    );
  });

  it("filters and pages newest first with a cursor", async () => {
    for (let i = 0; i < 5; i++) {
      suite.clock.advance(1000);
      await recordAudit(ctx().db, ctx(), CLI_SOURCE, {
        action: i % 2 === 0 ? "user.disabled" : "user.enabled",
        outcome: i === 4 ? "failure" : "success",
        targetType: "user",
        targetId: "u_paged",
        data: { round: i },
      });
    }
    const first = await listAuditEvents(ctx(), { target: "u_paged" }, { limit: 2 });
    expect(first.items.map((e) => e.data.round)).toEqual([4, 3]);
    const second = await listAuditEvents(
      ctx(),
      { target: "u_paged" },
      { limit: 2, cursor: first.nextCursor ?? "" },
    );
    expect(second.items.map((e) => e.data.round)).toEqual([2, 1]);
    const third = await listAuditEvents(
      ctx(),
      { target: "u_paged" },
      { limit: 2, cursor: second.nextCursor ?? "" },
    );
    expect(third.items.map((e) => e.data.round)).toEqual([0]);
    expect(third.nextCursor).toBeNull();

    const f = { target: "u_paged" };
    const rounds = async (extra: object) =>
      (await listAuditEvents(ctx(), { ...f, ...extra }, { limit: 50 })).items.map(
        (e) => e.data.round,
      );
    expect(await rounds({ action: "user.enabled" })).toEqual([3, 1]);
    expect(await rounds({ action: "user.*" })).toEqual([4, 3, 2, 1, 0]);
    expect(await rounds({ outcome: "failure" })).toEqual([4]);
    expect(await rounds({ q: "KEYSHIP-CLI" })).toEqual([4, 3, 2, 1, 0]);
    expect(await rounds({ q: '"round":2' })).toEqual([2]);
    const all = [];
    for await (const e of allAuditEvents(ctx(), f)) all.push(e.data.round);
    expect(all).toEqual([4, 3, 2, 1, 0]);
    await expect(
      listAuditEvents(ctx(), f, { limit: 2, cursor: "not-a-cursor" }),
    ).rejects.toMatchObject({ code: "validation.failed" });
  });

  it("deletes events past the retention and keeps the rest", async () => {
    await recordAudit(ctx().db, ctx(), CLI_SOURCE, { action: "app.old_event" });
    suite.clock.advance(31 * 86_400_000);
    await recordAudit(ctx().db, ctx(), CLI_SOURCE, { action: "app.new_event" });
    expect(await pruneAuditEvents(ctx())).toBeGreaterThanOrEqual(1);
    const { items } = await listAuditEvents(ctx(), { action: "app.*" }, { limit: 10 });
    expect(items.map((e) => e.action)).toEqual(["app.new_event"]);
  });

  it("logAction() records an app's event with the request's IP, user agent and trace id", async () => {
    const app = suite.app;
    app.post("/test-audit/refund", async (c) => {
      await logAction(c, "invoice.refunded", {
        targetType: "invoice",
        targetId: "inv_1",
        data: { amount: 12 },
      });
      await app.keyship.logAction(c, "invoice.noted", { targetId: "inv_1" });
      return c.body(null, 204);
    });
    const res = await app.request("/test-audit/refund", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Refunder/2",
        "x-trace-id": "a".repeat(32),
      },
      body: "{}",
    });
    expect(res.status).toBe(204);
    const { items } = await listAuditEvents(ctx(), { target: "inv_1" }, { limit: 10 });
    expect(items.map((e) => [e.action, e.actorId, e.userAgent, e.traceId, e.data])).toEqual([
      ["invoice.noted", null, "Refunder/2", "a".repeat(32), {}],
      ["invoice.refunded", null, "Refunder/2", "a".repeat(32), { amount: 12 }],
    ]);
  });
});

describe("serializeAuditData", () => {
  it("drops secret-looking keys at any depth and keeps ids that merely contain 'pass'", async () => {
    const { serializeAuditData } = await import("../../src/audit/model.ts");
    const json = serializeAuditData({
      passkeyId: "k1",
      pass: "x",
      Password: "x",
      clientSecret: "x",
      privateKey: "x",
      code: "123456",
      list: [{ accessToken: "x", kept: true }],
      long: "y".repeat(600),
    });
    expect(JSON.parse(json)).toEqual({
      passkeyId: "k1",
      list: [{ kept: true }],
      long: "y".repeat(512),
    });
    expect(serializeAuditData({ big: Array(50).fill("z".repeat(500)) })).toBe('{"truncated":true}');
  });
});

describe("the retention in the server", () => {
  it("deletes events past KEYSHIP_AUDIT_RETENTION_DAYS when an instance starts", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { testApp } = await import("../helpers/app.ts");
    const dir = await mkdtemp(join(tmpdir(), "keyship-retention-"));
    const url = `sqlite:${join(dir, "k.db")}`;
    try {
      const first = testApp(url);
      await first.keyship.ready;
      const old = new Date(Date.now() - 40 * 86_400_000);
      await recordAudit(first.keyship.db, { now: () => old, newId }, CLI_SOURCE, {
        action: "app.ancient",
      });
      await recordAudit(first.keyship.db, { now: () => new Date(), newId }, CLI_SOURCE, {
        action: "app.recent",
      });
      await first.keyship.close();
      const second = testApp(url, { processEnv: { KEYSHIP_AUDIT_RETENTION_DAYS: "30" } });
      await second.keyship.ready;
      const actions = async () =>
        (
          await listAuditEvents({ db: second.keyship.db }, { action: "app.*" }, { limit: 10 })
        ).items.map((e) => e.action);
      for (let i = 0; i < 50 && (await actions()).length > 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await actions()).toEqual(["app.recent"]);
      await second.keyship.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
