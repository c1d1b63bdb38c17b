/**
 * `GET /audit` (a page, newest first) and `GET /audit/export` (every match, streamed as CSV or
 * NDJSON) of the admin API.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { AuditEvent } from "../audit/model.ts";
import { allAuditEvents, listAuditEvents } from "../audit/service.ts";
import { problemResponses } from "../http/openapi.ts";
import { BEARER_SECURITY, jsonResponse } from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import type { AdminContext, AdminGuards } from "./model.ts";
import { AuditExportQuery, AuditPageSchema, AuditQuery } from "./schemas.ts";

const CSV_COLUMNS = [
  "id",
  "at",
  "action",
  "outcome",
  "actorId",
  "impersonatorId",
  "targetType",
  "targetId",
  "ip",
  "userAgent",
  "traceId",
  "data",
] as const satisfies readonly (keyof AuditEvent)[];

/**
 * One CSV field (RFC 4180): quoted when needed. A cell a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`, tab, CR at the start) gets a leading `'` (OWASP CSV injection).
 */
export function csvField(value: unknown): string {
  let text =
    value === null || value === undefined
      ? ""
      : typeof value === "string"
        ? value
        : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(event: AuditEvent): string {
  return `${CSV_COLUMNS.map((column) => csvField(event[column])).join(",")}\r\n`;
}

function exportStream(
  events: AsyncGenerator<AuditEvent>,
  format: "csv" | "ndjson",
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      if (format === "csv") controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(",")}\r\n`));
    },
    async pull(controller) {
      const next = await events.next();
      if (next.done === true) {
        controller.close();
        return;
      }
      const line = format === "csv" ? csvLine(next.value) : `${JSON.stringify(next.value)}\n`;
      controller.enqueue(encoder.encode(line));
    },
    async cancel() {
      await events.return(undefined);
    },
  });
}

const tags = ["admin"];

/**
 * The audit routes of the admin API.
 * @param ctx the database
 * @param guards `read`: a signed-in admin
 */
export function auditRoutes(ctx: AdminContext, guards: AdminGuards): KeyshipRouter {
  const router = createRouter();
  const common = { tags, middleware: guards.read, security: BEARER_SECURITY } as const;
  const denied = ["auth.unauthenticated", "auth.forbidden"] as const;
  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: "/audit",
      summary: "Audit events, newest first, with filters and cursor pages",
      request: { query: AuditQuery },
      responses: {
        200: jsonResponse("A page of events.", AuditPageSchema),
        ...problemResponses(...denied),
      },
    }),
    async (c) => {
      const { limit, cursor, ...filters } = c.req.valid("query");
      return c.json(await listAuditEvents(ctx, filters, { limit, cursor }), 200);
    },
  );
  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: "/audit/export",
      summary: "Every matching audit event as a CSV or NDJSON download (streamed)",
      request: { query: AuditExportQuery },
      responses: {
        200: {
          description: "The events, newest first.",
          content: {
            "text/csv": { schema: z.string() },
            "application/x-ndjson": { schema: z.string() },
          },
        },
        ...problemResponses(...denied),
      },
    }),
    (c) => {
      const { format, ...filters } = c.req.valid("query");
      const stamp = ctx.now().toISOString().slice(0, 19).replaceAll(":", "-");
      c.header(
        "Content-Type",
        format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
      );
      c.header("Content-Disposition", `attachment; filename="audit-${stamp}.${format}"`);
      return c.body(exportStream(allAuditEvents(ctx, filters), format), 200);
    },
  );
  return router;
}
