/**
 * Discovery of a trusted issuer: its JWKS URL and signing algorithms, read once from
 * `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0).
 * @module
 */
import { TRUST_ALGORITHMS, type TrustAlgorithm } from "../config/settings-trust.ts";

/** What resource-server mode needs of an issuer's metadata. */
export interface IssuerMetadata {
  /** Where the issuer publishes its public keys. */
  readonly jwksUri: URL;
  /**
   * The algorithms its tokens may use: the allowed ones (asymmetric only) that the metadata
   * lists as supported, or all allowed ones when it lists none.
   */
  readonly algorithms: readonly TrustAlgorithm[];
}

/** How long discovery waits for the issuer, in ms. */
const DISCOVERY_TIMEOUT_MS = 5000;

function isAllowedUrl(url: URL | null): url is URL {
  if (url === null) return false;
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  return url.protocol === "https:" || (url.protocol === "http:" && loopback);
}

/**
 * Fetches and checks an issuer's discovery document.
 * @param issuer the exact issuer URL
 * @param allowed the algorithms configured for it @default every asymmetric one
 * @throws Error when the document cannot be fetched, is not JSON, names another issuer (OIDC
 *   Discovery §4.3), has no usable `jwks_uri`, or leaves no allowed algorithm
 */
export async function discoverIssuer(
  issuer: string,
  allowed: readonly TrustAlgorithm[] = TRUST_ALGORITHMS,
): Promise<IssuerMetadata> {
  const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const response = await fetch(url, {
    headers: { accept: "application/json" },
    redirect: "error",
    signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const doc = (await response.json()) as Record<string, unknown>;
  // OIDC Discovery §4.3: the issuer in the document MUST be identical to the one configured.
  if (doc.issuer !== issuer) throw new Error("discovery names another issuer");
  const jwksUri = typeof doc.jwks_uri === "string" ? URL.parse(doc.jwks_uri) : null;
  if (!isAllowedUrl(jwksUri)) throw new Error("discovery has no https jwks_uri");
  const supported = doc.id_token_signing_alg_values_supported;
  const listed = Array.isArray(supported) ? new Set(supported) : undefined;
  // RFC 8725 §3.1: only the asymmetric algorithms we allow, and of those only what it supports.
  const algorithms = allowed.filter((alg) => listed === undefined || listed.has(alg));
  if (algorithms.length === 0) throw new Error("no allowed algorithm is supported by the issuer");
  return { jwksUri, algorithms };
}
