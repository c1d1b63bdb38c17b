/**
 * The one settings schema. Every setting has an option name (camelCase), a `KEYSHIP_*`
 * environment variable and a default, all listed in {@link SETTINGS}.
 * @module
 */
import { z } from "zod";
import type { EnvGroupInput, EnvGroupValue } from "./env-groups.ts";
import {
  boolFromString,
  exactOrigin,
  intFromString,
  listFromString,
  type SettingSpec,
} from "./parsers.ts";
import { ADMIN_SETTINGS } from "./settings-admin.ts";
import { API_KEY_SETTINGS } from "./settings-apikeys.ts";
import { DBSC_SETTINGS } from "./settings-dbsc.ts";
import { HTTP_SETTINGS } from "./settings-http.ts";
import { INTEGRATION_SETTINGS } from "./settings-integrations.ts";
import { LOGGING_SETTINGS } from "./settings-logging.ts";
import { type EncryptionKeySpec, MACHINE_SETTINGS } from "./settings-machine.ts";
import { OAUTH_GROUP, OAUTH_SETTINGS, OIDC_GROUP } from "./settings-oauth.ts";
import { PASSWORD_SETTINGS } from "./settings-passwords.ts";
import { RECOVERY_SETTINGS } from "./settings-recovery.ts";
import { REDIS_SETTINGS } from "./settings-redis.ts";
import { SESSION_SETTINGS } from "./settings-sessions.ts";
import { TRUST_GROUP } from "./settings-trust.ts";

export type { SettingSpec } from "./parsers.ts";

/** Every keyship setting. `docs/configuration.md` documents each one (a test keeps it so). */
export const SETTINGS = {
  env: {
    env: "KEYSHIP_ENV",
    schema: z.enum(["development", "production"]),
    default: undefined,
    doc: "`development` or `production`. Unset: `production` when NODE_ENV=production, else `development`.",
  },
  databaseUrl: {
    env: "KEYSHIP_DATABASE_URL",
    schema: z
      .string()
      .regex(
        /^(sqlite:|postgres(ql)?:\/\/)/,
        "must start with sqlite: or postgres:// (e.g. sqlite:./keyship.db or postgres://user@host/db)",
      ),
    default: "sqlite:./keyship.db",
    doc: "`sqlite:<path>` (built-in node:sqlite; `sqlite::memory:` for tests) or `postgres://…`.",
  },
  databaseTimeoutMs: {
    env: "KEYSHIP_DATABASE_TIMEOUT_MS",
    schema: intFromString(100, 60_000),
    default: 5000,
    doc: "How long a query waits for a locked SQLite file or a PostgreSQL connection before the request is answered 503 `service_unavailable`, in milliseconds.",
  },
  autoMigrate: {
    env: "KEYSHIP_AUTO_MIGRATE",
    schema: boolFromString,
    default: true,
    doc: "Run pending migrations at startup.",
  },
  rpId: {
    env: "KEYSHIP_RP_ID",
    schema: z.string().min(1),
    default: undefined,
    doc: "WebAuthn relying-party ID: your registrable domain, e.g. `example.com`. Development falls back to `localhost`.",
  },
  rpName: {
    env: "KEYSHIP_RP_NAME",
    schema: z.string().min(1).max(64),
    default: "keyship",
    doc: "Name shown by the browser's passkey dialog.",
  },
  origins: {
    env: "KEYSHIP_ORIGIN",
    schema: listFromString.pipe(z.array(exactOrigin).min(1)),
    default: undefined,
    doc: "Comma-separated list of exact origins the web app runs on, e.g. `https://app.example.com`. Development falls back to `http://localhost:<port>`.",
  },
  stepUpMaxAgeSeconds: {
    env: "KEYSHIP_STEP_UP_MAX_AGE",
    schema: intFromString(30, 3600),
    default: 300,
    doc: "How long a step-up (a fresh passkey assertion or the password) lets the device or session perform sensitive actions, in seconds.",
  },
  webauthnTtlSeconds: {
    env: "KEYSHIP_WEBAUTHN_TTL_SECONDS",
    schema: intFromString(30, 3600),
    default: 300,
    doc: "How long a passkey ceremony (challenge) stays valid.",
  },
  userVerification: {
    env: "KEYSHIP_USER_VERIFICATION",
    schema: z.enum(["required", "preferred", "discouraged"]),
    default: "preferred",
    doc: "WebAuthn user verification. `required` refuses authenticators that did not verify the user.",
  },
  attestation: {
    env: "KEYSHIP_ATTESTATION",
    schema: z.enum(["none", "direct", "enterprise"]),
    default: "none",
    doc: "WebAuthn attestation conveyance preference.",
  },
  deviceTokenMaxTtlSeconds: {
    env: "KEYSHIP_DEVICE_TOKEN_MAX_TTL",
    schema: intFromString(30, 3600),
    default: 900,
    doc: "Longest lifetime (exp − iat, seconds) accepted for a device-signed token.",
  },
  deviceTokenAudience: {
    env: "KEYSHIP_DEVICE_TOKEN_AUDIENCE",
    schema: z.string().min(1),
    default: "keyship:http",
    doc: "Required `aud` of device tokens on HTTP requests.",
  },
  wsTokenAudience: {
    env: "KEYSHIP_WS_TOKEN_AUDIENCE",
    schema: z.string().min(1),
    default: "keyship:ws",
    doc: "Required `aud` of device tokens used to open WebSockets.",
  },
  authCacheTtlSeconds: {
    env: "KEYSHIP_AUTH_CACHE_TTL_SECONDS",
    schema: intFromString(0, 3600),
    default: 30,
    doc: "How long a device's key, owner role and scopes stay cached for token verification. Changes that affect authentication are announced to every process and apply as soon as they arrive; while the change feed is disconnected, at most 1 s. 0 disables the cache.",
  },
  authCacheSize: {
    env: "KEYSHIP_AUTH_CACHE_SIZE",
    schema: intFromString(0, 1_000_000),
    default: 10_000,
    doc: "Most devices (and, separately, verified tokens) kept in the verification cache.",
  },
  port: {
    env: "KEYSHIP_PORT",
    aliases: ["PORT"],
    schema: intFromString(0, 65535),
    default: 8787,
    doc: "Port the built-in server listens on, and the port of the development origin default (`http://localhost:<port>`). Falls back to the conventional `PORT` variable, so an app that mounts keyship and listens on `PORT` gets a matching origin in development.",
  },
  host: {
    env: "KEYSHIP_HOST",
    schema: z.string().min(1),
    default: undefined,
    doc: "Interface the built-in server binds. Unset: `127.0.0.1` in development, `0.0.0.0` in production.",
  },
  bodyLimitBytes: {
    env: "KEYSHIP_BODY_LIMIT_BYTES",
    schema: intFromString(1024, 100 * 1024 * 1024),
    default: 1024 * 1024,
    doc: "Largest accepted request body, in bytes; larger bodies get 413 `request.body_too_large`.",
  },
  logLevel: {
    env: "KEYSHIP_LOG_LEVEL",
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    default: "info",
    doc: "Log level of keyship's pino logger.",
  },
  ...HTTP_SETTINGS,
  ...SESSION_SETTINGS,
  ...DBSC_SETTINGS,
  ...PASSWORD_SETTINGS,
  ...INTEGRATION_SETTINGS,
  ...ADMIN_SETTINGS,
  ...API_KEY_SETTINGS,
  ...MACHINE_SETTINGS,
  ...REDIS_SETTINGS,
  ...RECOVERY_SETTINGS,
  ...OAUTH_SETTINGS,
  ...LOGGING_SETTINGS,
} as const satisfies Record<string, SettingSpec>;

/**
 * The dynamic variable groups (config/env-groups.ts), by option key: each is read from its
 * `KEYSHIP_<PREFIX>_<NAME>_*` variables and `options[key]`, and the loaded settings carry it
 * under the same key, members by lower-cased `<NAME>`. docs/configuration.md documents each
 * field (a test keeps it so).
 */
export const ENV_GROUPS = {
  trust: TRUST_GROUP,
  oauth: OAUTH_GROUP,
  oidc: OIDC_GROUP,
} as const;

/** The option key of a dynamic variable group. */
export type EnvGroupName = keyof typeof ENV_GROUPS;

/** The name of a setting, as an option key. */
export type SettingName = keyof typeof SETTINGS;

type Out<K extends SettingName> = z.output<(typeof SETTINGS)[K]["schema"]>;

/** The resolved, frozen settings keyship runs with. */
export interface Settings {
  readonly env: "development" | "production";
  readonly databaseUrl: string;
  readonly databaseTimeoutMs: number;
  readonly autoMigrate: boolean;
  readonly rpId: string;
  readonly rpName: string;
  readonly origins: readonly string[];
  readonly stepUpMaxAgeSeconds: number;
  readonly webauthnTtlSeconds: number;
  readonly userVerification: Out<"userVerification">;
  readonly attestation: Out<"attestation">;
  readonly deviceTokenMaxTtlSeconds: number;
  readonly deviceTokenAudience: string;
  readonly wsTokenAudience: string;
  readonly authCacheTtlSeconds: number;
  readonly authCacheSize: number;
  /** HS256 secret; in development a random one is generated when unset. */
  readonly sessionSecret: string | undefined;
  readonly sessionPrivateKeys: readonly Readonly<Record<string, unknown>>[] | undefined;
  /** Seconds. */
  readonly accessTokenTtl: number;
  /** Seconds. */
  readonly refreshTokenTtl: number;
  /** Resolved: the first origin when unset. */
  readonly sessionIssuer: string;
  readonly sessionAudience: string;
  readonly sessionCookieName: string;
  readonly port: number;
  readonly host: string;
  readonly bodyLimitBytes: number;
  /** Resolved: 31536000 in production, 0 (none) in development when unset. */
  readonly hstsMaxAgeSeconds: number;
  /** Normalised origins; empty: CORS off. */
  readonly corsOrigins: readonly string[];
  readonly maxDevicesPerUser: number;
  readonly rateLimitCeremonyPerIp: string;
  readonly rateLimitCeremonyPerAccount: string;
  readonly maxOpenChallengesPerIp: number;
  readonly rateLimitOauthToken: string;
  readonly logLevel: Out<"logLevel">;
  readonly logFormat: Out<"logFormat">;
  readonly passwordAuthEnabled: boolean;
  readonly requireEmailVerification: boolean;
  readonly passwordResetExpireMinutes: number;
  readonly passwordMinLength: number;
  readonly argon2MemoryKib: number;
  readonly argon2TimeCost: number;
  readonly argon2Parallelism: number;
  readonly passwordHashConcurrency: number | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string | undefined;
  /** Resolved: the first origin when unset. */
  readonly appUrl: string;
  /** Normalized (NFKC, trimmed, lower-case); empty when unset. */
  readonly bootstrapAdminEmails: readonly string[];
  readonly firstUserIsAdmin: boolean;
  readonly trustProxy: boolean;
  readonly rateLimitLoginPerIp: string;
  readonly rateLimitLoginPerAccount: string;
  readonly rateLimitRegisterPerIp: string;
  readonly rateLimitEmailPerIp: string;
  readonly rateLimitEmailPerAccount: string;
  readonly metricsEnabled: boolean;
  readonly metricsToken: string | undefined;
  readonly langsmithTracing: boolean;
  readonly langsmithApiKey: string | undefined;
  readonly langsmithProject: string;
  readonly langsmithEndpoint: string | undefined;
  readonly llmApiKey: string | undefined;
  readonly llmBaseUrl: string | undefined;
  readonly llmModel: string;
  readonly auditRetentionDays: number;
  readonly adminEnabled: boolean;
  readonly rateLimitApiKey: string;
  /** No dots; production refuses one weaker than 32 random bytes. */
  readonly masterToken: string | undefined;
  readonly configFile: string;
  /** JSON text or the parsed document; checked rule by rule at startup (guards/patterns.ts). */
  readonly protect: string | readonly unknown[] | Readonly<Record<string, unknown>> | undefined;
  /** The first encrypts; every one decrypts (`keyship/crypto`). */
  readonly encryptionKeys: readonly EncryptionKeySpec[] | undefined;
  /** Unset: no Redis; one process keeps ceremonies and rate limits to itself. */
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  /** Trusted issuers by name (`KEYSHIP_TRUST_<NAME>_*`); empty: resource-server mode off. */
  readonly trust: Readonly<Record<string, EnvGroupValue<typeof ENV_GROUPS.trust>>>;
  readonly recoveryEmailEnabled: boolean;
  readonly recoveryEmailExpireMinutes: number;
  readonly emailChangeExpireMinutes: number;
  readonly rateLimitRecoveryPerIp: string;
  readonly rateLimitRecoveryPerAccount: string;
  readonly oauthLinkVerifiedEmails: boolean;
  /** Resolved: the first origin when unset. */
  readonly oauthCallbackOrigin: string;
  readonly oauthFlowTtlSeconds: number;
  /** Seconds a DPoP proof's `iat` may be off, and its `jti` is remembered. */
  readonly dpopProofWindow: number;
  /** Whether DPoP proofs must carry the server's current nonce. */
  readonly dpopNonce: boolean;
  /** Resolved: `oauthCallbackOrigin` when unset. */
  readonly dpopOrigin: string;
  readonly dbscEnabled: boolean;
  /** Seconds the DBSC-bound cookie lives. */
  readonly dbscCookieTtl: number;
  /** Seconds a DBSC challenge may be answered. */
  readonly dbscChallengeTtl: number;
  /** Sign-in providers by id (`KEYSHIP_OAUTH_<NAME>_*`, the `oauth` option; docs/oauth.md). */
  readonly oauth: Readonly<Record<string, EnvGroupValue<typeof ENV_GROUPS.oauth>>>;
  /** Any OpenID provider by id (`KEYSHIP_OIDC_<NAME>_*`). */
  readonly oidc: Readonly<Record<string, EnvGroupValue<typeof ENV_GROUPS.oidc>>>;
}

/**
 * Options accepted by `createApp()` / `keyship()`; each overrides its `KEYSHIP_*` variable.
 * Every member is documented in `docs/configuration.md` with its default.
 */
export type SettingsInput = {
  readonly [K in SettingName]?: z.input<(typeof SETTINGS)[K]["schema"]>;
} & {
  /** Members by id; each field may also come from its variable (options win field by field). */
  readonly [G in EnvGroupName]?: Readonly<
    Record<string, Partial<EnvGroupInput<(typeof ENV_GROUPS)[G]>>>
  >;
};
