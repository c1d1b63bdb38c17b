/**
 * One provider over `openid-client`: its configuration (discovered once, or built from the
 * preset's endpoints), the authorization URL, and the callback's code exchange with every
 * check the library makes (state, PKCE, `iss`, `aud`, `exp`, `nonce`, the ID token's
 * signature, and for a step-up `auth_time`). openid-client's errors become keyship's `oauth.*` codes here, in one place.
 * @module
 */
import type * as oidc from "openid-client";
import { ProblemError } from "../errors.ts";
import { lazyModule } from "../optional.ts";
import type { FetchJson, ProviderIdentity, ProviderSpec } from "./model.ts";
import { identityOf } from "./presets/common.ts";

/** openid-client, loaded with the first sign-in through a provider (none configured: never). */
export const openid = lazyModule<typeof oidc>("openid-client");

/** Seconds a request to a provider may take. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** What the callback checks the provider's answer against (all from the stored flow). */
export interface ExpectedCallback {
  readonly state: string;
  readonly codeVerifier: string;
  /** OIDC only. */
  readonly nonce: string | null;
  /**
   * OIDC step-ups: the ID token's `auth_time` must be at most this many seconds old (within
   * openid-client's clock tolerance), so the person signed in again for this flow.
   */
  readonly maxAgeSeconds?: number | undefined;
}

/** The parameters of the provider's authorization URL. */
export interface AuthorizationRequest {
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
  readonly nonce: string | null;
  /** OIDC step-ups: `max_age=0`, asking the provider to authenticate the person again. */
  readonly reauthenticate?: boolean | undefined;
}

/** A configured provider, ready for flows. */
export interface ProviderClient {
  readonly spec: ProviderSpec;
  /** The URL to send the browser to (RFC 7636 S256 challenge, state, OIDC nonce). */
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  /**
   * Exchanges the callback's code and returns the verified identity.
   * @param currentUrl the callback URL as registered, with the query the provider sent
   * @throws ProblemError `oauth.verification_failed`, `oauth.provider_error`
   */
  identityFrom(currentUrl: URL, expected: ExpectedCallback): Promise<ProviderIdentity>;
  /**
   * Discovers (or builds) the configuration now, for `keyship doctor`.
   * @throws ProblemError `oauth.provider_error` when it cannot
   */
  check(): Promise<void>;
}

/** Whether `url` is plain http (allowed for loopback only, refused at config time otherwise). */
function isHttp(url: string | undefined): boolean {
  return url?.startsWith("http:") === true;
}

function clientAuth(spec: ProviderSpec): oidc.ClientAuth {
  return spec.tokenAuth === "basic"
    ? openid().ClientSecretBasic(spec.clientSecret)
    : openid().ClientSecretPost(spec.clientSecret);
}

/** Builds the openid-client configuration: by discovery, or from the given endpoints. */
async function configure(spec: ProviderSpec): Promise<oidc.Configuration> {
  const { endpoints } = spec;
  const insecure = [spec.issuer, ...Object.values(endpoints)].some(isHttp);
  const described = endpoints.authorization !== undefined && endpoints.token !== undefined;
  let config: oidc.Configuration;
  if (spec.kind === "oidc" && !described) {
    config = await openid().discovery(
      new URL(spec.issuer),
      spec.clientId,
      { client_secret: spec.clientSecret },
      clientAuth(spec),
      {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        execute: insecure ? [openid().allowInsecureRequests] : [],
      },
    );
  } else {
    config = new (openid().Configuration)(
      {
        issuer: spec.issuer,
        authorization_endpoint: endpoints.authorization,
        token_endpoint: endpoints.token,
        ...(endpoints.jwks === undefined ? {} : { jwks_uri: endpoints.jwks }),
        ...(endpoints.userinfo === undefined ? {} : { userinfo_endpoint: endpoints.userinfo }),
      },
      spec.clientId,
      { client_secret: spec.clientSecret },
      clientAuth(spec),
    );
    if (insecure) openid().allowInsecureRequests(config);
  }
  config.timeout = PROVIDER_TIMEOUT_SECONDS;
  // The ID token's signature is checked against the issuer's JWK Set, not only trusted
  // because it came over TLS (OIDC Core §3.1.3.7 step 6).
  if (spec.kind === "oidc") openid().enableNonRepudiationChecks(config);
  return config;
}

/** The HTTP status of the provider's answer an openid-client error carries, if any. */
function answerStatus(error: Error): number | undefined {
  const { status } = error as { status?: unknown };
  if (typeof status === "number") return status;
  return error.cause instanceof Response ? error.cause.status : undefined;
}

/**
 * True when `error` (or a cause) says the provider failed rather than refused: a network
 * failure, a timeout, or a 5xx answer.
 */
function isProviderFailure(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.name === "TimeoutError" || e.name === "AbortError") return true;
    if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true;
    if ((e as { code?: string }).code === "ECONNREFUSED") return true;
    if ((answerStatus(e) ?? 0) >= 500) return true;
  }
  return false;
}

/**
 * The one boundary for openid-client's errors: unreachable or failing (5xx) →
 * `oauth.provider_error`, any refused check or other error answer →
 * `oauth.verification_failed`. The original stays as `cause`.
 */
export function toOAuthProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  const code = isProviderFailure(error) ? "oauth.provider_error" : "oauth.verification_failed";
  return new ProblemError(code, { cause: error });
}

/** A JSON GET with the user's access token (the OAuth 2 presets' user APIs). */
function jsonFetcher(config: oidc.Configuration, accessToken: string): FetchJson {
  return async (url) => {
    const headers = new Headers({ accept: "application/json", "user-agent": "keyship" });
    const response = await openid().fetchProtectedResource(
      config,
      accessToken,
      new URL(url),
      "GET",
      undefined,
      headers,
    );
    if (!response.ok) {
      throw new ProblemError("oauth.provider_error", {
        cause: new Error(`${url} answered ${response.status}`),
      });
    }
    return response.json();
  };
}

/**
 * The UserInfo claims for the ID token's subject, or none when UserInfo refuses the access
 * token (401/403 with a `WWW-Authenticate` challenge: the provider issued it for another API,
 * as Entra ID does for Microsoft Graph or a custom one). The sign-in then goes on with the ID
 * token alone. Any other failure, a subject mismatch included, still fails the sign-in.
 */
async function userInfoClaims(
  config: oidc.Configuration,
  accessToken: string,
  subject: string,
): Promise<Record<string, unknown>> {
  try {
    // The subject check (OIDC Core §5.3.2) ties the UserInfo answer to the ID token.
    return await openid().fetchUserInfo(config, accessToken, subject);
  } catch (error) {
    if (
      error instanceof openid().WWWAuthenticateChallengeError &&
      [401, 403].includes(error.status)
    ) {
      return {};
    }
    throw error;
  }
}

/** The identity of an OIDC sign-in: the ID token, completed from UserInfo without an email. */
async function oidcIdentity(
  config: oidc.Configuration,
  tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>,
): Promise<ProviderIdentity> {
  const claims = tokens.claims();
  if (claims === undefined) throw new Error("no ID token");
  let source: Record<string, unknown> = claims;
  if (typeof claims.email !== "string" && config.serverMetadata().userinfo_endpoint) {
    source = { ...(await userInfoClaims(config, tokens.access_token, claims.sub)), ...claims };
  }
  const email = typeof source.email === "string" ? source.email : null;
  return identityOf({
    subject: claims.sub,
    email,
    emailVerified: source.email_verified === true,
    displayName: typeof source.name === "string" ? source.name : null,
  });
}

/**
 * A client for one provider. The configuration is built on first use and kept; a failed
 * discovery is retried on the next use.
 * @param spec the resolved provider
 */
export function createProviderClient(spec: ProviderSpec): ProviderClient {
  let pending: Promise<oidc.Configuration> | undefined;
  const configuration = (): Promise<oidc.Configuration> => {
    pending ??= configure(spec).catch((error: unknown) => {
      pending = undefined;
      throw new ProblemError("oauth.provider_error", { cause: error });
    });
    return pending;
  };
  return {
    spec,
    async authorizationUrl(request) {
      const config = await configuration();
      return openid().buildAuthorizationUrl(config, {
        redirect_uri: request.redirectUri,
        response_type: "code",
        scope: spec.scopes.join(" "),
        state: request.state,
        code_challenge: request.codeChallenge,
        code_challenge_method: "S256",
        ...(request.nonce === null ? {} : { nonce: request.nonce }),
        ...(request.reauthenticate === true ? { max_age: "0" } : {}),
      });
    },
    async identityFrom(currentUrl, expected) {
      const config = await configuration();
      try {
        const tokens = await openid().authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: expected.codeVerifier,
          expectedState: expected.state,
          ...(expected.nonce === null
            ? {}
            : { expectedNonce: expected.nonce, idTokenExpected: true }),
          ...(expected.maxAgeSeconds === undefined ? {} : { maxAge: expected.maxAgeSeconds }),
        });
        if (spec.readIdentity === undefined) return await oidcIdentity(config, tokens);
        return await spec.readIdentity(jsonFetcher(config, tokens.access_token));
      } catch (error) {
        throw toOAuthProblem(error);
      }
    },
    async check() {
      await configuration();
    },
  };
}
