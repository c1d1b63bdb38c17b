/**
 * Server-issued access tokens: `Authorization: Bearer <JWT>` with `typ: at+jwt`.
 * @module
 */
import type { SessionTokenVerifier } from "../../sessions/verifier.ts";
import { bearerToken, type CredentialVerifier } from "../verifier.ts";

/**
 * The access-token entry of the registry.
 * @param sessions the access-token verifier (its caches)
 */
export function accessTokenCredential(sessions: SessionTokenVerifier): CredentialVerifier {
  return {
    name: "access",
    warm(request) {
      const token = request.bearer;
      return token === undefined ? undefined : sessions.cached(token);
    },
    find(request) {
      const token = bearerToken(request);
      return token !== undefined && sessions.isSessionToken(token) ? token : undefined;
    },
    verify: (token) => sessions.verify(token),
  };
}
