/**
 * A DPoP client written from RFC 9449, with panva's `dpop` package making the proofs (never
 * keyship's code), plus hand-made malformed proofs for the negative tests.
 */
import { calculateThumbprint, generateKeyPair, generateProof, type KeyPair } from "dpop";
import { exportJWK, SignJWT } from "jose";
import type { KeyshipApp } from "../../src/app.ts";
import { TEST_ORIGIN } from "../helpers/passkeys.ts";
import { registerWithSession, type SessionAnswer } from "../helpers/sessions.ts";

export { calculateThumbprint, generateKeyPair, type KeyPair };

/** The public URL a proof names (`htu`): keyship's public origin and the path. */
export const htu = (path: string) => `${TEST_ORIGIN}${path}`;

/**
 * A proof for `method path` (RFC 9449 §4.2), with `ath` when an access token is given and the
 * server's `nonce` when one is.
 */
export function proof(key: KeyPair, method: string, path: string, token?: string, nonce?: string) {
  return generateProof(key, htu(path), method, nonce, token);
}

/** A proof with any header and claims, signed by `key` (the negative tests). */
export async function craftedProof(
  key: KeyPair,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): Promise<string> {
  const jwk = await exportJWK(key.publicKey);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk, ...header })
    .sign(key.privateKey);
}

/** Calls `path` with `Authorization: DPoP <token>` and the given proof. */
export function callWithDpop(
  app: KeyshipApp,
  path: string,
  token: string,
  dpop: string | undefined,
  method = "GET",
): Promise<Response> {
  const headers: Record<string, string> = { authorization: `DPoP ${token}` };
  if (dpop !== undefined) headers.dpop = dpop;
  return Promise.resolve(app.request(path, { method, headers }));
}

/** POSTs `{ refreshToken }` to the refresh route with a proof of `key` (if any). */
export async function refreshWithDpop(
  app: KeyshipApp,
  refreshToken: string,
  key: KeyPair | undefined,
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== undefined) headers.dpop = await proof(key, "POST", "/auth/token/refresh");
  return app.request("/auth/token/refresh", {
    method: "POST",
    headers,
    body: JSON.stringify({ refreshToken }),
  });
}

/** Signs up with a passkey in bearer mode, the finish carrying a proof of `key`. */
export async function signUpWithDpop(app: KeyshipApp, key: KeyPair): Promise<SessionAnswer> {
  const dpop = await proof(key, "POST", "/auth/passkey/register/finish");
  return (await registerWithSession(app, "bearer", { headers: { dpop } })).body;
}

/** `GET /whoami` with `token` and a fresh proof of `key` naming it. */
export async function whoamiWithDpop(
  app: KeyshipApp,
  key: KeyPair,
  token: string,
): Promise<Response> {
  return callWithDpop(app, "/whoami", token, await proof(key, "GET", "/whoami", token));
}
