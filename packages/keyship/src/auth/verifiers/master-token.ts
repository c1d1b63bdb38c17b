/**
 * The master token (`KEYSHIP_MASTER_TOKEN`): one shared secret for machine access, sent as
 * `Authorization: Bearer <token>` or, on a request without `Authorization`, as
 * `X-Master-Token: <token>`. Its principal is `via: "master"`, which only `requireMaster()`
 * (and rules with `require: master`) admit.
 *
 * There is nothing to cache or look up, so the whole check runs in `warm()`: a synchronous
 * comparison, as cheap as a cache lookup. That also fixes its place among the credentials: an
 * `X-Master-Token` wins over a session cookie whether or not the cookie's token is cached, and
 * an `Authorization` header wins over both.
 *
 * Every use is audited (`master.used`), without holding up the request: the row is written in
 * the background and a failed write is logged.
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import type { KeyshipContext } from "../../context.ts";
import { joinedHeader } from "../../http/headers.ts";
import type { KeyshipEnv, RequestAuditLog } from "../../http/variables.ts";
import { TokenError } from "../../tokens/errors.ts";
import type { Principal } from "../principal.ts";
import type { CredentialVerifier } from "../verifier.ts";

/** The header a master token may come in instead of `Authorization`. */
export const MASTER_TOKEN_HEADER = "x-master-token";

/**
 * The caller a master token proves: no user (`userId: "master"` cannot collide with a user
 * id, which is `u…`), no scopes. Its role is `user`, never `admin`: the master token does not
 * pass `requireAdmin()` (an operator's key for machine routes is not an admin session with
 * step-up and an audit trail per person), and user guards refuse it (`guards/guards.ts`).
 */
export const MASTER_PRINCIPAL: Principal = Object.freeze({
  userId: "master",
  role: "user",
  scopes: Object.freeze([]) as readonly string[],
  via: "master",
});

/** What the master-token verifier is built from. */
export interface MasterTokenSource {
  /** SHA-256 of the configured token. */
  readonly digest: Buffer;
  readonly audit: RequestAuditLog;
  readonly logger: KeyshipContext["logger"];
}

const sha256 = (value: string): Buffer => createHash("sha256").update(value).digest();

/**
 * The source of the master-token verifier, or undefined when `masterToken` is unset (then
 * the registry has no such verifier and requests pay nothing for it).
 * @param ctx the settings (`masterToken`), logger and audit log
 * @param audit the instance's audit log
 */
export function masterTokenSource(
  ctx: Pick<KeyshipContext, "settings" | "logger">,
  audit: RequestAuditLog,
): MasterTokenSource | undefined {
  const token = ctx.settings.masterToken;
  return token === undefined ? undefined : { digest: sha256(token), audit, logger: ctx.logger };
}

/**
 * The master-token entry of the registry: none without a configured token.
 * @param source what {@link masterTokenSource} built
 */
export function masterTokenCredentials(
  source: MasterTokenSource | undefined,
): CredentialVerifier[] {
  if (source === undefined) return [];
  const { digest, audit, logger } = source;
  // Both sides are hashed first, so the comparison takes the same time whatever the length
  // or content of the guess (no length, no prefix leaks); timingSafeEqual compares the digests.
  const matches = (candidate: string) => timingSafeEqual(sha256(candidate), digest);

  const used = (c: Context<KeyshipEnv>, header: "authorization" | "x-master-token") => {
    const event = {
      action: "master.used",
      actorId: "master",
      data: { header, method: c.req.method, path: c.req.path },
    };
    // In the background, and never failing the request: even a synchronous throw while reading
    // the request's source ends up in the log.
    Promise.resolve(event)
      .then((e) => audit.record(c, e))
      .catch((err: unknown) => {
        logger.error({ err, traceId: c.get("traceId") }, "master.used could not be audited");
      });
    return MASTER_PRINCIPAL;
  };

  return [
    {
      name: "master",
      warm(request) {
        const { c, authorization, bearer } = request;
        if (authorization !== undefined) {
          // The master token has no dot, so a JWT (device or access token) is never hashed.
          if (bearer === undefined || bearer.includes(".") || !matches(bearer)) return undefined;
          return used(c, "authorization");
        }
        const header = joinedHeader(c, MASTER_TOKEN_HEADER);
        if (header === undefined) return undefined;
        if (matches(header)) return used(c, MASTER_TOKEN_HEADER);
        logger.warn({ traceId: c.get("traceId") }, "wrong master token refused");
        throw new TokenError("token.invalid", { cause: new Error("wrong X-Master-Token") });
      },
      // Everything is decided in warm(): a bearer that is not the master token is left to the
      // other verifiers (it may be an API key), and they answer token.invalid for it.
      find: () => undefined,
      verify: () => Promise.reject(new TokenError("token.invalid")),
    },
  ];
}
