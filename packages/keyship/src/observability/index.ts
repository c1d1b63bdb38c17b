/**
 * `keyship/observability`: request logs tied to trace ids, OpenTelemetry spans (a no-op until
 * an SDK is registered), Prometheus metrics and LangSmith tracing of LLM calls.
 *
 * @example
 * import { createApp } from "keyship";
 * import { initObservability, withSpan } from "keyship/observability";
 *
 * const app = createApp();
 * initObservability(app, { metrics: true });
 * @module
 */

export { MIN_METRICS_TOKEN_LENGTH } from "../config/settings-integrations.ts";
export {
  DEFAULT_METRICS_PATH,
  initObservability,
  type MetricsOptions,
  OBSERVABILITY_ENV,
  type Observability,
  type ObservabilityOptions,
  observabilityHook,
} from "./init.ts";
export { type KyselyLogFunction, type TraceQueriesOptions, traceQueries } from "./kysely.ts";
export {
  DEFAULT_LANGSMITH_PROJECT,
  LANGSMITH_ENV,
  type LangSmithOptions,
  type LangSmithSettings,
  resolveLangSmithSettings,
  wrapOpenAIForLangSmith,
} from "./langsmith.ts";
export { createLogger, type Logger, type LoggerOptions, maskEmail } from "./logger.ts";
export {
  HTTP_DURATION_BUCKETS,
  MAX_SERIES_PER_METRIC,
  PROMETHEUS_CONTENT_TYPE,
  recordSignIn,
  recordTokenFailure,
  renderMetrics,
  type SignInResult,
} from "./metrics.ts";
export { type MetricsHandlerOptions, metricsHandler } from "./metrics-route.ts";
export { type ObserveRequestsOptions, observeRequests } from "./requests.ts";
export {
  errorType,
  extractRequestContext,
  getKeyshipTracer,
  KEYSHIP_TRACER_NAME,
  markSpanFailed,
  type WithSpanOptions,
  withSpan,
} from "./tracing.ts";
