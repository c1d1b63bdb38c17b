/**
 * `authenticatedStream()`: a server-sent event stream for a signed-in caller, closed within
 * about a second once the caller's credential or user is no longer valid. The request is an
 * ordinary one, so the token travels in the `Authorization` header (the SDK's
 * `openEventStream()` reads the stream with `fetch`).
 * @module
 */
import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { Principal } from "../auth/principal.ts";
import { ProblemError } from "../errors.ts";
import { problemResponse } from "../http/problem.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import type { SocketWatch } from "./liveness.ts";

/** What an authenticated stream runs with: the stream, the caller, and a revocation signal. */
export type StreamRunner = (
  stream: SSEStreamingApi,
  principal: Principal,
  signal: AbortSignal,
) => Promise<void>;

/**
 * Builds `authenticatedStream()` for one instance.
 * @param watch the instance's socket watch
 */
export function streamRoutes(
  watch: SocketWatch,
): (c: Context<KeyshipEnv>, run: StreamRunner) => Response {
  return (c, run) => {
    const principal = c.get("principal");
    if (principal === null || principal === undefined) {
      return problemResponse(c, c.get("authProblem") ?? new ProblemError("auth.unauthenticated"));
    }
    return streamSSE(c, async (stream) => {
      const revoked = new AbortController();
      // The last event says why; the stream closes once the runner returns (or at once if it
      // ignores the signal and returns later: the watch no longer holds it).
      const unwatch = watch.watch(principal, () => {
        void stream.writeSSE({ event: "revoked", data: "credential revoked" }).finally(() => {
          revoked.abort();
          void stream.close();
        });
      });
      stream.onAbort(unwatch);
      try {
        await run(stream, principal, revoked.signal);
      } finally {
        unwatch();
      }
    });
  };
}
