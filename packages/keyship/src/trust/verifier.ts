/**
 * Resource-server mode: verification of access tokens issued by a trusted external issuer
 * (`KEYSHIP_TRUST_<NAME>_*`, docs/resource-server.md) on the hot path.
 *
 * A token is this verifier's when its unverified `iss` names a trusted issuer (keyship's own
 * `sessionIssuer` never is one). It is then checked against that issuer's keys, discovered
 * once and cached by jose's remote JWKS (refetched on an unknown `kid` after the cooldown):
 * header (no embedded or remote keys, no `crit`, an access-token `typ`), algorithm (asymmetric,
 * configured ∩ discovered), signature, `iss`, `aud`, `exp` and `sub`. Verified tokens are
 * answered from the token cache until their `exp`.
 * @module
 */
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import type { Principal } from "../auth/principal.ts";
import { type CachedSubject, createVerifiedTokenCache } from "../cache/verified-tokens.ts";
import type { TrustAlgorithm, TrustedIssuerSettings } from "../config/settings-trust.ts";
import { type KeyshipContext, millisecondsOf } from "../context.ts";
import { KeyshipConfigError, ProblemError } from "../errors.ts";
import { withSpan } from "../observability/tracing.ts";
import { TokenError, toTokenError } from "../tokens/errors.ts";
import { discoverIssuer } from "./discovery.ts";
import { externalPrincipal } from "./model.ts";
import { type ExternalUserMapper, externalUserMapper } from "./users.ts";

/** Clock skew tolerated on `exp` and `nbf`, in seconds. */
const CLOCK_SKEW_SECONDS = 30;
/** After a failed discovery, how long tokens of that issuer are answered 503 before a retry. */
const DISCOVERY_RETRY_MS = 5000;
/** JWKS fetch timeout, in ms. */
const JWKS_TIMEOUT_MS = 5000;
// Defence in depth: refuse absurd inputs before any parsing.
const MAX_TOKEN_LENGTH = 16_384;
// RFC 8725 §3.10 / SECURITY: keys come only from the issuer's discovered JWKS, never the token.
const FORBIDDEN_HEADER_MEMBERS = ["jwk", "jku", "x5u", "x5c", "crit"] as const;
// RFC 9068 §2.1 names `at+jwt`; Keycloak and others send `JWT`.
const ACCESS_TYPES = new Set(["jwt", "at+jwt", "application/at+jwt"]);
// RFC 8725 §3.11: Keycloak marks its ID and refresh tokens in the payload; never accept those.
const REFUSED_PAYLOAD_TYPES = new Set(["id", "refresh", "logout"]);

/** Verifies external access tokens and keeps their cache. Built once per keyship instance. */
export interface TrustedTokenVerifier {
  /** Is this a trusted issuer's token? Its unverified `iss` names one; nothing is verified. */
  isTrustedToken(token: string): boolean;
  /** The principal of a token verified before (warm cache), without decoding it. */
  cached(token: string): Principal | undefined;
  /**
   * Verifies an external access token.
   * @throws TokenError `token.invalid` or `token.expired`; ProblemError `service_unavailable`
   *   when the issuer's discovery or keys cannot be fetched
   */
  verify(token: string): Promise<Principal>;
  /** Forgets the cached tokens of a principal `userId` (`<provider>:<sub>`). */
  invalidateUser(userId: string): void;
}

interface TrustedIssuer {
  readonly name: string;
  readonly settings: TrustedIssuerSettings;
  /** The keyship user of a subject (`users: link | create`); undefined with `none`. */
  readonly users: ExternalUserMapper | undefined;
  /** The issuer's keys and algorithms, discovered on first use. */
  keys(): Promise<{ readonly jwks: JWTVerifyGetKey; readonly algorithms: readonly string[] }>;
}

function invalid(reason: string): TokenError {
  return new TokenError("token.invalid", { cause: new Error(reason) });
}

function unavailable(cause: unknown): ProblemError {
  return new ProblemError("service_unavailable", { cause });
}

/** One trusted issuer: discovery once (retried after a failure), then jose's remote JWKS. */
function trustedIssuer(
  name: string,
  settings: TrustedIssuerSettings,
  nowMs: () => number,
  users: ExternalUserMapper | undefined,
): TrustedIssuer {
  let pending: ReturnType<TrustedIssuer["keys"]> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  const discover = async () => {
    const metadata = await discoverIssuer(
      settings.issuer,
      settings.algorithms as readonly TrustAlgorithm[] | undefined,
    );
    const jwks = createRemoteJWKSet(metadata.jwksUri, {
      cooldownDuration: settings.jwksCooldownSeconds * 1000,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
    return { jwks, algorithms: metadata.algorithms };
  };
  return {
    name,
    settings,
    users,
    keys() {
      if (pending === undefined) {
        if (nowMs() - failedAt < DISCOVERY_RETRY_MS) {
          return Promise.reject(unavailable(new Error("discovery failed recently")));
        }
        pending = discover().catch((error: unknown) => {
          pending = undefined;
          failedAt = nowMs();
          throw unavailable(error);
        });
      }
      return pending;
    },
  };
}

/** The unverified `iss` of a token, or undefined when it does not decode. */
function issuerClaim(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === "string" ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The header's algorithm after the header checks (no embedded or remote keys, no `crit`, an
 * access-token `typ`).
 * @throws TokenError `token.invalid`
 */
function checkedAlgorithm(token: string): string {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch (error) {
    throw toTokenError(error);
  }
  for (const member of FORBIDDEN_HEADER_MEMBERS) {
    if (member in header) throw invalid(`header member ${member} is not allowed`);
  }
  if (header.typ !== undefined && !ACCESS_TYPES.has(header.typ.toLowerCase())) {
    throw invalid("not an access token typ");
  }
  if (typeof header.alg !== "string") throw invalid("no alg");
  return header.alg;
}

/** jose's failures to reach the issuer's keys are the issuer's trouble, not the token's. */
function translated(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  const unreachable =
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError);
  return unreachable ? unavailable(error) : toTokenError(error);
}

/** Checks the token against its issuer and returns the verified payload. */
async function verifiedPayload(
  issuer: TrustedIssuer,
  token: string,
  now: () => Date,
): Promise<JWTPayload & { sub: string; exp: number }> {
  const alg = checkedAlgorithm(token);
  const keys = await issuer.keys();
  // RFC 8725 §3.1: pin the algorithms; `none` and HMAC never are among them.
  if (!keys.algorithms.includes(alg)) throw invalid("algorithm not allowed");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys.jwks, {
      algorithms: [...keys.algorithms],
      issuer: issuer.settings.issuer, // RFC 9068 §4: iss MUST match exactly
      audience: [...issuer.settings.audience], // RFC 9068 §4 / RFC 8725 §3.9: meant for us
      requiredClaims: ["iss", "aud", "exp", "sub"],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: now(),
    }));
  } catch (error) {
    throw translated(error);
  }
  if (typeof payload.sub !== "string" || payload.sub === "") throw invalid("no sub");
  if (typeof payload.typ === "string" && REFUSED_PAYLOAD_TYPES.has(payload.typ.toLowerCase())) {
    throw invalid("not an access token");
  }
  return payload as JWTPayload & { sub: string; exp: number };
}

/**
 * Creates the external-token verifier of a keyship instance.
 * @param ctx settings (`trust`, cache size and TTL, `sessionIssuer`), the clock, and the
 *   database (read only for issuers with `users: link | create`)
 * @throws KeyshipConfigError when a trusted issuer is keyship's own `sessionIssuer`, or
 *   `users: link | create` has no OAuth sign-in provider of that issuer
 */
export function createTrustedTokenVerifier(ctx: KeyshipContext): TrustedTokenVerifier {
  const nowMs = millisecondsOf(ctx.now);
  const byIssuer = new Map<string, TrustedIssuer>();
  for (const [name, trusted] of Object.entries(ctx.settings.trust)) {
    const variable = `KEYSHIP_TRUST_${name.toUpperCase()}_ISSUER`;
    const example = `e.g. ${variable}=https://sso.example.com/realms/main`;
    if (trusted.issuer === ctx.settings.sessionIssuer) {
      throw new KeyshipConfigError([
        `${variable} is keyship's own KEYSHIP_SESSION_ISSUER (${trusted.issuer}); trust another issuer, ${example}.`,
      ]);
    }
    const users = externalUserMapper(ctx, name, trusted);
    byIssuer.set(trusted.issuer, trustedIssuer(name, trusted, nowMs, users));
  }
  const cache = createVerifiedTokenCache<CachedSubject>({
    max: ctx.settings.authCacheSize,
    subjectTtlMs: ctx.settings.authCacheTtlSeconds * 1000,
    now: nowMs,
  });
  const issuerOf = (token: string) => {
    const iss = issuerClaim(token);
    return iss === undefined ? undefined : byIssuer.get(iss);
  };
  return {
    isTrustedToken: (token) => byIssuer.size > 0 && issuerOf(token) !== undefined,
    cached: (token) => cache.lookup(token)?.principal,
    async verify(token) {
      const warm = cache.lookup(token);
      if (warm !== undefined) return warm.principal;
      const issuer = token.length > MAX_TOKEN_LENGTH ? undefined : issuerOf(token);
      if (issuer === undefined) throw invalid("not a trusted issuer's token");
      const payload = await withSpan(
        "keyship.token.verify",
        { "keyship.token.kind": "external" },
        () => verifiedPayload(issuer, token, ctx.now),
      );
      const external = externalPrincipal(issuer.name, issuer.settings, payload);
      const principal =
        issuer.users === undefined ? external : await issuer.users(external, payload);
      // Each token is its own subject: two tokens of one caller may carry different scopes.
      const subject = {
        id: `${issuer.name}|${token.slice(token.lastIndexOf(".") + 1)}`,
        principal,
      };
      cache.rememberSubject(subject);
      cache.rememberToken(token, subject, payload.exp * 1000);
      return subject.principal;
    },
    invalidateUser: (userId) => cache.forgetUser(userId),
  };
}
