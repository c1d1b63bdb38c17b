/**
 * The one place a sign-in answers: the account fields, plus the session in the mode the client
 * asked for. Every sign-in route (passkey, password, later OAuth) ends with it.
 * @module
 */
import type { Context, TypedResponse } from "hono";
import type { KeyshipContext } from "../context.ts";
import { offerDbscRegistration } from "../dbsc/offer-route.ts";
import { clientIp, UNKNOWN_CLIENT } from "../http/client-ip.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { setSessionCookies } from "./cookies.ts";
import { requireSameSiteSignIn } from "./csrf.ts";
import type { IssuedSession } from "./issue.ts";

/** What a sign-in service returns: its own fields, and `session` when one was started. */
export interface SignInOutcome {
  readonly session?: IssuedSession | undefined;
}

/** The session fields a sign-in answer may carry (see {@link respondSignedIn}). */
export interface SessionFields {
  readonly sessionId?: string;
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly tokenType?: "Bearer" | "DPoP";
  readonly expiresIn?: number;
  readonly csrfToken?: string;
}

/** The JSON body of a sign-in answer: the service's fields without `session`, plus its fields. */
export type SignedInBody<T> = Omit<T, "session"> & SessionFields;

/**
 * Answers a finished sign-in (or a refresh) as JSON. Without a session, `result` is sent as is.
 * In bearer mode `session` becomes `sessionId`, `accessToken`, `refreshToken`, `expiresIn` and
 * `tokenType`; in cookie mode the tokens go into the session cookies and the body gets
 * `sessionId`, `expiresIn` and `csrfToken`. Tokens never appear in both places.
 *
 * @param c the request context
 * @param ctx anything holding the session runtime (the keyship context)
 * @param result the service's result, e.g. `{ userId, deviceId, session }`
 * @param status 200 (sign-in, refresh) or 201 (a new account) @default 200
 * @example
 * const result = await finishPasswordLogin(ctx, { ...body, ...signInClient(c, ctx) });
 * return respondSignedIn(c, ctx, result);
 */
export function respondSignedIn<T extends SignInOutcome, S extends 200 | 201 = 200>(
  c: Context,
  ctx: Pick<KeyshipContext, "sessions">,
  result: T,
  status: S = 200 as S,
): Response & TypedResponse<SignedInBody<T>, S, "json"> {
  const { session, ...rest } = result;
  const json = (body: object) =>
    c.json(body, status) as unknown as Response & TypedResponse<SignedInBody<T>, S, "json">;
  if (session === undefined) return json(rest);
  if (session.mode === "cookie") {
    const csrfToken = setSessionCookies(c, ctx.sessions.cookies, session);
    // A new cookie session may be bound to the browser with DBSC (docs/dbsc.md).
    if (session.started === true) offerDbscRegistration(c, ctx.sessions, session.sessionId);
    return json({ ...rest, sessionId: session.sessionId, expiresIn: session.expiresIn, csrfToken });
  }
  return json({
    ...rest,
    sessionId: session.sessionId,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    // RFC 9449 §5: a token bound to a DPoP key is of type `DPoP`.
    tokenType: session.dpopJkt === undefined ? "Bearer" : "DPoP",
    expiresIn: session.expiresIn,
  });
}

/**
 * The caller's user agent, IP (the socket's peer, or `X-Forwarded-For` with `trustProxy`) and
 * the key of its verified DPoP proof, to spread into a sign-in service's input for the session and device rows. Call it before
 * the service: a sign-in asking for cookie mode from another site is refused here (login
 * CSRF), before anything is written.
 * @param c the request context
 * @param ctx the keyship context (its `trustProxy` and `origins` settings)
 * @param session the session mode the sign-in asks for, if any
 * @throws ProblemError `auth.csrf_failed` for a cross-site sign-in in cookie mode
 * @example finishPasskeyLogin(ctx, { ...body, ...signInClient(c, ctx, body.session) })
 */
export function signInClient(
  c: Context,
  ctx: Pick<KeyshipContext, "settings">,
  session?: "bearer" | "cookie" | undefined,
): { userAgent: string | undefined; ip: string | undefined; dpopJkt: string | undefined } {
  if (session === "cookie") requireSameSiteSignIn(c, ctx.settings.origins);
  const ip = clientIp(c, ctx.settings.trustProxy);
  return {
    userAgent: c.req.header("user-agent"),
    ip: ip === UNKNOWN_CLIENT ? undefined : ip,
    // Set by dpopProofs() (dpop/proof-route.ts) when the request carried a valid proof.
    dpopJkt: (c as Context<KeyshipEnv>).get("dpopJkt"),
  };
}
