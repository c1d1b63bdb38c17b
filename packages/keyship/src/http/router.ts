/**
 * The one router factory: every keyship router validates with zod, answers failures as
 * `validation.failed` problems and shares the error handler.
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { ProblemError } from "../errors.ts";
import { handleError } from "./problem.ts";
import type { KeyshipEnv } from "./variables.ts";

/** A keyship router: an `OpenAPIHono` over {@link KeyshipEnv}. */
export type KeyshipRouter = OpenAPIHono<KeyshipEnv>;

/**
 * Creates a router whose zod validation failures become 400 `validation.failed` problems
 * listing the failing fields (paths and zod's messages; input values are never echoed).
 * @example const router = createRouter(); router.openapi(route, handler);
 */
export function createRouter(): KeyshipRouter {
  const router = new OpenAPIHono<KeyshipEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ProblemError("validation.failed", {
          extensions: {
            errors: result.error.issues.map((issue) => ({
              path: issue.path.map(String).join("."),
              message: issue.message,
            })),
          },
          cause: result.error,
        });
      }
    },
  });
  router.onError(handleError);
  return router;
}
