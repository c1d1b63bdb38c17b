/**
 * The one router factory: every keyship router validates with zod, answers failures as
 * `validation.failed` problems and shares the error handler.
 * @module
 */
import { OpenAPIHono, type z } from "@hono/zod-openapi";
import { documentGuards } from "../apidocs/security.ts";
import { isProblemCode, type ProblemCode, ProblemError } from "../errors.ts";
import { handleError } from "./problem.ts";
import type { KeyshipEnv } from "./variables.ts";

/** One zod issue as `errors` entries; an unknown member gets one entry naming it. */
function issueErrors(issue: z.core.$ZodIssue): { path: string; message: string }[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [...path, key.slice(0, 64)].join("."),
      message: "is not a known field",
    }));
  }
  return [{ path: path.join("."), message: issue.message }];
}

/** A keyship router: an `OpenAPIHono` over {@link KeyshipEnv}. */
export type KeyshipRouter = OpenAPIHono<KeyshipEnv>;

/**
 * Creates a router whose routes, registered with `router.openapi(createRoute({ … }), handler)`,
 * appear in `/openapi.json` with the security their `middleware` guards admit (`security: []`
 * without a guard; docs/openapi.md), and whose zod validation failures become 400 `validation.failed` problems
 * listing the failing fields (paths and zod's messages, one entry per unknown member; input
 * values are never echoed), or
 * the problem a schema names for its check (a custom issue's `params.problem`, e.g.
 * `device.invalid_public_key`).
 * @example const router = createRouter(); router.openapi(route, handler);
 */
export function createRouter(): KeyshipRouter {
  const router = new OpenAPIHono<KeyshipEnv>({ defaultHook: validationHook });
  router.onError(handleError);
  return documentGuards(router);
}

/**
 * The validation hook of keyship's routers and of `createApp()`'s app: a zod failure becomes
 * the problem its schema names, else 400 `validation.failed`.
 * @throws ProblemError always, on a failed validation
 */
export const validationHook: NonNullable<
  ConstructorParameters<typeof OpenAPIHono<KeyshipEnv>>[0]
>["defaultHook"] = (result) => {
  if (!result.success) {
    // A schema may name the problem a failure stands for (`params.problem`).
    const named = result.error.issues
      .map((issue) => (issue as { params?: { problem?: unknown } }).params?.problem)
      .find((code): code is ProblemCode => typeof code === "string" && isProblemCode(code));
    if (named !== undefined) throw new ProblemError(named, { cause: result.error });
    throw new ProblemError("validation.failed", {
      extensions: {
        errors: result.error.issues.flatMap(issueErrors),
      },
      cause: result.error,
    });
  }
};
