/**
 * `requireStepUp()`: the guard of sensitive actions. It lets a request through only when the
 * caller's device or session stepped up recently (a fresh, user-verified passkey assertion or
 * the password), and otherwise answers 401 `auth.step_up_required`, changing nothing.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Principal } from "../auth/principal.ts";
import type { KeyshipContext } from "../context.ts";
import { problemResponse } from "../http/problem.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { isSteppedUp, stepUpRequired } from "../stepup/service.ts";
import { requireUser } from "./guards.ts";

/**
 * Builds the guard.
 * @param isSteppedUp whether the caller's device or session is stepped up now
 * @param maxAgeSeconds the step-up lifetime, announced in the challenge
 * @throws ProblemError `auth.unauthenticated` (401) without a caller, `auth.step_up_required`
 *   (401, `WWW-Authenticate: Bearer error="insufficient_user_authentication"`) without a step-up
 */
export function requireStepUp(
  isSteppedUp: (principal: Principal) => Promise<boolean>,
  maxAgeSeconds: number,
): MiddlewareHandler<KeyshipEnv> {
  const signedIn = requireUser();
  return async function keyshipRequireStepUp(c, next) {
    const principal = c.get("principal");
    if (principal === null || principal === undefined) return signedIn(c, next);
    if (await isSteppedUp(principal)) return next();
    return problemResponse(c, stepUpRequired(maxAgeSeconds));
  };
}

/**
 * The step-up guard of one instance: its database, clock and `stepUpMaxAgeSeconds`.
 * @param ctx the instance's shared dependencies
 */
export function stepUpGuard(
  ctx: Pick<KeyshipContext, "db" | "now" | "settings">,
): MiddlewareHandler<KeyshipEnv> {
  return requireStepUp(
    (principal) => isSteppedUp(ctx, principal),
    ctx.settings.stepUpMaxAgeSeconds,
  );
}
