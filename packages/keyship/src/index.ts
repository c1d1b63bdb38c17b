/**
 * keyship: passkeys-first auth for Hono APIs.
 * @module
 */
export {
  createApp,
  createKeyship,
  type Keyship,
  type KeyshipApp,
  type KeyshipOptions,
  keyship,
} from "./app.ts";
export { type LoadedSettings, type LoadSettingsOptions, loadSettings } from "./config/load.ts";
export { SETTINGS, type Settings, type SettingsInput } from "./config/schema.ts";
export { type OpenDatabase, openDatabase } from "./db/connect.ts";
export {
  MigrationError,
  type MigrationState,
  migrateToLatest,
  migrationStatus,
} from "./db/migrate.ts";
export type { Database, DB, DialectName } from "./db/schema.ts";
export { type DevicePublicJwk, DevicePublicJwkSchema } from "./devices/jwk.ts";
export { consoleMailer } from "./email/console.ts";
export { MailDeliveryError, type Mailer, type MailMessage } from "./email/mailer.ts";
export { type CreateMailerOptions, createMailer } from "./email/registry.ts";
export { type SmtpMailerOptions, smtpMailer } from "./email/smtp.ts";
export { buildLink, emailVerificationEmail, passwordResetEmail } from "./email/templates.ts";
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
  requireRoles,
  requireScopes,
  requireUser,
} from "./guards/guards.ts";
export { handleError as problemErrorHandler } from "./http/problem.ts";
export { createRouter, type KeyshipRouter } from "./http/router.ts";
export type { KeyshipEnv, KeyshipVariables, Principal, PrincipalVia } from "./http/variables.ts";
export { type IdKind, newId } from "./ids.ts";
export { createLogger, type Logger } from "./observability/logger.ts";
export {
  type Argon2Params,
  createPasswordHasher,
  DEFAULT_ARGON2_PARAMS,
  hashPassword,
  needsRehash,
  type PasswordHasher,
  verifyAgainstDummy,
  verifyPassword,
} from "./passwords/hash.ts";
export { checkPasswordPolicy, normalizePassword } from "./passwords/policy.ts";
export { assertAllowed, createRateLimiter, type RateLimiter } from "./ratelimit/limiter.ts";
export { memoryRateLimitStore } from "./ratelimit/memory.ts";
export { redisRateLimitStore } from "./ratelimit/redis.ts";
export type { RateLimitStore } from "./ratelimit/store.ts";
export { type ListenOptions, listen, type RunningServer } from "./server.ts";
