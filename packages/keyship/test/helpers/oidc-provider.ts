/**
 * A real OpenID Provider for tests: `oidc-provider` (v9) on a loopback port.
 *
 * One helper serves two kinds of suites:
 * - sign-in flows (authorization code + PKCE through `devInteractions`, where any login name
 *   signs in as that account): give `clients` with `redirectUris` and `accounts`;
 * - resource-server checks (`keyship` trusting the IdP's own access tokens): give `resources`
 *   (RFC 8707 resource indicators answered as JWT access tokens with an `aud`) and a
 *   `client_credentials` client, then call `clientCredentialsToken()`.
 *
 * The issuer is `http://127.0.0.1:<port><issuerPath>`, so a Keycloak-shaped issuer
 * (`/realms/main`) works. `rotateKeys()` swaps the signing key in place (same issuer, same
 * port, same in-memory grants). Extend by appending optional members to
 * {@link TestOidcOptions}; keep the defaults working for existing suites.
 * @module
 */
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { type ClientMetadata, type Configuration, Provider } from "oidc-provider";

/** An asymmetric signing algorithm the test provider can sign with. */
export type TestSigningAlg = "RS256" | "PS256" | "ES256" | "ES384" | "EdDSA";

/** A client registered at the test provider. */
export interface TestOidcClient {
  readonly clientId: string;
  /** Its secret; omit for a public client (`token_endpoint_auth_method: none`). */
  readonly clientSecret?: string;
  /** Redirect URIs for the authorization code flow. @default [] (no browser flow) */
  readonly redirectUris?: readonly string[];
  /**
   * Grant types. @default ["authorization_code", "refresh_token"] with `redirectUris`,
   * else ["client_credentials"]
   */
  readonly grantTypes?: readonly string[];
  /** Scopes the client may ask for (space-separated). @default no restriction */
  readonly scope?: string;
  /** Extra claims put into every access token issued to this client (e.g. `realm_access`). */
  readonly tokenClaims?: Readonly<Record<string, unknown>>;
}

/** An account that can sign in through the dev interactions (login name = `sub`). */
export interface TestOidcAccount {
  /** Claims returned for the account (ID token, userinfo): `email`, `email_verified`, `name`… */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Extra claims put into access tokens issued for the account (e.g. `realm_access`). */
  readonly tokenClaims?: Readonly<Record<string, unknown>>;
}

/** A resource server: tokens requested with `resource=<indicator>` are JWTs for it. */
export interface TestOidcResource {
  /** The `aud` of its tokens. @default the indicator itself */
  readonly audience?: string;
  /** Scopes it accepts (space-separated). @default "read write" */
  readonly scope?: string;
  /** Access token lifetime in seconds. @default 300 */
  readonly accessTokenTtlSeconds?: number;
  /**
   * How its tokens are signed: an asymmetric algorithm of the provider's keys, or HS256 with
   * `key` (to test that a resource server refuses symmetric tokens). @default { alg: "ES256" }
   */
  readonly sign?:
    | { readonly alg: TestSigningAlg }
    | { readonly alg: "HS256"; readonly key: string };
}

/** Options of {@link startOidcProvider}; every member is optional. */
export interface TestOidcOptions {
  /** Path of the issuer below the origin, e.g. "/realms/main". @default "" */
  readonly issuerPath?: string;
  /** Clients. @default none */
  readonly clients?: readonly TestOidcClient[];
  /** Accounts by `sub`; an unknown login name signs in with only `sub`. @default none */
  readonly accounts?: Readonly<Record<string, TestOidcAccount>>;
  /** Resource servers by resource indicator (an absolute URI). @default none */
  readonly resources?: Readonly<Record<string, TestOidcResource>>;
  /** The resource used when a token request names none. @default the first of `resources` */
  readonly defaultResource?: string;
  /** Algorithms of the signing keys, the first being the default. @default ["ES256", "RS256"] */
  readonly signingAlgs?: readonly TestSigningAlg[];
  /**
   * Extra `oidc-provider` configuration merged over the helper's (shallowly; `features` is
   * merged one level deeper). The escape hatch for flows the helper does not model yet.
   */
  readonly configuration?: Configuration;
}

/** Options of {@link TestOidcProvider.clientCredentialsToken}. */
export interface ClientCredentialsRequest {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Space-separated scopes. @default none */
  readonly scope?: string;
  /** The resource indicator. @default `defaultResource` */
  readonly resource?: string;
}

/** A running test provider. */
export interface TestOidcProvider {
  /** The issuer URL (no trailing slash), as the discovery document states it. */
  readonly issuer: string;
  /** The current `oidc-provider` instance (replaced by {@link rotateKeys}). */
  readonly provider: Provider;
  /** The `kid` of the key that signs now, for each algorithm, first algorithm first. */
  readonly kids: readonly string[];
  /** An absolute URL below the issuer, e.g. `url("/token")`. */
  url(path: string): string;
  /**
   * Runs the client credentials grant and returns the access token (a JWT when the resource
   * is one of `resources`).
   * @throws Error with the provider's `error` when it refuses
   */
  clientCredentialsToken(request: ClientCredentialsRequest): Promise<string>;
  /**
   * Replaces the signing keys by new ones (new `kid`s). With `keepOld` the old public keys stay
   * in the JWKS (a graceful rotation); without, they vanish at once.
   * @returns the new `kid`s
   */
  rotateKeys(options?: { readonly keepOld?: boolean }): readonly string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** A private signing JWK for `alg` with a fresh `kid`. */
function signingKey(alg: TestSigningAlg): JWK {
  const kid = `k-${randomUUID()}`;
  const pair =
    alg === "RS256" || alg === "PS256"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : alg === "EdDSA"
        ? generateKeyPairSync("ed25519")
        : generateKeyPairSync("ec", { namedCurve: alg === "ES384" ? "P-384" : "P-256" });
  return { ...(pair.privateKey.export({ format: "jwk" }) as JWK), kid, alg, use: "sig" };
}

function clientMetadata(client: TestOidcClient): ClientMetadata {
  const redirectUris = [...(client.redirectUris ?? [])];
  const grantTypes = [
    ...(client.grantTypes ??
      (redirectUris.length > 0 ? ["authorization_code", "refresh_token"] : ["client_credentials"])),
  ];
  return {
    client_id: client.clientId,
    ...(client.clientSecret === undefined
      ? { token_endpoint_auth_method: "none" }
      : { client_secret: client.clientSecret }),
    redirect_uris: redirectUris,
    grant_types: grantTypes,
    response_types: grantTypes.includes("authorization_code") ? ["code"] : [],
    ...(client.scope === undefined ? {} : { scope: client.scope }),
  };
}

/** Access tokens live as long as their resource says, else 300 s. */
function tokenTtl(_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) {
  return token.resourceServer?.accessTokenTTL ?? 300;
}

type TokenLike = { readonly accountId?: string; readonly clientId?: string };

/** The helper's `oidc-provider` configuration for `options` and the current keys. */
function configurationOf(options: TestOidcOptions, keys: readonly JWK[]): Configuration {
  const resources = options.resources ?? {};
  const fallback = options.defaultResource ?? Object.keys(resources)[0];
  const clients = new Map((options.clients ?? []).map((c) => [c.clientId, c]));
  const accounts = options.accounts ?? {};
  const extra = options.configuration ?? {};
  return {
    clients: (options.clients ?? []).map(clientMetadata),
    jwks: { keys: keys.map((k) => ({ ...k })) },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    scopes: ["openid", "offline_access", "email", "profile"],
    pkce: { required: () => true },
    ttl: { AccessToken: tokenTtl, ClientCredentials: tokenTtl },
    enabledJWA: { idTokenSigningAlgValues: [...new Set(keys.map((k) => k.alg as TestSigningAlg))] },
    async findAccount(_ctx, sub) {
      return { accountId: sub, claims: async () => ({ ...accounts[sub]?.claims, sub }) };
    },
    async extraTokenClaims(_ctx, token) {
      const t = token as TokenLike;
      const fromAccount = t.accountId === undefined ? {} : accounts[t.accountId]?.tokenClaims;
      const fromClient = t.clientId === undefined ? {} : clients.get(t.clientId)?.tokenClaims;
      return { ...fromClient, ...fromAccount };
    },
    ...extra,
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => fallback as string,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, indicator) {
          const resource = resources[indicator];
          if (resource === undefined) throw new Error(`unknown resource ${indicator}`);
          const sign = resource.sign ?? { alg: "ES256" };
          return {
            audience: resource.audience ?? indicator,
            scope: resource.scope ?? "read write",
            accessTokenTTL: resource.accessTokenTtlSeconds ?? 300,
            accessTokenFormat: "jwt",
            jwt: { sign: "key" in sign ? { alg: sign.alg, key: Buffer.from(sign.key) } : sign },
          };
        },
      },
      ...extra.features,
    },
  };
}

/**
 * Starts an OpenID Provider on 127.0.0.1 (port 0) and resolves once it listens.
 * @example
 * const idp = await startOidcProvider({
 *   clients: [{ clientId: "api-client", clientSecret: "s3cret" }],
 *   resources: { "https://api.test": { scope: "orders:read" } },
 * });
 * const token = await idp.clientCredentialsToken({ clientId: "api-client", clientSecret: "s3cret" });
 * await idp.close();
 */
export async function startOidcProvider(options: TestOidcOptions = {}): Promise<TestOidcProvider> {
  const algs = options.signingAlgs ?? ["ES256", "RS256"];
  const path = options.issuerPath ?? "";
  let keys = algs.map(signingKey);
  let retired: JWK[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (path !== "" && !url.startsWith(path)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    // oidc-provider reads its mount path from `originalUrl` (as behind Express's app.use).
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(path.length) || "/";
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  let provider!: Provider;
  const build = () => {
    // Retired keys stay published for verification; the new ones come first, so they sign.
    const published = [...keys, ...retired];
    provider = new Provider(issuer, configurationOf(options, published));
    handler = provider.callback();
  };
  build();
  const url = (p: string) => `${issuer}${p}`;
  return {
    issuer,
    get provider() {
      return provider;
    },
    get kids() {
      return keys.map((k) => String(k.kid));
    },
    url,
    async clientCredentialsToken(request) {
      const body = new URLSearchParams({ grant_type: "client_credentials" });
      if (request.scope !== undefined) body.set("scope", request.scope);
      const resource = request.resource ?? options.defaultResource;
      if (resource !== undefined) body.set("resource", resource);
      const basic = Buffer.from(
        `${encodeURIComponent(request.clientId)}:${encodeURIComponent(request.clientSecret)}`,
      ).toString("base64");
      const response = await fetch(url("/token"), {
        method: "POST",
        headers: { authorization: `Basic ${basic}` },
        body,
      });
      const json = (await response.json()) as { access_token?: string; error?: string };
      if (json.access_token === undefined) {
        throw new Error(`token request refused: ${json.error ?? response.status}`);
      }
      return json.access_token;
    },
    rotateKeys(rotation = {}) {
      retired = rotation.keepOld === true ? keys : [];
      keys = algs.map(signingKey);
      build();
      return keys.map((k) => String(k.kid));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
