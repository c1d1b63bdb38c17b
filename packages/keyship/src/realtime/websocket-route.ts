/**
 * `authenticatedWebSocket()`: a WebSocket route whose handshake must carry a credential, and
 * whose socket closes (code 4401) within about a second once that credential or its user is no
 * longer valid.
 *
 * Browsers cannot set headers on a WebSocket, so the token travels in the subprotocol list:
 * `new WebSocket(url, ["keyship", "keyship-token." + token])`; the server picks `keyship`. A
 * `?access_token=` query parameter works too, but URLs end up in access logs (RFC 6750 §2.3):
 * prefer the subprotocol. Device tokens must be minted for `wsTokenAudience` (`keyship:ws`);
 * API keys, access tokens and the master token work as they are. The session cookie never
 * authenticates a socket (cross-site WebSocket hijacking).
 * @module
 */
import { upgradeWebSocket } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import type { WSContext, WSEvents } from "hono/ws";
import type { Authentication } from "../auth/authentication.ts";
import type { Principal } from "../auth/principal.ts";
import { ProblemError } from "../errors.ts";
import { problemResponse } from "../http/problem.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import type { SocketWatch } from "./liveness.ts";

/** The subprotocol the server answers with; clients offer it with the token. */
export const REALTIME_PROTOCOL = "keyship";
/** The prefix of the subprotocol that carries the token. */
export const TOKEN_PROTOCOL_PREFIX = "keyship-token.";
/** The close code of a socket whose credential was revoked or whose user was disabled. */
export const REVOKED_CLOSE_CODE = 4401;

/** The socket's events, built once it is authenticated. */
export type AuthenticatedEvents = (
  c: Context<KeyshipEnv>,
  principal: Principal,
) => WSEvents | Promise<WSEvents>;

/**
 * The token of a WebSocket handshake: the `keyship-token.<token>` subprotocol, else the
 * `access_token` query parameter.
 */
export function handshakeToken(c: Context<KeyshipEnv>): string | undefined {
  const offered = c.req.header("sec-websocket-protocol");
  for (const protocol of offered?.split(",") ?? []) {
    const trimmed = protocol.trim();
    if (trimmed.startsWith(TOKEN_PROTOCOL_PREFIX)) {
      return trimmed.slice(TOKEN_PROTOCOL_PREFIX.length);
    }
  }
  const query = c.req.query("access_token");
  return query === undefined || query === "" ? undefined : query;
}

/**
 * For `ws`'s `WebSocketServer({ handleProtocols })`: answers `keyship` when the client offers
 * it (`listen()` sets this up).
 */
export function selectProtocol(offered: Set<string>): string | false {
  return offered.has(REALTIME_PROTOCOL) ? REALTIME_PROTOCOL : false;
}

function closeWhenRevoked(watch: SocketWatch, principal: Principal, events: WSEvents): WSEvents {
  let unwatch: () => void = () => {};
  return {
    ...events,
    onOpen(event, ws: WSContext) {
      unwatch = watch.watch(principal, () => ws.close(REVOKED_CLOSE_CODE, "credential revoked"));
      events.onOpen?.(event, ws);
    },
    onClose(event, ws) {
      unwatch();
      events.onClose?.(event, ws);
    },
  };
}

/**
 * Builds `authenticatedWebSocket()` for one instance.
 * @param auth the instance's authentication (`authenticateToken`)
 * @param watch the instance's socket watch
 */
export function websocketRoutes(
  auth: Pick<Authentication, "authenticateToken">,
  watch: SocketWatch,
): (createEvents: AuthenticatedEvents) => MiddlewareHandler<KeyshipEnv> {
  return (createEvents) => {
    const upgrade = upgradeWebSocket(async (c: Context<KeyshipEnv>) => {
      const principal = c.get("principal") as Principal;
      return closeWhenRevoked(watch, principal, await createEvents(c, principal));
    });
    return async function keyshipWebSocket(c, next) {
      const token = handshakeToken(c);
      if (token === undefined) return problemResponse(c, new ProblemError("auth.unauthenticated"));
      try {
        c.set("principal", await auth.authenticateToken(c, token));
      } catch (error) {
        if (error instanceof ProblemError) return problemResponse(c, error);
        throw error;
      }
      return upgrade(c, next);
    };
  };
}
