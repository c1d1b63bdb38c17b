/**
 * keyship: passkeys-first auth for Hono APIs. The root holds the factories, guards, errors and
 * types; optional parts live on subpaths: `keyship/passwords`, `keyship/email`,
 * `keyship/ratelimit`, `keyship/database`, `keyship/tokens`, `keyship/observability`,
 * `keyship/llm`, `keyship/crypto`.
 * @module
 */
export { createApp, type KeyshipApp } from "./app.ts";
export type { AuditEvent, AuditOutcome, AuditSource } from "./audit/model.ts";
export { type LogActionOptions, logAction } from "./audit/request.ts";
export type { Principal, PrincipalVia } from "./auth/principal.ts";
export { type LoadedSettings, type LoadSettingsOptions, loadSettings } from "./config/load.ts";
export { SETTINGS, type Settings, type SettingsInput } from "./config/schema.ts";
export {
  KeyshipConfigError,
  PROBLEM_CATALOG,
  type ProblemBody,
  type ProblemCode,
  ProblemError,
  type ProblemErrorOptions,
} from "./errors.ts";
export {
  type PrincipalPredicate,
  requireAdmin,
  requireClaims,
  requireMaster,
  requireRoles,
  requireScopes,
  requireUser,
} from "./guards/guards.ts";
export { handleError as problemErrorHandler } from "./http/problem.ts";
export { createRouter, type KeyshipRouter } from "./http/router.ts";
export type { KeyshipEnv, KeyshipVariables } from "./http/variables.ts";
export { createKeyship, type Keyship, type KeyshipOptions, keyship } from "./keyship.ts";
export { type ListenOptions, listen, type RunningServer } from "./server.ts";
