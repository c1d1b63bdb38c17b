/**
 * Sending requests with DPoP proofs: one fresh proof per request, the server's latest
 * `DPoP-Nonce` remembered, and one retry when the server asks for a nonce (RFC 9449 §8).
 * @module
 */

import { createDpopProof } from "./dpop-proof.ts";
import { readProblem } from "./errors.ts";
import { sendRequest } from "./http.ts";

/** The server's problem codes that ask for a proof with its current nonce. */
const NONCE_CODES: ReadonlySet<string> = new Set(["dpop.nonce_required", "dpop.use_nonce"]);

/**
 * Sends requests with DPoP proofs of a key pair. One per client: the nonce it remembers is the
 * latest any answer carried.
 * @example
 * const response = await sender.send(request, record.keyPair, accessToken);
 */
export interface DpopSender {
  /**
   * Sends `request` with a proof (and `Authorization: DPoP <accessToken>` when given); when
   * the answer asks for a nonce, sends it once more with a proof carrying the new nonce.
   */
  send(request: Request, keyPair: CryptoKeyPair, accessToken?: string): Promise<Response>;
}

/** Does `response` ask for a proof with a (new) nonce (RFC 9449 §8, §9)? */
async function asksForNonce(response: Response): Promise<boolean> {
  if (response.status !== 400 && response.status !== 401) return false;
  if (!response.headers.has("dpop-nonce")) return false;
  if (/\berror="use_dpop_nonce"/.test(response.headers.get("www-authenticate") ?? "")) return true;
  const problem = await readProblem(response);
  return problem !== undefined && NONCE_CODES.has(problem.code);
}

/**
 * Creates a {@link DpopSender}.
 * @param now the clock, in milliseconds since the epoch
 * @example
 * const sender = createDpopSender(Date.now);
 */
export function createDpopSender(now: () => number): DpopSender {
  let nonce: string | undefined;

  const attempt = async (
    request: Request,
    keyPair: CryptoKeyPair,
    accessToken: string | undefined,
  ): Promise<Response> => {
    const headers = new Headers(request.headers);
    const proof = await createDpopProof({
      keyPair,
      method: request.method,
      url: request.url,
      accessToken,
      nonce,
      nowMs: now(),
    });
    headers.set("dpop", proof);
    // RFC 9449 §7.1: a bound token travels with the DPoP scheme, never as Bearer.
    if (accessToken !== undefined) headers.set("authorization", `DPoP ${accessToken}`);
    const response = await sendRequest(new Request(request, { headers }));
    nonce = response.headers.get("dpop-nonce") ?? nonce;
    return response;
  };

  return {
    async send(request, keyPair, accessToken) {
      // Keep an unsent copy: a body can be read only once, and the retry needs it again.
      const spare = request.clone();
      const response = await attempt(request, keyPair, accessToken);
      if (!(await asksForNonce(response))) return response;
      return attempt(spare, keyPair, accessToken);
    },
  };
}
