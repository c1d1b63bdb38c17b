/**
 * The token issuer: signs and verifies server-issued JWTs (access tokens per RFC 9068, and a
 * standalone JWT refresh token) following the JWT BCP, RFC 8725. No HTTP, no database.
 * @module
 */
import { createHmac, type KeyObject, sign } from "node:crypto";
import {
  type CompactJWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
  SignJWT,
} from "jose";
import type { TokenAlgorithm } from "./algorithms.ts";
import { TokenError, toTokenError } from "./errors.ts";
import { buildPublicJwkSet, type PublicJwkSet } from "./jwks.ts";
import { resolveTokenIssuerOptions, type TokenIssuerOptions, type TokenUse } from "./options.ts";

/** The registered claims every token of the issuer carries. */
export interface IssuedClaims {
  /** Issuer; present when the `issuer` option is set. */
  readonly iss?: string;
  /** Audience; present when the `audience` option is set. */
  readonly aud?: string;
  /** Subject: whom the token is about, usually a user id. */
  readonly sub: string;
  /** Issued at, seconds since the epoch. */
  readonly iat: number;
  /** Expires at, seconds since the epoch. */
  readonly exp: number;
  /** Unique token id. */
  readonly jti: string;
  /** Session id, when one was given. */
  readonly sid?: string;
}

/** The claims of a verified access token: the registered ones plus your own. */
export interface AccessTokenClaims extends IssuedClaims {
  readonly token_use: "access";
  readonly [claim: string]: unknown;
}

/** The claims of a verified refresh token. */
export interface RefreshTokenClaims extends IssuedClaims {
  readonly token_use: "refresh";
}

/**
 * Extra claims for an access token: `sid` plus anything JSON (e.g. `scope`). The registered
 * claims (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`, `token_use`) are set by the
 * issuer and cannot be given here.
 */
export interface AccessClaimsInput {
  /** The session this token belongs to; the `isRevoked` hook sees it. */
  readonly sid?: string;
  readonly [claim: string]: unknown;
}

/** Options of {@link TokenIssuer.issueRefresh}. */
export interface RefreshOptions {
  /** The session this token belongs to. */
  readonly sid?: string;
}

/** A freshly signed token. */
export interface IssuedToken {
  /** The compact JWT. */
  readonly token: string;
  /** Its `jti`, e.g. to record or revoke it. */
  readonly jti: string;
  /** Its `exp`. */
  readonly expiresAt: Date;
  /** Its lifetime in seconds, e.g. for an OAuth `expires_in`. */
  readonly expiresIn: number;
}

/** Signs and verifies the issuer's tokens. Built once by {@link createTokenIssuer}. */
export interface TokenIssuer {
  /** Signs an access token (header `typ: at+jwt`) for `sub`. */
  issueAccess(sub: string, claims?: AccessClaimsInput): Promise<IssuedToken>;
  /** Signs a standalone JWT refresh token (header `typ: refresh+jwt`) for `sub`. */
  issueRefresh(sub: string, options?: RefreshOptions): Promise<IssuedToken>;
  /** Verifies an access token; throws {@link TokenError} when it is refused. */
  verifyAccess(token: string): Promise<AccessTokenClaims>;
  /** Verifies a JWT refresh token; throws {@link TokenError} when it is refused. */
  verifyRefresh(token: string): Promise<RefreshTokenClaims>;
  /** The public keys, for a `/.well-known/jwks.json` route; `{ keys: [] }` for HS only. */
  publicJwks(): PublicJwkSet;
  /** The `kid` of the key that signs. */
  readonly currentKid: string;
  /** The algorithms accepted on verification: exactly those of the configured keys. */
  readonly algorithms: readonly TokenAlgorithm[];
}

// RFC 9068 §2.1: access tokens carry `typ: at+jwt`. RFC 8725 §3.11: every other kind of JWT
// gets its own explicit type, so one kind can never be accepted as another.
const TYP: Readonly<Record<TokenUse, string>> = { access: "at+jwt", refresh: "refresh+jwt" };
// RFC 8725 §3.10 / RFC 7515 §4.1.2–4.1.6: keys named or carried by the token are never used.
const FORBIDDEN_HEADERS = ["jku", "x5u", "jwk", "x5c"] as const;
const RESERVED_CLAIMS = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "token_use"]);
// Defence in depth: refuse absurd inputs before any parsing.
const MAX_TOKEN_LENGTH = 8192;

/**
 * Creates a token issuer. Options are checked and keys imported here, once and
 * synchronously; verification then never parses a key.
 *
 * @param options see {@link TokenIssuerOptions}: `algorithm` and exactly one of `secret`,
 *   `privateKey` or `keys`; `accessTtl` @default "15m"; `refreshTtl` @default "30d";
 *   `clockTolerance` @default 30 s; `issuer`, `audience`, `isRevoked`, `now`, `generateJti`.
 * @returns the issuer
 * @example
 * const tokens = createTokenIssuer({
 *   algorithm: "ES256",
 *   privateKey: process.env.KEYSHIP_TOKEN_KEY!, // PKCS#8 PEM
 *   issuer: "https://auth.example.com",
 *   audience: "https://api.example.com",
 * });
 * const { token } = await tokens.issueAccess(user.id, { sid: session.id });
 * const claims = await tokens.verifyAccess(token); // claims.sub === user.id
 * @throws KeyshipConfigError when an option or key is unusable (e.g. an HS256 secret shorter
 *   than 32 bytes, an RSA key under 2048 bits, a key that does not fit its algorithm).
 */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const settings = resolveTokenIssuerOptions(options);
  const { keys } = settings;
  const jwks = buildPublicJwkSet(keys.byKid.values());
  // RFC 8725 §3.1: the allowlist is exactly the configured algorithms (jose never accepts
  // `none`); the key resolver then pins each key to its own algorithm.
  const algorithms = Object.freeze([...keys.algorithms]);
  const issue = tokenSigner(settings);
  const verify = tokenVerifier(settings, algorithms);
  return Object.freeze({
    issueAccess: (sub: string, claims: AccessClaimsInput = {}) => issue("access", sub, claims),
    issueRefresh: (sub: string, refreshOptions: RefreshOptions = {}) =>
      issue("refresh", sub, refreshOptions.sid === undefined ? {} : { sid: refreshOptions.sid }),
    verifyAccess: (token: string) => verify("access", token) as Promise<AccessTokenClaims>,
    verifyRefresh: (token: string) => verify("refresh", token) as Promise<RefreshTokenClaims>,
    publicJwks: () => jwks,
    currentKid: keys.current.kid,
    algorithms,
  });
}

type Settings = ReturnType<typeof resolveTokenIssuerOptions>;

/** Signs tokens of either use with the current key. */
function tokenSigner(settings: Settings) {
  const { keys, issuer, audience, now } = settings;
  async function issue(use: TokenUse, sub: string, claims: AccessClaimsInput) {
    if (typeof sub !== "string" || sub.length === 0) {
      throw new TypeError("the subject must be a non-empty string");
    }
    for (const name of Object.keys(claims)) {
      if (RESERVED_CLAIMS.has(name)) throw new TypeError(`the "${name}" claim is set by keyship`);
    }
    if (claims.sid !== undefined && (typeof claims.sid !== "string" || claims.sid === "")) {
      throw new TypeError("sid must be a non-empty string");
    }
    const iat = Math.floor(now().getTime() / 1000);
    const ttl = settings.ttlSeconds[use];
    const jti = settings.generateJti();
    const payload: JWTPayload = {
      ...claims,
      ...(issuer === undefined ? {} : { iss: issuer }),
      ...(audience === undefined ? {} : { aud: audience }),
      sub,
      iat,
      exp: iat + ttl,
      jti,
      token_use: use,
    };
    const { current } = keys;
    const header = { alg: current.algorithm, kid: current.kid, typ: TYP[use] };
    const token =
      current.nodeSigningKey === undefined
        ? await new SignJWT(payload).setProtectedHeader(header).sign(current.signingKey)
        : nodeCompactJws(header, payload, current.nodeSigningKey);
    return { token, jti, expiresAt: new Date((iat + ttl) * 1000), expiresIn: ttl };
  }
  return issue;
}

/**
 * RFC 7515 §7.1: the compact JWS `b64(header).b64(payload).b64(signature)`, signed with
 * node:crypto synchronously. Through WebCrypto a signature is an asynchronous job, several
 * times the cost of the rest of the token; the token endpoint signs one per request.
 * Verification stays jose's.
 */
function nodeCompactJws(
  header: { readonly alg: TokenAlgorithm },
  payload: JWTPayload,
  key: KeyObject,
): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${nodeSignature(header.alg, input, key).toString("base64url")}`;
}

/** The signature of `input` (RFC 7518 §3.2 HMAC, §3.4 ECDSA; RFC 8037 §3.1 EdDSA). */
function nodeSignature(alg: TokenAlgorithm, input: string, key: KeyObject): Buffer {
  // HS256 → sha256, ES384 → sha384…
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith("HS")) return createHmac(hash, key).update(input).digest();
  if (alg === "EdDSA") return sign(null, Buffer.from(input), key);
  // RFC 7518 §3.4: an ECDSA signature is R || S (IEEE P1363), not DER.
  return sign(hash, Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
}

const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** The verify options of each use, built once. */
function verifyOptionsOf(settings: Settings, algorithms: readonly TokenAlgorithm[]) {
  const { issuer, audience } = settings;
  const baseVerifyOptions = (use: TokenUse): JWTVerifyOptions =>
    Object.freeze({
      algorithms: [...algorithms],
      // RFC 8725 §3.8: validate the issuer when one is configured (also requires `iss`).
      ...(issuer === undefined ? {} : { issuer }),
      // RFC 8725 §3.9 / RFC 7519 §4.1.3: validate the audience (also requires `aud`).
      ...(audience === undefined ? {} : { audience }),
      // RFC 9068 §2.2: exp, iat, sub, jti are required; `token_use` backs RFC 8725 §3.12.
      requiredClaims: ["exp", "iat", "sub", "jti", "token_use"],
      // RFC 7519 §4.1.4: a small leeway for clock skew.
      clockTolerance: settings.clockToleranceSeconds,
      // No token outlives its configured lifetime, whatever its `exp` says; this also
      // refuses an `iat` in the future.
      maxTokenAge: settings.ttlSeconds[use],
    });
  const verifyOptions = {
    access: baseVerifyOptions("access"),
    refresh: baseVerifyOptions("refresh"),
  };
  return verifyOptions;
}

/** Resolves the verification key of a token's header within our own key set. */
function keyResolver(keys: Settings["keys"]) {
  // Runs on unauthenticated headers, before the signature check.
  return function resolveKey(header: CompactJWSHeaderParameters) {
    for (const name of FORBIDDEN_HEADERS) {
      if (Object.hasOwn(header, name)) throw new TokenError("token.invalid", { cause: name });
    }
    // RFC 7515 §4.1.11: we understand no extension, so any `crit` is refused.
    if (Object.hasOwn(header, "crit")) throw new TokenError("token.invalid", { cause: "crit" });
    // RFC 8725 §3.10: a `kid` resolves only within our own key set.
    const key = typeof header.kid === "string" ? keys.byKid.get(header.kid) : undefined;
    if (key === undefined) throw new TokenError("token.invalid", { cause: "unknown kid" });
    // RFC 8725 §3.1: "each key MUST be used with exactly one algorithm" — no HS/RS confusion.
    if (header.alg !== key.algorithm) throw new TokenError("token.invalid", { cause: "alg" });
    return key.verificationKey;
  };
}

/** Verifies tokens of either use: signature, claims, type, shape and revocation. */
function tokenVerifier(settings: Settings, algorithms: readonly TokenAlgorithm[]) {
  const { audience, now, isRevoked } = settings;
  const verifyOptions = verifyOptionsOf(settings, algorithms);
  const resolveKey = keyResolver(settings.keys);
  async function verify(use: TokenUse, token: string): Promise<IssuedClaims> {
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) {
      throw new TokenError("token.invalid", { cause: "not a string or too long" });
    }
    let result: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      result = await jwtVerify(token, resolveKey, {
        ...verifyOptions[use],
        currentDate: now(),
      });
    } catch (error) {
      throw toTokenError(error);
    }
    const { payload, protectedHeader } = result;
    // RFC 8725 §3.11/§3.12: explicit typing, checked after the signature so it is no oracle.
    const actual = useOf(protectedHeader.typ, payload.token_use);
    if (actual === undefined) throw new TokenError("token.invalid", { cause: "typ" });
    if (actual !== use) throw new TokenError("token.wrong_type");
    const shapeProblem = claimShapeProblem(payload, audience);
    if (shapeProblem !== undefined) throw new TokenError("token.invalid", { cause: shapeProblem });
    const claims = payload as unknown as IssuedClaims;
    if (
      isRevoked !== undefined &&
      (await isRevoked({ use, jti: claims.jti, sid: claims.sid, sub: claims.sub, iat: claims.iat }))
    ) {
      throw new TokenError("token.revoked");
    }
    return claims;
  }
  return verify;
}

/** The kind a token declares, when its header `typ` and `token_use` claim agree. */
function useOf(typ: unknown, tokenUse: unknown): TokenUse | undefined {
  if (typeof typ !== "string") return undefined;
  // RFC 7515 §4.1.9: `typ` is case-insensitive and may omit the "application/" prefix.
  const normalized = typ.toLowerCase().replace(/^application\//, "");
  for (const use of ["access", "refresh"] as const) {
    if (normalized === TYP[use]) return tokenUse === use ? use : undefined;
  }
  return undefined;
}

/** Describes a claim of the wrong shape, or returns `undefined` when all are right. */
function claimShapeProblem(payload: JWTPayload, audience: string | undefined): string | undefined {
  if (typeof payload.sub !== "string" || payload.sub === "") return "sub";
  if (typeof payload.jti !== "string" || payload.jti === "") return "jti";
  if (payload.sid !== undefined && (typeof payload.sid !== "string" || payload.sid === "")) {
    return "sid";
  }
  // RFC 7519 §4.1.3: an `aud` we do not identify with MUST be rejected.
  if (audience === undefined && payload.aud !== undefined) return "aud";
  return undefined;
}
