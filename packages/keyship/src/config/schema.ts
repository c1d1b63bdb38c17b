/**
 * The one settings schema. Every setting has an option name (camelCase), a `KEYSHIP_*`
 * environment variable and a default, all listed in {@link SETTINGS}.
 * @module
 */
import { z } from "zod";

const boolFromString = z.union([
  z.boolean(),
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .transform((v) => v === "true" || v === "1" || v === "yes"),
]);

const intFromString = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const listFromString = z.union([
  z.array(z.string()),
  z.string().transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  ),
]);

const emailListFromString = z
  .union([
    z.array(z.string()),
    z.string().transform((v, ctx) => {
      const text = v.trim();
      if (!text.startsWith("[")) return text.split(",");
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed) && parsed.every((e) => typeof e === "string")) return parsed;
      } catch {}
      ctx.addIssue({
        code: "custom",
        message: "must be a JSON list of strings or comma-separated",
      });
      return z.NEVER;
    }),
  ])
  .transform((list) =>
    list.map((e) => e.normalize("NFKC").trim().toLowerCase()).filter((e) => e.length > 0),
  )
  .pipe(z.array(z.email()));

/** `<hits>/<window>`, e.g. `10/15m`: at most 10 hits per 15 minutes (units s, m, h, d). */
const rateLimitRule = z
  .string()
  .regex(/^[1-9][0-9]{0,6}\/[1-9][0-9]{0,4}[smhd]$/, "must look like 10/15m (units s, m, h, d)");

/** A duration: seconds, or `30s`, `15m`, `12h`, `30d`; parsed to seconds within [min, max]. */
const durationFromString = (min: number, max: number) =>
  z
    .union([
      z.number().int(),
      z
        .string()
        .regex(/^\d{1,9}[smhd]?$/, "must be seconds or a duration such as 15m, 12h, 30d")
        .transform((v) => {
          const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[v.at(-1) as "s"] ?? 1;
          return Number.parseInt(v, 10) * unit;
        }),
    ])
    .pipe(z.number().int().min(min).max(max));

/** Private keys that sign access tokens: a JSON list of private JWKs (each with `kid`), or one. */
const privateJwkList = z
  .union([
    z.array(z.record(z.string(), z.unknown())),
    z.record(z.string(), z.unknown()).transform((jwk) => [jwk]),
    z.string().transform((v, ctx) => {
      try {
        const parsed: unknown = JSON.parse(v);
        if (Array.isArray(parsed)) return parsed as Record<string, unknown>[];
        if (typeof parsed === "object" && parsed !== null)
          return [parsed as Record<string, unknown>];
      } catch {}
      ctx.addIssue({ code: "custom", message: "must be a private JWK or a JSON list of them" });
      return z.NEVER;
    }),
  ])
  .pipe(
    z
      .array(
        z.looseObject({
          kid: z.string().min(1).max(128),
          kty: z.enum(["EC", "RSA", "OKP"]),
          d: z.string().min(1),
        }),
      )
      .min(1),
  );

/**
 * Describes one setting: its environment variable, default and a sentence for the docs.
 * `default` is what applies when neither the option nor the variable is given; `undefined`
 * means "unset" (development may fill it in, production may refuse it).
 */
export interface SettingSpec {
  readonly env: string;
  readonly schema: z.ZodType;
  readonly default: unknown;
  readonly doc: string;
}

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
    schema: z.string().min(1),
    default: "sqlite:./keyship.db",
    doc: "`sqlite:<path>` (built-in node:sqlite; `sqlite::memory:` for tests) or `postgres://…`.",
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
    schema: listFromString.pipe(z.array(z.url()).min(1)),
    default: undefined,
    doc: "Comma-separated list of exact origins the web app runs on, e.g. `https://app.example.com`. Development falls back to `http://localhost:<port>`.",
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
    doc: "How long a device's key, owner role and scopes stay cached for token verification. Revocations in this process apply at once; changes made elsewhere apply within this time. 0 disables the cache.",
  },
  authCacheSize: {
    env: "KEYSHIP_AUTH_CACHE_SIZE",
    schema: intFromString(0, 1_000_000),
    default: 10_000,
    doc: "Most devices (and, separately, verified tokens) kept in the verification cache.",
  },
  sessionSecret: {
    env: "KEYSHIP_SESSION_SECRET",
    schema: z
      .string()
      .min(32, "must be at least 32 characters; make one with `keyship keygen --type secret`"),
    default: undefined,
    doc: "HS256 secret that signs access tokens (at least 32 characters; `keyship keygen --type secret`). Development: a random one per process. Production: required unless KEYSHIP_SESSION_PRIVATE_KEYS is set.",
  },
  sessionPrivateKeys: {
    env: "KEYSHIP_SESSION_PRIVATE_KEYS",
    schema: privateJwkList,
    default: undefined,
    doc: "Asymmetric signing keys for access tokens, published at /.well-known/jwks.json: a private JWK with `kid` or a JSON list of them (the first signs; `keyship keygen --type es256`). Wins over KEYSHIP_SESSION_SECRET.",
  },
  accessTokenTtl: {
    env: "KEYSHIP_ACCESS_TOKEN_TTL",
    schema: durationFromString(30, 86_400),
    default: 900,
    doc: "Access-token lifetime: seconds or `15m`, `1h` (30 s to 1 day).",
  },
  refreshTokenTtl: {
    env: "KEYSHIP_REFRESH_TOKEN_TTL",
    schema: durationFromString(300, 400 * 86_400),
    default: 2_592_000,
    doc: "Refresh-token lifetime, renewed by each refresh: seconds or `30d` (5 min to 400 days).",
  },
  sessionIssuer: {
    env: "KEYSHIP_SESSION_ISSUER",
    schema: z.string().min(1),
    default: undefined,
    doc: "The `iss` of access tokens. Unset: the first origin.",
  },
  sessionAudience: {
    env: "KEYSHIP_SESSION_AUDIENCE",
    schema: z.string().min(1),
    default: "keyship:access",
    doc: "The `aud` of access tokens.",
  },
  sessionCookieName: {
    env: "KEYSHIP_SESSION_COOKIE_NAME",
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "must be 1-32 letters, digits, _ or -"),
    default: "keyship",
    doc: "Base name of the session cookies: `__Host-<name>-access`, `-refresh`, `-csrf`.",
  },
  port: {
    env: "KEYSHIP_PORT",
    schema: intFromString(0, 65535),
    default: 8787,
    doc: "Port the built-in server listens on.",
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
  passwordAuthEnabled: {
    env: "KEYSHIP_PASSWORD_AUTH_ENABLED",
    schema: boolFromString,
    default: false,
    doc: "Mount the password routes (register, login, reset, change, email verification).",
  },
  requireEmailVerification: {
    env: "KEYSHIP_REQUIRE_EMAIL_VERIFICATION",
    schema: boolFromString,
    default: false,
    doc: "Refuse password sign-in until the account's email address is verified.",
  },
  passwordResetExpireMinutes: {
    env: "KEYSHIP_PASSWORD_RESET_EXPIRE_MINUTES",
    schema: intFromString(5, 1440),
    default: 30,
    doc: "Lifetime of password-reset and email-verification links, in minutes.",
  },
  passwordMinLength: {
    env: "KEYSHIP_PASSWORD_MIN_LENGTH",
    schema: intFromString(8, 128),
    default: 8,
    doc: "Fewest characters (Unicode code points, after NFKC) a new password may have. The most is 128.",
  },
  argon2MemoryKib: {
    env: "KEYSHIP_ARGON2_MEMORY_KIB",
    schema: intFromString(19_456, 262_144),
    default: 19_456,
    doc: "argon2id memory cost `m` in KiB for new password hashes.",
  },
  argon2TimeCost: {
    env: "KEYSHIP_ARGON2_TIME_COST",
    schema: intFromString(2, 16),
    default: 2,
    doc: "argon2id passes `t` for new password hashes.",
  },
  argon2Parallelism: {
    env: "KEYSHIP_ARGON2_PARALLELISM",
    schema: intFromString(1, 1),
    default: 1,
    doc: "argon2id lanes `p`; must be 1.",
  },
  passwordHashConcurrency: {
    env: "KEYSHIP_PASSWORD_HASH_CONCURRENCY",
    schema: intFromString(1, 64),
    default: undefined,
    doc: "Most password hashes or verifies running at once; the rest queue. Unset: one less than the CPU count, at least 1.",
  },
  smtpUrl: {
    env: "KEYSHIP_SMTP_URL",
    schema: z.string().min(1),
    default: undefined,
    doc: "`smtp://…` or `smtps://…` server for reset and verification emails. Unset: emails are logged (development only).",
  },
  mailFrom: {
    env: "KEYSHIP_MAIL_FROM",
    schema: z.string().min(1),
    default: undefined,
    doc: "Sender of keyship's emails, e.g. `Acme <no-reply@acme.example>`; required with KEYSHIP_SMTP_URL.",
  },
  appUrl: {
    env: "KEYSHIP_APP_URL",
    schema: z.url(),
    default: undefined,
    doc: "Public URL of the web app; email links point under it. Unset: the first origin.",
  },
  bootstrapAdminEmails: {
    env: "KEYSHIP_BOOTSTRAP_ADMIN_EMAILS",
    schema: emailListFromString,
    default: undefined,
    doc: "Emails that sign up as admins: a JSON list or comma-separated.",
  },
  firstUserIsAdmin: {
    env: "KEYSHIP_FIRST_USER_IS_ADMIN",
    schema: boolFromString,
    default: false,
    doc: "The first account created with an email becomes an admin.",
  },
  trustProxy: {
    env: "KEYSHIP_TRUST_PROXY",
    schema: boolFromString,
    default: false,
    doc: "Take the client IP (for rate limits) from the last X-Forwarded-For entry. Only behind a proxy that sets it.",
  },
  rateLimitLoginPerIp: {
    env: "KEYSHIP_RATE_LIMIT_LOGIN_IP",
    schema: rateLimitRule,
    default: "50/15m",
    doc: "Password logins (and password changes) per client IP: `<hits>/<window>`.",
  },
  rateLimitLoginPerAccount: {
    env: "KEYSHIP_RATE_LIMIT_LOGIN_ACCOUNT",
    schema: rateLimitRule,
    default: "10/15m",
    doc: "Password logins (and password changes) per account (email): `<hits>/<window>`.",
  },
  rateLimitRegisterPerIp: {
    env: "KEYSHIP_RATE_LIMIT_REGISTER_IP",
    schema: rateLimitRule,
    default: "10/1h",
    doc: "Password registrations per client IP.",
  },
  rateLimitEmailPerIp: {
    env: "KEYSHIP_RATE_LIMIT_EMAIL_IP",
    schema: rateLimitRule,
    default: "10/1h",
    doc: "Reset and verification emails requested per client IP.",
  },
  rateLimitEmailPerAccount: {
    env: "KEYSHIP_RATE_LIMIT_EMAIL_ACCOUNT",
    schema: rateLimitRule,
    default: "3/1h",
    doc: "Reset and verification emails requested per account (email or user).",
  },
} as const satisfies Record<string, SettingSpec>;

/** The name of a setting, as an option key. */
export type SettingName = keyof typeof SETTINGS;

type Out<K extends SettingName> = z.output<(typeof SETTINGS)[K]["schema"]>;

/** The resolved, frozen settings keyship runs with. */
export interface Settings {
  readonly env: "development" | "production";
  readonly databaseUrl: string;
  readonly autoMigrate: boolean;
  readonly rpId: string;
  readonly rpName: string;
  readonly origins: readonly string[];
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
  readonly logLevel: Out<"logLevel">;
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
}

/**
 * Options accepted by `createApp()` / `keyship()`; each overrides its `KEYSHIP_*` variable.
 * Every member is documented in `docs/configuration.md` with its default.
 */
export type SettingsInput = {
  readonly [K in SettingName]?: z.input<(typeof SETTINGS)[K]["schema"]>;
};
