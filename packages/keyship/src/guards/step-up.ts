/**
 * The guard of sensitive actions (`keyship.requireStepUp()`, and the `sensitive` guards of the
 * routers). It lets a request through only when the caller's device or session stepped up
 * recently (a fresh, user-verified passkey assertion or the password), and otherwise answers
 * 401 `auth.step_up_required`, changing nothing.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { problemResponse } from "../http/problem.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { isSteppedUp, stepUpRequired } from "../stepup/service.ts";
import { requireUser } from "./guards.ts";
import { describeGuard, STEP_UP_SCHEMES } from "./requirements.ts";

const IMPERSONATED = "An impersonation session cannot perform actions that need a step-up.";

/**
 * The step-up guard of one instance: its database, clock and `stepUpMaxAgeSeconds`.
 * @param ctx the instance's shared dependencies
 * @throws ProblemError `auth.unauthenticated` (401) without a caller, `auth.forbidden` (403) for
 *   an impersonation session, `auth.step_up_required`
 *   (401, `WWW-Authenticate: Bearer error="insufficient_user_authentication"`) without a step-up
 */
export function stepUpGuard(
  ctx: Pick<KeyshipContext, "db" | "now" | "settings">,
): MiddlewareHandler<KeyshipEnv> {
  const signedIn = requireUser();
  const stepUp: MiddlewareHandler<KeyshipEnv> = async function keyshipRequireStepUp(c, next) {
    const principal = c.get("principal");
    if (principal === null || principal === undefined) return signedIn(c, next);
    // An admin acting as a user cannot prove to be that user: sensitive actions stay theirs.
    if (principal.impersonatorId !== undefined) {
      return problemResponse(c, new ProblemError("auth.forbidden", { detail: IMPERSONATED }));
    }
    if (await isSteppedUp(ctx, principal)) return next();
    return problemResponse(c, stepUpRequired(ctx.settings.stepUpMaxAgeSeconds));
  };
  return describeGuard(stepUp, { schemes: STEP_UP_SCHEMES, stepUp: true });
}
