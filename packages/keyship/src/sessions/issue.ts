/**
 * Starting a session at sign-in, and the token pair every sign-in and refresh hands out.
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { KeyshipContext } from "../context.ts";
import type { DB } from "../db/schema.ts";
import { insertSession } from "./store.ts";

/** How the client keeps its session: `HttpOnly` cookies, or tokens it stores itself. */
export type SessionMode = "cookie" | "bearer";

/** A session's fresh token pair. */
export interface IssuedSession {
  readonly mode: SessionMode;
  /** The session id: stays the same across refreshes (the access token's `sid`). */
  readonly sessionId: string;
  /** A signed access token (JWT, `typ: at+jwt`). */
  readonly accessToken: string;
  /** An opaque refresh token (256 bits), single-use. */
  readonly refreshToken: string;
  /** Seconds the access token lives. */
  readonly expiresIn: number;
  /**
   * The RFC 7638 thumbprint of the DPoP key the session is bound to (the access token's
   * `cnf.jkt`; its token type is then `DPoP`), or undefined for a plain bearer session.
   */
  readonly dpopJkt?: string | undefined;
  /** True when this answer starts the session (a sign-in), not a refresh. */
  readonly started?: boolean;
}

/** Where a session is used from, recorded with each refresh token. */
export interface SessionClient {
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
  /** The key thumbprint of the request's verified DPoP proof (`dpop/proof-route.ts`), if any. */
  readonly dpopJkt?: string | undefined;
  /** The session the request's valid DBSC-bound cookie proves (`dbsc/bound-cookie.ts`), if any. */
  readonly dbscSessionId?: string | undefined;
}

/** The length of a refresh token: 32 random bytes as base64url. */
export const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new opaque refresh token: 256 bits from the CSPRNG. */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The SHA-256 (hex) stored instead of a refresh token. */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Stores a new refresh token of `familyId` (a new family when undefined), inside the caller's
 * transaction.
 * @returns the row id, the family id (the session id) and the refresh token
 */
export async function storeRefreshToken(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId" | "settings">,
  args: {
    userId: string;
    familyId?: string | undefined;
    client: SessionClient;
    /** The admin acting as `userId` (impersonation). @default null */
    impersonatorId?: string | null;
    /** Until when the row's refresh token lives. @default now + refreshTokenTtl */
    expiresAt?: Date;
    /** The DPoP key the family is bound to. @default null (unbound) */
    dpopJkt?: string | undefined;
  },
): Promise<{ rowId: string; sessionId: string; refreshToken: string }> {
  const now = ctx.now();
  const rowId = ctx.newId("session");
  const sessionId = args.familyId ?? rowId;
  const refreshToken = newRefreshToken();
  await insertSession(trx, {
    id: rowId,
    user_id: args.userId,
    family_id: sessionId,
    refresh_hash: hashRefreshToken(refreshToken),
    ip: (args.client.ip ?? "").slice(0, 64),
    user_agent: (args.client.userAgent ?? "").slice(0, 512),
    created_at: now.toISOString(),
    expires_at: (
      args.expiresAt ?? new Date(now.getTime() + ctx.settings.refreshTokenTtl * 1000)
    ).toISOString(),
    rotated_at: null,
    revoked_at: null,
    impersonator_id: args.impersonatorId ?? null,
    dpop_jkt: args.dpopJkt ?? null,
  });
  return { rowId, sessionId, refreshToken };
}

/**
 * Starts a session for `userId` inside the sign-in's transaction: a new family with its first
 * refresh token, and an access token for it.
 * @param trx the sign-in's transaction
 * @param ctx clock, ids, settings and the session issuer
 */
export async function startSession(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId" | "settings" | "sessions">,
  args: { userId: string; mode: SessionMode; client: SessionClient },
): Promise<IssuedSession> {
  // Cookie sessions are not DPoP-bound: the browser, not the script, sends their tokens.
  const dpopJkt = args.mode === "bearer" ? args.client.dpopJkt : undefined;
  const { sessionId, refreshToken } = await storeRefreshToken(trx, ctx, { ...args, dpopJkt });
  const issued = await signSession(ctx, {
    userId: args.userId,
    sessionId,
    refreshToken,
    mode: args.mode,
    dpopJkt,
  });
  return { ...issued, started: true };
}

/**
 * Signs the access token of a session and pairs it with its refresh token; with `dpopJkt`, the
 * token carries `cnf.jkt` (RFC 9449 §6.1).
 */
export async function signSession(
  ctx: Pick<KeyshipContext, "sessions">,
  args: {
    userId: string;
    sessionId: string;
    refreshToken: string;
    mode: SessionMode;
    dpopJkt?: string | undefined;
  },
): Promise<IssuedSession> {
  const access = await ctx.sessions.issuer.issueAccess(args.userId, {
    sid: args.sessionId,
    ...(args.dpopJkt === undefined ? {} : { cnf: { jkt: args.dpopJkt } }),
  });
  return {
    dpopJkt: args.dpopJkt,
    mode: args.mode,
    sessionId: args.sessionId,
    accessToken: access.token,
    refreshToken: args.refreshToken,
    expiresIn: access.expiresIn,
  };
}
