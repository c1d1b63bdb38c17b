/**
 * Resource-server mode: the issuers whose own access tokens keyship accepts, one group of
 * `KEYSHIP_TRUST_<NAME>_*` variables (or `keyship({ trust: { <name>: { … } } })`) per issuer
 * (docs/resource-server.md).
 * @module
 */
import { z } from "zod";
import { defineEnvGroup, type EnvGroupValue } from "./env-groups.ts";
import { intFromString, listFromString } from "./parsers.ts";

/**
 * The algorithms an external access token may be signed with: asymmetric only (RFC 8725 §3.1,
 * §3.2: never `none`, and never an HMAC a public JWKS could be confused with). The issuer's
 * discovery narrows the list further.
 */
export const TRUST_ALGORITHMS = Object.freeze([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const);

/** An algorithm of {@link TRUST_ALGORITHMS}. */
export type TrustAlgorithm = (typeof TRUST_ALGORITHMS)[number];

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

/** An issuer URL: https, or http on a loopback host (development and tests). */
const issuerUrl = z
  .url()
  // Each check passes what does not parse: z.url() has reported it.
  .refine((value) => {
    const url = URL.parse(value);
    return (
      url === null ||
      url.protocol === "https:" ||
      (url.protocol === "http:" && isLoopback(url.hostname))
    );
  }, "must be an https URL (http only on localhost)")
  .refine((value) => {
    const url = URL.parse(value);
    return url === null || (url.search === "" && url.hash === "");
  }, "must have no query or fragment");

/** A dotted path into the token's claims, e.g. `realm_access.roles`. */
const claimPath = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_:$-]+(?:\.[A-Za-z0-9_:$-]+)*$/, "must be a claim name or a dotted path");

/** The `KEYSHIP_TRUST_<NAME>_*` group. */
export const TRUST_GROUP = defineEnvGroup({
  prefix: "KEYSHIP_TRUST_",
  option: "trust",
  exampleName: "SSO",
  fields: {
    issuer: {
      suffix: "ISSUER",
      schema: issuerUrl,
      example: "https://sso.example.com/realms/main",
      doc: "The issuer whose access tokens are accepted, exactly as its tokens' `iss` and its discovery document (`/.well-known/openid-configuration`) state it. Required.",
    },
    audience: {
      suffix: "AUDIENCE",
      schema: listFromString.pipe(z.array(z.string().min(1)).min(1)),
      example: "orders-api",
      doc: "The `aud` this API requires (comma-separated: any one of them). Required.",
    },
    rolesClaim: {
      suffix: "ROLES_CLAIM",
      schema: claimPath.optional(),
      example: "realm_access.roles",
      doc: "Where the token lists its roles (a dotted path to a list or a space-separated string). A role named `admin` makes the caller an admin. Unset: no roles.",
    },
    scopesClaim: {
      suffix: "SCOPES_CLAIM",
      schema: claimPath.default("scope"),
      example: "scope",
      doc: "Where the token lists its scopes (a space-separated string or a list). Default `scope` (RFC 9068).",
    },
    algorithms: {
      suffix: "ALGORITHMS",
      schema: listFromString.pipe(z.array(z.enum(TRUST_ALGORITHMS)).min(1)).optional(),
      example: "RS256",
      doc: "Comma-separated algorithms accepted from this issuer. Unset: every asymmetric one (RS, PS, ES, EdDSA) the discovery document lists.",
    },
    users: {
      suffix: "USERS",
      schema: z.enum(["none", "link", "create"]).default("none"),
      example: "link",
      doc: "Whether a token's subject acts as a keyship user: `none` (the principal is `<name>:<sub>`), `link` (a subject linked at the OAuth sign-in provider of this issuer acts as that user), `create` (as `link`, and a subject not linked yet gets a new user, linked there). Default `none`.",
    },
    jwksCooldownSeconds: {
      suffix: "JWKS_COOLDOWN_SECONDS",
      schema: intFromString(0, 3600).default(30),
      example: "30",
      doc: "How long after fetching the issuer's JWKS a token with an unknown `kid` waits before the keys are fetched again (the refresh on key rotation). Default `30`.",
    },
  },
});

/** One trusted issuer as the settings carry it (`settings.trust[name]`). */
export type TrustedIssuerSettings = EnvGroupValue<typeof TRUST_GROUP>;
