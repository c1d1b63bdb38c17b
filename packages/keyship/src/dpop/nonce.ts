/**
 * Server-provided DPoP nonces (RFC 9449 §8), without shared state: a nonce is the HMAC of a
 * time window under a key derived from the session signing secret, which every instance holds.
 * The current and the previous window's nonces are accepted, so a nonce lives one to two
 * windows (`dpopProofWindow`) and any instance accepts the nonce another one issued.
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Settings } from "../config/schema.ts";
import { ProblemError } from "../errors.ts";
import { dpopChallenge } from "./proof.ts";

/** The nonces of one server: what to send, and what to accept. */
export interface DpopNonces {
  /** The nonce of the current window (the `DPoP-Nonce` header). */
  current(nowSeconds: number): string;
  /** Is `nonce` the current or the previous window's (constant-time)? */
  accepts(nonce: unknown, nowSeconds: number): boolean;
}

type NonceSettings = Pick<
  Settings,
  "dpopNonce" | "dpopProofWindow" | "sessionSecret" | "sessionPrivateKeys"
>;

/**
 * The nonces of `settings`, or undefined when `dpopNonce` is off.
 * @param settings `dpopNonce`, the window and the session signing secret (or keys)
 */
export function createDpopNonces(settings: NonceSettings): DpopNonces | undefined {
  if (!settings.dpopNonce) return undefined;
  const material = settings.sessionSecret ?? JSON.stringify(settings.sessionPrivateKeys ?? []);
  // A key of its own, so a nonce is never a MAC anything else of keyship would accept.
  const key = createHmac("sha256", material).update("keyship dpop nonce v1").digest();
  const windowSeconds = settings.dpopProofWindow;
  const nonceOf = (window: number) =>
    createHmac("sha256", key).update(String(window)).digest("base64url");
  return {
    current: (nowSeconds) => nonceOf(Math.floor(nowSeconds / windowSeconds)),
    accepts(nonce, nowSeconds) {
      if (typeof nonce !== "string" || nonce.length !== 43) return false;
      const given = Buffer.from(nonce);
      const window = Math.floor(nowSeconds / windowSeconds);
      // Both compared, always: the time taken says nothing about which window matched.
      const current = timingSafeEqual(given, Buffer.from(nonceOf(window)));
      const previous = timingSafeEqual(given, Buffer.from(nonceOf(window - 1)));
      return current || previous;
    },
  };
}

/**
 * A proof without the current nonce (RFC 9449 §8, §9): at a resource 401 `dpop.use_nonce`
 * with `WWW-Authenticate: DPoP error="use_dpop_nonce"`; at a sign-in finish or refresh (which
 * issue tokens) 400 `dpop.nonce_required`. Both carry the nonce to use in `DPoP-Nonce` and
 * `error: "use_dpop_nonce"` in the body, as the RFC's clients look for.
 * @param atResource whether the proof came with an access token
 * @param nonce the current nonce
 * @param reason what failed, for the logs
 */
export function useNonceProblem(atResource: boolean, nonce: string, reason: string): ProblemError {
  const headers: Record<string, string> = { "DPoP-Nonce": nonce };
  if (atResource) headers["WWW-Authenticate"] = dpopChallenge("use_dpop_nonce");
  return new ProblemError(atResource ? "dpop.use_nonce" : "dpop.nonce_required", {
    headers,
    extensions: { error: "use_dpop_nonce" },
    cause: new Error(reason),
  });
}
