/**
 * The typed context variables keyship sets on every request (`c.var.*`).
 * @module
 */
import type { Logger } from "../observability/logger.ts";

/** How the caller proved who they are. */
export type PrincipalVia = "device" | "session" | "apikey" | "client" | "master";

/**
 * The authenticated caller, one shape for every credential kind (DESIGN §2).
 * Guards read only this; they never care how it was proven.
 */
export interface Principal {
  readonly userId: string;
  readonly role: "user" | "admin";
  readonly scopes: readonly string[];
  readonly via: PrincipalVia;
  readonly deviceId?: string;
  readonly sessionId?: string;
  readonly keyId?: string;
}

/** Context variables: `c.var.principal` (null when anonymous), `c.var.traceId`, `c.var.logger`. */
export interface KeyshipVariables {
  principal: Principal | null;
  /** Set once `authenticate()` has run for the request. */
  authenticated: boolean;
  traceId: string;
  logger: Logger;
}

/** The Hono environment of every keyship router. */
export interface KeyshipEnv {
  Variables: KeyshipVariables;
}
