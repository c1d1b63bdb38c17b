/**
 * Database spans for Kysely, through its `log` option: every query (and every failed one)
 * becomes an OpenTelemetry CLIENT span, a child of whatever span was active when it ran.
 * @module
 */
import { type Attributes, context, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { LogEvent } from "kysely";
import { errorType, getKeyshipTracer } from "./tracing.ts";

/** A Kysely `log` function. */
export type KyselyLogFunction = (event: LogEvent) => void | Promise<void>;

/** Options of {@link traceQueries}. */
export interface TraceQueriesOptions {
  /**
   * `db.system.name` of the spans (OpenTelemetry semantic conventions), e.g. `sqlite` or
   * `postgresql`.
   * @default "other_sql"
   */
  readonly system?: string;
  /**
   * Whether spans carry the SQL text (`db.query.text`, capped at 2,048 characters). Kysely
   * sends values as parameters, and parameters are never recorded; turn this off if you build
   * queries with `sql.lit()` or `sql.raw()` around sensitive values.
   * @default true
   */
  readonly includeQueryText?: boolean;
  /** Another `log` function to call after the span is recorded (e.g. your own query log). */
  readonly next?: KyselyLogFunction;
}

const MAX_QUERY_TEXT = 2048;

const OPERATIONS: Readonly<Record<string, string>> = {
  SelectQueryNode: "SELECT",
  InsertQueryNode: "INSERT",
  UpdateQueryNode: "UPDATE",
  DeleteQueryNode: "DELETE",
  MergeQueryNode: "MERGE",
};

interface NodeLike {
  readonly kind?: string;
  readonly node?: NodeLike;
  readonly table?: NodeLike & { readonly identifier?: { readonly name?: string } };
  readonly into?: NodeLike;
  readonly from?: { readonly froms?: readonly NodeLike[] };
}

/** The table name of a TableNode, possibly aliased. */
function tableName(node: NodeLike | undefined): string | undefined {
  if (node?.kind === "AliasNode") return tableName(node.node);
  if (node?.kind === "TableNode") return node.table?.identifier?.name;
  return undefined;
}

/** The table a query targets (its first `from`, `into` or `update` table). */
function targetTable(root: NodeLike): string | undefined {
  return tableName(root.into) ?? tableName(root.table) ?? tableName(root.from?.froms?.[0]);
}

function operationOf(kind: string, sql: string): string {
  const known = OPERATIONS[kind];
  if (known !== undefined) return known;
  const keyword = /^\s*([a-z]{1,16})\b/i.exec(sql)?.[1];
  return keyword === undefined ? "QUERY" : keyword.toUpperCase();
}

/** Epoch milliseconds with sub-millisecond precision. */
function nowMillis(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Creates a Kysely `log` function that records one CLIENT span per query: named
 * `SELECT keyship_user` (operation and table), with `db.system.name`, `db.operation.name`,
 * `db.collection.name`, the SQL text (never the parameters) and, for failed queries,
 * `error.type` and an error status. Kysely calls it after the query settles with the duration,
 * in the caller's async context, so the span gets the right parent and timing.
 * @param options `system` (default `other_sql`), `includeQueryText` (default true), `next`
 * @returns a function for Kysely's `log` option
 * @example
 * import { Kysely } from "kysely";
 * import { traceQueries } from "keyship/observability";
 *
 * const db = new Kysely<Database>({ dialect, log: traceQueries({ system: "postgresql" }) });
 */
export function traceQueries(options: TraceQueriesOptions = {}): KyselyLogFunction {
  const system = options.system ?? "other_sql";
  const includeQueryText = options.includeQueryText ?? true;
  const next = options.next;
  return function keyshipTraceQuery(event) {
    const end = nowMillis();
    const tracer = getKeyshipTracer();
    const root = event.query.query as NodeLike;
    const operation = operationOf(root.kind ?? "", event.query.sql);
    const table = targetTable(root);
    const attributes: Attributes = {
      "db.system.name": system,
      "db.operation.name": operation,
    };
    if (table !== undefined) attributes["db.collection.name"] = table;
    if (includeQueryText) attributes["db.query.text"] = event.query.sql.slice(0, MAX_QUERY_TEXT);
    const span = tracer.startSpan(
      table === undefined ? operation : `${operation} ${table}`,
      { kind: SpanKind.CLIENT, attributes, startTime: end - event.queryDurationMillis },
      context.active(),
    );
    if (event.level === "error") {
      const type = errorType(event.error);
      span.setAttribute("error.type", type);
      span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    }
    span.end(end);
    return next?.(event);
  };
}
