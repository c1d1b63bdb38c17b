/**
 * DPoP-bound access tokens (RFC 9449 §7): `Authorization: DPoP <token>` with one `DPoP` proof
 * of the key in the token's `cnf.jkt`. Never warm: every request proves the key anew (the
 * proof's signature, `htm`, `htu`, `iat`, `ath` and a new `jti`); only the token's own verify
 * is cached, under the proven key.
 * @module
 */
import type { KeyshipContext } from "../../context.ts";
import { dpopChallenge } from "../../dpop/proof.ts";
import { isDpopAuthorization, requestProof } from "../../dpop/proof-route.ts";
import { ProblemError } from "../../errors.ts";
import type { SessionTokenVerifier } from "../../sessions/verifier.ts";
import type { CredentialVerifier } from "../verifier.ts";

// RFC 6750 §2.1's b64token, as for Bearer.
const B64TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/** A refused token answers with the DPoP challenge (RFC 9449 §7.1), not the Bearer one. */
function withDpopChallenge(error: unknown): unknown {
  if (
    !(error instanceof ProblemError) ||
    error.status !== 401 ||
    error.headers["WWW-Authenticate"] !== undefined
  ) {
    return error;
  }
  return new ProblemError(error.code, {
    detail: error.detail,
    extensions: error.extensions,
    headers: { ...error.headers, "WWW-Authenticate": dpopChallenge("invalid_token") },
    cause: error,
  });
}

/**
 * The DPoP entry of the registry.
 * @param sessions the access-token verifier
 * @param ctx settings, clock and the replay cache of proofs
 */
export function dpopTokenCredential(
  sessions: SessionTokenVerifier,
  ctx: Pick<KeyshipContext, "settings" | "now" | "sessions">,
): CredentialVerifier {
  return {
    name: "dpop",
    warm: () => undefined,
    find(request) {
      if (!isDpopAuthorization(request.authorization)) return undefined;
      const token = (request.authorization as string).slice(5);
      // Any DPoP token is judged here: nobody else takes this scheme.
      return B64TOKEN.test(token) ? token : "";
    },
    async verify(token, request) {
      try {
        if (token === "" || !sessions.isSessionToken(token)) {
          throw new ProblemError("token.invalid");
        }
        const jkt = await requestProof(request.c, ctx, token);
        if (jkt === undefined) {
          throw new ProblemError("dpop.proof_required", { cause: new Error("no DPoP header") });
        }
        return await sessions.verify(token, jkt);
      } catch (error) {
        throw withDpopChallenge(error);
      }
    },
  };
}
