/**
 * A software DBSC browser written from the W3C draft and what Chromium 156 sends (never
 * keyship's code): it parses `Secure-Session-Registration` and `Secure-Session-Challenge`,
 * keeps a P-256 (or RSA) session key made with `jose`, and signs the `dbsc+jwt`s.
 */
import { exportJWK, type GenerateKeyPairResult, generateKeyPair, type JWK, SignJWT } from "jose";

/** What a `Secure-Session-Registration` header asks for. */
export interface RegistrationRequest {
  readonly algorithms: string[];
  readonly path: string;
  readonly challenge: string;
}

/** Reads an sf-string parameter (`; name="value"`) of a structured header. */
function stringParam(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(header);
  return match?.[1]?.replace(/\\(.)/g, "$1");
}

/** Parses `(ES256 RS256);path="…";challenge="…"` (one inner list with parameters). */
export function parseRegistration(header: string | null): RegistrationRequest {
  if (header === null) throw new Error("no Secure-Session-Registration header");
  const list = /^\(([^)]*)\)/.exec(header);
  const path = stringParam(header, "path");
  const challenge = stringParam(header, "challenge");
  if (list === null || path === undefined || challenge === undefined) {
    throw new Error(`malformed registration header: ${header}`);
  }
  return { algorithms: (list[1] as string).split(/\s+/), path, challenge };
}

/** Parses `"<challenge>";id="<session id>"`. */
export function parseChallenge(header: string | null): { challenge: string; id: string } {
  const match = header === null ? null : /^"([^"]*)";id="([^"]*)"$/.exec(header);
  if (match === null) throw new Error(`malformed Secure-Session-Challenge: ${header}`);
  return { challenge: match[1] as string, id: match[2] as string };
}

/** Header overrides for the negative tests. */
export type HeaderOverrides = Record<string, unknown>;

/** A browser's DBSC session key. */
export class DbscKey {
  readonly algorithm: "ES256" | "RS256";
  readonly publicJwk: JWK;
  private readonly privateKey: GenerateKeyPairResult["privateKey"];

  private constructor(
    algorithm: "ES256" | "RS256",
    privateKey: GenerateKeyPairResult["privateKey"],
    publicJwk: JWK,
  ) {
    this.algorithm = algorithm;
    this.privateKey = privateKey;
    this.publicJwk = publicJwk;
  }

  /** A new non-extractable session key. */
  static async create(algorithm: "ES256" | "RS256" = "ES256"): Promise<DbscKey> {
    const pair = await generateKeyPair(algorithm, { extractable: false });
    return new DbscKey(algorithm, pair.privateKey, await exportJWK(pair.publicKey));
  }

  private sign(payload: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: this.algorithm, typ: "dbsc+jwt", ...header })
      .sign(this.privateKey);
  }

  /** The registration JWT: the public key in the header, `{ jti: challenge }`. */
  registration(challenge: string, header: HeaderOverrides = {}): Promise<string> {
    return this.sign({ jti: challenge }, { jwk: this.publicJwk, ...header });
  }

  /** A refresh JWT: no key in the header, `{ jti: challenge }`. */
  refresh(challenge: string, header: HeaderOverrides = {}): Promise<string> {
    return this.sign({ jti: challenge }, header);
  }
}
