/**
 * External access tokens (resource-server mode): `Authorization: Bearer <JWT>` issued by a
 * trusted issuer (`KEYSHIP_TRUST_<NAME>_*`, docs/resource-server.md).
 * @module
 */
import type { TrustedTokenVerifier } from "../../trust/verifier.ts";
import { bearerToken, type CredentialVerifier } from "../verifier.ts";

/**
 * The external-token entries of the registry: none without trusted issuers (nothing is added
 * to the hot path), else one placed before keyship's own access and client tokens, whose
 * `typ` and `client_id` an IdP's tokens may share; it claims only tokens whose `iss` is a
 * trusted issuer, which keyship's own never is.
 * @param trusted the external-token verifier, or undefined without trusted issuers
 */
export function externalTokenCredentials(
  trusted: TrustedTokenVerifier | undefined,
): readonly CredentialVerifier[] {
  if (trusted === undefined) return [];
  return [
    {
      name: "external",
      warm(request) {
        const token = request.bearer;
        return token === undefined ? undefined : trusted.cached(token);
      },
      find(request) {
        const token = bearerToken(request);
        return token !== undefined && trusted.isTrustedToken(token) ? token : undefined;
      },
      verify: (token) => trusted.verify(token),
    },
  ];
}
