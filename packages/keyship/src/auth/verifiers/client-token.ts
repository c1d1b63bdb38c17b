/**
 * Client access tokens: `Authorization: Bearer <JWT>` with `typ: at+jwt` whose `client_id`
 * equals its `sub`, issued by `POST /auth/oauth/token` (docs/clients.md).
 * @module
 */
import type { ClientTokenVerifier } from "../../clients/verifier.ts";
import { bearerToken, type CredentialVerifier } from "../verifier.ts";

/**
 * The client-token entry of the registry. It comes after the access-token entry: a warm user
 * access token is answered before this cache is asked, and the access-token entry leaves
 * client tokens to this one.
 * @param clients the client-token verifier (its caches)
 */
export function clientTokenCredential(clients: ClientTokenVerifier): CredentialVerifier {
  return {
    name: "client",
    warm(request) {
      const token = request.bearer;
      return token === undefined ? undefined : clients.cached(token);
    },
    find(request) {
      const token = bearerToken(request);
      return token !== undefined && clients.isClientToken(token) ? token : undefined;
    },
    verify: (token) => clients.verify(token),
  };
}
