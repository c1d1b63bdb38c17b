/**
 * How routes that take a DPoP proof without a DPoP-bound token (sign-in finishes, the refresh)
 * document it in /openapi.json: the `DPoP` header and the problems a proof can answer.
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { ProblemCode } from "../errors.ts";

/** The optional `DPoP` proof header of a sign-in finish or refresh (RFC 9449 §5). */
export const DpopProofHeader = z.object({
  dpop: z.string().optional().openapi({
    description:
      "A DPoP proof (RFC 9449) for this request: a bearer session started or refreshed with one is bound to its key (`tokenType: DPoP`); a DPoP-bound session's refresh needs one by the same key. See docs/dpop.md.",
  }),
});

/** The problems of a refused proof at a token-issuing route (sign-in finish, refresh). */
export const DPOP_PROOF_PROBLEMS: readonly ProblemCode[] = [
  "dpop.invalid_proof",
  "dpop.nonce_required",
];
