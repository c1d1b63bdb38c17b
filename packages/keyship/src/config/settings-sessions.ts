/**
 * Settings of server-issued sessions (access + refresh tokens).
 * @module
 */
import { z } from "zod";
import {
  boolFromString,
  durationFromString,
  exactOrigin,
  privateJwkList,
  type SettingSpec,
} from "./parsers.ts";

/** Session settings; merged into {@link SETTINGS} in schema.ts. */
export const SESSION_SETTINGS = {
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
  dpopProofWindow: {
    env: "KEYSHIP_DPOP_PROOF_WINDOW",
    schema: durationFromString(5, 600),
    default: 60,
    doc: "How far a DPoP proof's `iat` may be from the server's clock, either way, and how long its `jti` is remembered against replay: seconds or `1m` (5 s to 10 min).",
  },
  dpopNonce: {
    env: "KEYSHIP_DPOP_NONCE",
    schema: boolFromString,
    default: false,
    doc: "Require server nonces in DPoP proofs (RFC 9449 §8): a proof without the current `DPoP-Nonce` is refused with `use_dpop_nonce` and the nonce to use. Off: proofs are bounded by `iat` and the replay cache alone.",
  },
  dpopOrigin: {
    env: "KEYSHIP_DPOP_ORIGIN",
    schema: exactOrigin,
    default: undefined,
    doc: "Public origin of the keyship API that DPoP proofs name in `htu` (the scheme and host clients call, e.g. behind a TLS-terminating proxy). Unset: KEYSHIP_OAUTH_CALLBACK_ORIGIN, itself the first KEYSHIP_ORIGIN when unset.",
  },
} as const satisfies Record<string, SettingSpec>;
