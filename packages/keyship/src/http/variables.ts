/**
 * The typed context variables keyship sets on every request (`c.var.*`).
 * @module
 */
import type { Principal } from "../auth/principal.ts";
import type { ProblemError } from "../errors.ts";
import type { Logger } from "../observability/logger.ts";

/** Context variables: `c.var.principal` (null when anonymous), `c.var.traceId`, `c.var.logger`. */
export interface KeyshipVariables {
  principal: Principal | null;
  /** Why the request's credential was refused, when it was (guards answer with it). */
  authProblem?: ProblemError;
  traceId: string;
  logger: Logger;
}

/** The Hono environment of every keyship router. */
export interface KeyshipEnv {
  Variables: KeyshipVariables;
}
