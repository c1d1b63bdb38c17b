/**
 * OAuth flows (the `state`) and one-time codes in Redis, shared by every instance
 * (`redisUrl` set): the shared single-use store (`redis/single-use.ts`: a TTL of the entry's
 * lifetime, taken with `GETDEL`) under `<prefix>oauth:flow:<state>` and
 * `<prefix>oauth:code:<SHA-256 of the code>`. The code itself is never stored.
 * @module
 */
import type { RedisConnection } from "../redis/connection.ts";
import { redisSingleUseStore } from "../redis/single-use.ts";
import type { CodePayload, OAuthEphemeralStore, OAuthFlow } from "./model.ts";

/** Whether a value read back is a flow. */
function isFlow(value: unknown): value is OAuthFlow {
  const flow = value as Partial<OAuthFlow> | null;
  return (
    typeof flow === "object" &&
    flow !== null &&
    typeof flow.id === "string" &&
    typeof flow.codeVerifier === "string" &&
    typeof flow.startedAt === "string"
  );
}

/** Whether a value read back is a code's payload. */
function isCodePayload(value: unknown): value is CodePayload {
  const payload = value as Partial<CodePayload> | null;
  return (
    typeof payload === "object" &&
    payload !== null &&
    typeof payload.provider === "string" &&
    typeof payload.identity === "object" &&
    payload.identity !== null
  );
}

/**
 * The Redis store on the instance's connection. While Redis is down, starting a sign-in, its
 * callback and the code exchange answer 503 `service_unavailable` (`Retry-After`) at once.
 * @param redis the instance's connection
 * @example const ephemeral = redisEphemeralStore(redis);
 */
export function redisEphemeralStore(redis: RedisConnection): OAuthEphemeralStore {
  const flows = redisSingleUseStore(redis, "oauth:flow", isFlow);
  const codes = redisSingleUseStore(redis, "oauth:code", isCodePayload);
  return {
    saveFlow: (flow, nowIso) => flows.save(flow.id, flow, { nowIso, expiresAt: flow.expiresAt }),
    takeFlow: (id, nowIso) => flows.take(id, nowIso),
    saveCode: (codeHash, payload, times) => codes.save(codeHash, payload, times),
    takeCode: (codeHash, nowIso) => codes.take(codeHash, nowIso),
  };
}
