/**
 * Settings of OAuth / OpenID Connect sign-in (docs/oauth.md). The providers themselves come from
 * their own variables (`KEYSHIP_OAUTH_<PRESET>_*`, `KEYSHIP_OIDC_<NAME>_*`) or the `oauth`
 * option, read by `oauth/providers.ts`; these are the settings every provider shares.
 * @module
 */
import { z } from "zod";
import { defineEnvGroup } from "./env-groups.ts";
import { boolFromString, exactOrigin, intFromString, type SettingSpec } from "./parsers.ts";

/** OAuth sign-in settings; merged into {@link SETTINGS} in schema.ts. */
export const OAUTH_SETTINGS = {
  oauthLinkVerifiedEmails: {
    env: "KEYSHIP_OAUTH_LINK_VERIFIED_EMAILS",
    schema: boolFromString,
    default: false,
    doc: "Link a provider account to an existing account with the same email automatically, when the provider asserts that email as verified. Off: such a sign-in answers 409 `oauth.account_link_required` and the person links the provider from their account.",
  },
  oauthCallbackOrigin: {
    env: "KEYSHIP_OAUTH_CALLBACK_ORIGIN",
    schema: exactOrigin,
    default: undefined,
    doc: "Public origin of the keyship API, where providers send the browser back: `<origin>/auth/oauth/<provider>/callback`. Unset: the first KEYSHIP_ORIGIN (an app that serves `/auth` on its own origin).",
  },
  oauthFlowTtlSeconds: {
    env: "KEYSHIP_OAUTH_FLOW_TTL",
    schema: intFromString(60, 3600),
    default: 600,
    doc: "How long a started OAuth sign-in (its state, PKCE verifier and cookie) stays valid, in seconds.",
  },
} as const satisfies Record<string, SettingSpec>;

const text = z.string().trim().min(1);

/** Scopes as a list, or space/comma separated. */
const scopes = z.union([text, z.array(text)]).optional();

/** A JSON object of endpoint URLs (the variable), or the object itself (the option). */
const endpoints = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  },
  z
    .strictObject({
      authorization: z.url().optional(),
      token: z.url().optional(),
      jwks: z.url().optional(),
      userinfo: z.url().optional(),
      user: z.url().optional(),
      emails: z.url().optional(),
    })
    .optional(),
);

/** The fields both provider groups share. */
const providerFields = {
  clientId: {
    suffix: "CLIENT_ID",
    schema: text,
    example: "Iv1.0123456789abcdef",
    doc: "The client id registered at the provider. Required.",
  },
  clientSecret: {
    suffix: "CLIENT_SECRET",
    schema: text,
    example: "(from the provider's console)",
    doc: "The client secret. Required.",
  },
  scopes: {
    suffix: "SCOPES",
    schema: scopes,
    example: "openid email profile",
    doc: "Scopes to ask for, space or comma separated.",
  },
  label: {
    suffix: "LABEL",
    schema: text.max(64).optional(),
    example: "Acme SSO",
    doc: "The sign-in button's label.",
  },
} as const;

/** `KEYSHIP_OAUTH_<PRESET>_*` (and the `oauth` option): the presets, and providers in code. */
export const OAUTH_GROUP = defineEnvGroup({
  prefix: "KEYSHIP_OAUTH_",
  option: "oauth",
  exampleName: "GITHUB",
  fields: {
    ...providerFields,
    preset: {
      suffix: "PRESET",
      schema: z.enum(["google", "github", "discord", "microsoft", "keycloak", "oidc"]).optional(),
      example: "github",
      doc: "The preset of a provider whose id is not a preset's name (GitHub Enterprise as `ghe`), or `oidc`.",
    },
    tenant: {
      suffix: "TENANT",
      schema: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9.-]{1,64}$/)
        .optional(),
      example: "organizations",
      doc: "Microsoft: `common`, `organizations`, `consumers` or a tenant id.",
    },
    realmUrl: {
      suffix: "REALM_URL",
      schema: z.url().optional(),
      example: "https://sso.example.com/realms/acme",
      doc: "Keycloak: the realm URL (its issuer).",
    },
    issuer: {
      suffix: "ISSUER",
      schema: z.url().optional(),
      example: "https://sso.example.com",
      doc: "The issuer to discover (`oidc`), or one replacing Google's, Microsoft's or Keycloak's.",
    },
    endpoints: {
      suffix: "ENDPOINTS",
      schema: endpoints,
      example: '{"user":"https://ghe.example.com/api/v3/user"}',
      doc: "Endpoints replacing the preset's (JSON in the variable): `authorization`, `token`, `user`, `emails`, `jwks`, `userinfo`.",
    },
  },
});

/** `KEYSHIP_OIDC_<NAME>_*`: any OpenID provider by discovery. */
export const OIDC_GROUP = defineEnvGroup({
  prefix: "KEYSHIP_OIDC_",
  option: "oidc",
  exampleName: "ACME",
  fields: {
    issuer: {
      suffix: "ISSUER",
      schema: z.url(),
      example: "https://sso.acme.test",
      doc: "The issuer; `<issuer>/.well-known/openid-configuration` is discovered. Required.",
    },
    ...providerFields,
  },
});
