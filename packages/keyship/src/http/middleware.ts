/**
 * Request middleware every keyship app runs first: trace id, logger, secure headers, CORS,
 * body limit, JSON-only bodies.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestAuditLog } from "../audit/request.ts";
import { isOAuthEndpoint } from "../clients/model.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import type { Logger } from "../observability/logger.ts";
import { bodyTooLarge, problemResponse } from "./problem.ts";
import { corsFor, secureHeaders } from "./secure-headers.ts";
import { incomingTraceId } from "./trace.ts";
import type { KeyshipEnv, RequestAuditLog } from "./variables.ts";

/**
 * Returns a step that sets `c.var.traceId` (continuing an incoming `X-Trace-Id` or `traceparent`), `c.var.logger`,
 * `c.var.audit` and an anonymous `c.var.principal`, and returns the trace id (the base
 * middleware echoes it in the `X-Trace-Id` response header with the secure headers).
 * @param logger the logger requests log to
 * @param audit the instance's audit log
 */
export function requestContext(
  logger: Logger,
  audit: RequestAuditLog,
): (c: Context<KeyshipEnv>) => string {
  return function keyshipRequestContext(c) {
    // initObservability() may have settled the id already.
    const traceId = (c.get("traceId") as string | undefined) ?? incomingTraceId(c);
    c.set("traceId", traceId);
    c.set("logger", logger);
    c.set("audit", audit);
    c.set("principal", null);
    return traceId;
  };
}

/**
 * Refuses request bodies larger than `maxBytes` with 413 `request.body_too_large`, whether or
 * not the client sent a Content-Length, and closes the connection.
 * @param maxBytes the largest accepted body. @default 1 MiB (setting `bodyLimitBytes`)
 */
export function limitBody(maxBytes: number): MiddlewareHandler<KeyshipEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => problemResponse(c, bodyTooLarge()),
  });
}

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Returns a step that accepts only JSON request bodies on unsafe methods: anything else gets 415
 * `request.unsupported_media_type`. Besides clarity, this keeps cross-site "simple" form
 * posts from reaching handlers (SECURITY: JSON bodies only). The one exception: the OAuth
 * endpoints (`…/oauth/token`, `/introspect`, `/revoke`) also take form bodies, as RFC 6749
 * requires; they read no cookies and authenticate the client by its secret, so a cross-site
 * form gains nothing there.
 */
export function requireJsonBodies(): (c: Context<KeyshipEnv>) => void {
  return function keyshipJsonOnly(c) {
    if (!UNSAFE_METHODS.has(c.req.method)) return;
    const length = c.req.header("content-length");
    const hasBody =
      (length !== undefined && length !== "0") || c.req.header("transfer-encoding") !== undefined;
    const type = c.req.header("content-type");
    if (
      hasBody &&
      (type === undefined || !JSON_TYPE.test(type)) &&
      !(type !== undefined && FORM_TYPE.test(type) && isOAuthEndpoint(c.req.path))
    ) {
      throw new ProblemError("request.unsupported_media_type");
    }
  };
}

/**
 * The setup every keyship request passes once, first: trace id and logger, waiting for startup
 * migrations, the body limit and JSON-only bodies. `createApp()` installs it on the app; the
 * standalone `/auth` router of `keyship()` installs it on itself.
 * @param context the instance's logger and settings (`bodyLimitBytes`)
 * @param ready resolves when migrations have run
 */
export function createBaseMiddleware(
  context: Pick<KeyshipContext, "logger" | "settings" | "db" | "now" | "newId">,
  ready: Promise<void>,
): MiddlewareHandler<KeyshipEnv> {
  let isReady = false;
  void ready.then(
    () => {
      isReady = true;
    },
    () => {},
  );
  const setContext = requestContext(context.logger, requestAuditLog(context));
  const setAnswerHeaders = secureHeaders(context.settings);
  const limit = limitBody(context.settings.bodyLimitBytes);
  const jsonOnly = requireJsonBodies();
  const checkBody: MiddlewareHandler<KeyshipEnv> = (c, next) => {
    // Bodies are only read on methods that carry one; GET and HEAD skip both checks.
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    jsonOnly(c);
    return limit(c, next);
  };
  // CORS (when configured) answers preflights before anything else runs.
  const corsStep = corsFor(context.settings);
  const checked: MiddlewareHandler<KeyshipEnv> =
    corsStep === undefined
      ? checkBody
      : (c, next) =>
          corsStep(c, async () => {
            // A refusal (413) returns its Response: hand it to Hono as the answer.
            const refused = await checkBody(c, next);
            if (refused instanceof Response) c.res = refused;
          });
  // Not async: once migrations are done a request passes without an extra promise.
  return function keyshipBase(c, next) {
    setAnswerHeaders(c, setContext(c));
    return isReady ? checked(c, next) : ready.then(() => checked(c, next));
  };
}
