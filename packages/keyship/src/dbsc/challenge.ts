/**
 * DBSC challenges. A registration challenge is stateless: `<session id>.<exp>.<nonce>.<mac>`,
 * so a sign-in writes nothing for browsers that never register; it is single-use because a
 * session registers at most once. A refresh challenge is 256 random bits whose SHA-256 is
 * stored on the session's row and cleared by the refresh that answers it.
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import type { DbscRuntime } from "./runtime.ts";

/** The shape of a keyship session id, as challenges and bound cookies carry it. */
export const SESSION_ID = /^[0-9a-z]{1,64}$/;

/** A new registration challenge for `sessionId`, answerable for `challengeTtl`. */
export function registrationChallenge(dbsc: DbscRuntime, sessionId: string): string {
  const text = `${sessionId}.${dbsc.nowSeconds() + dbsc.challengeTtl}.${randomBytes(16).toString("base64url")}`;
  return `${text}.${dbsc.mac("registration", text)}`;
}

/**
 * The session a registration challenge was issued for, if it is ours and unexpired.
 * @returns the session id, or undefined
 */
export function challengedSession(dbsc: DbscRuntime, challenge: string): string | undefined {
  const parts = challenge.split(".");
  if (parts.length !== 4) return undefined;
  const [sessionId, exp, , mac] = parts as [string, string, string, string];
  if (!SESSION_ID.test(sessionId) || !/^\d{1,12}$/.test(exp)) return undefined;
  if (Number(exp) <= dbsc.nowSeconds()) return undefined;
  const text = parts.slice(0, 3).join(".");
  return dbsc.isMac("registration", text, mac) ? sessionId : undefined;
}

/** A new refresh challenge (256 bits, base64url). */
export function newRefreshChallenge(): string {
  return randomBytes(32).toString("base64url");
}

/** The SHA-256 (hex) stored instead of a refresh challenge. */
export function hashChallenge(challenge: string): string {
  return createHash("sha256").update(challenge).digest("hex");
}

/** The `Secure-Session-Challenge` header value: an sf-string and the session id. */
export function challengeHeader(challenge: string, sessionId: string): string {
  return `"${challenge}";id="${sessionId}"`;
}
