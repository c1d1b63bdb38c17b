/**
 * The typed context variables keyship sets on every request (`c.var.*`).
 * @module
 */
import type { Context } from "hono";
import type { AuditEventInput, AuditSource } from "../audit/model.ts";
import type { Principal } from "../auth/principal.ts";
import type { DB } from "../db/schema.ts";
import type { ProblemError } from "../errors.ts";
import type { Logger } from "../observability/logger.ts";

/** Context variables: `c.var.principal` (null when anonymous), `c.var.traceId`, `c.var.logger`, `c.var.audit`. */
export interface KeyshipVariables {
  principal: Principal | null;
  /** Why the request's credential was refused, when it was (guards answer with it). */
  authProblem?: ProblemError;
  traceId: string;
  logger: Logger;
  /** The audit log of the keyship instance serving the request (`logAction()` writes to it). */
  audit: RequestAuditLog;
  /** The key thumbprint of the request's verified `DPoP` proof, when it carried one. */
  dpopJkt?: string;
}

/** The Hono environment of every keyship router. */
export interface KeyshipEnv {
  Variables: KeyshipVariables;
}

/** The audit log of one keyship instance, on `c.var.audit` of every request it serves. */
export interface RequestAuditLog {
  /** Who made the request and from where. */
  sourceOf(c: Context<KeyshipEnv>): AuditSource;
  /** Records an event of this request; in `db` (a transaction) when given. */
  record(c: Context<KeyshipEnv>, event: AuditEventInput, db?: DB): Promise<void>;
}
