/**
 * The shapes of OAuth / OpenID Connect sign-in: configured providers, the identity a provider
 * vouches for, started flows and one-time codes, and the store they live in.
 * @module
 */

/** `oidc`: an ID token proves the user; `oauth2`: the provider's user API does (GitHub, Discord). */
export type ProviderKind = "oidc" | "oauth2";

/** What a flow was started for. */
export type FlowPurpose = "signin" | "link" | "stepup";

/** Endpoints a provider option may set or override (GitHub Enterprise, tests). */
export interface ProviderEndpoints {
  /** Authorization endpoint (the browser goes there). */
  readonly authorization?: string | undefined;
  /** Token endpoint. */
  readonly token?: string | undefined;
  /** OIDC: the issuer's JWK Set; with `authorization` and `token`, discovery is skipped. */
  readonly jwks?: string | undefined;
  /** OIDC: the UserInfo endpoint, asked when the ID token has no email. */
  readonly userinfo?: string | undefined;
  /** OAuth 2 presets: the user API (GitHub `/user`, Discord `/users/@me`). */
  readonly user?: string | undefined;
  /** GitHub: the email API (`/user/emails`). */
  readonly emails?: string | undefined;
}

/**
 * One provider as the `oauth` option of `keyship()` / `createApp()` gives it, keyed by its id.
 * Every field may also come from the provider's variables; the option wins field by field.
 */
export interface OAuthProviderOptions {
  /**
   * `google`, `github`, `discord`, `microsoft`, `keycloak` or `oidc` (any OpenID provider by
   * discovery). @default the id when it names a preset, else `oidc`
   */
  readonly preset?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  /** OIDC: the issuer to discover (`oidc` needs it; Google, Microsoft and Keycloak derive it). */
  readonly issuer?: string | undefined;
  /** Keycloak: the realm URL, e.g. `https://sso.example.com/realms/acme`. */
  readonly realmUrl?: string | undefined;
  /** Microsoft: the tenant (`common`, `organizations`, `consumers` or a tenant id). @default "common" */
  readonly tenant?: string | undefined;
  /** Scopes to ask for, as a list or space/comma separated. @default the preset's */
  readonly scopes?: readonly string[] | string | undefined;
  /** The button label. @default the preset's name, or the id */
  readonly label?: string | undefined;
  /** Endpoints that replace the preset's or the discovered ones. */
  readonly endpoints?: ProviderEndpoints | undefined;
}

/** The `oauth` option: providers keyed by id (lower-case letters, digits, `_`). */
export type OAuthOptions = Readonly<Record<string, OAuthProviderOptions>>;

/** A JSON GET against the provider's API with the user's access token. */
export type FetchJson = (url: string) => Promise<unknown>;

/** What a provider vouches for about the person who signed in. */
export interface ProviderIdentity {
  /** The provider's stable id of the user (`sub`, GitHub's numeric id). */
  readonly subject: string;
  /** Normalised (trimmed, lower case) or null. */
  readonly email: string | null;
  /** True only when the provider asserts the email as verified. */
  readonly emailVerified: boolean;
  readonly displayName: string | null;
}

/** A provider, resolved from its options and variables once at startup. */
export interface ProviderSpec {
  readonly id: string;
  readonly preset: string;
  readonly label: string;
  readonly kind: ProviderKind;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  /** OIDC: the issuer (discovered unless the endpoints are given); OAuth 2: a nominal one. */
  readonly issuer: string;
  readonly endpoints: ProviderEndpoints;
  /** OAuth 2 presets: reads the identity from the user API. */
  readonly readIdentity?: ((fetchJson: FetchJson) => Promise<ProviderIdentity>) | undefined;
  /** How the client authenticates at the token endpoint. */
  readonly tokenAuth: "basic" | "post";
}

/** A started flow, stored until its callback (single use). Its id is the `state` parameter. */
export interface OAuthFlow {
  readonly id: string;
  readonly provider: string;
  readonly purpose: FlowPurpose;
  readonly codeVerifier: string;
  readonly nonce: string | null;
  readonly returnTo: string;
  /** The signed-in user of a link or step-up; null for a sign-in. */
  readonly userId: string | null;
  /** The device or session a step-up marks. */
  readonly subjectId: string | null;
  /** When the flow started (ISO): an OIDC step-up's sign-in must be later. */
  readonly startedAt: string;
  readonly expiresAt: string;
}

/** What a one-time code stands for: a verified identity at one provider. */
export interface CodePayload {
  readonly provider: string;
  readonly identity: ProviderIdentity;
}

/**
 * Where started flows and one-time codes live between requests: the database by default; a
 * shared store (Redis) may replace it. `take*` is atomic: of two concurrent takes of one id
 * exactly one gets the value, and an expired entry is never returned.
 */
export interface OAuthEphemeralStore {
  saveFlow(flow: OAuthFlow, nowIso: string): Promise<void>;
  takeFlow(id: string, nowIso: string): Promise<OAuthFlow | undefined>;
  /** `codeHash` is the hex SHA-256 of the code; the code itself is never stored. */
  saveCode(
    codeHash: string,
    payload: CodePayload,
    times: { nowIso: string; expiresAt: string },
  ): Promise<void>;
  takeCode(codeHash: string, nowIso: string): Promise<CodePayload | undefined>;
}

/** How long a one-time code is valid, in seconds (issue: 60 s, single use). */
export const CODE_TTL_SECONDS = 60;

/**
 * Ids a provider may not take: the path segments of `/auth/oauth/*` that are not providers
 * (the OAuth server endpoints of machine clients, and this feature's own).
 */
export const RESERVED_PROVIDER_IDS: readonly string[] = Object.freeze([
  "token",
  "introspect",
  "revoke",
  "providers",
  "exchange",
  "authorize",
  "callback",
]);

/** The shape of a provider id: lower-case letters, digits and `_`, starting with a letter. */
export const PROVIDER_ID_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * A provider preset: one file per provider in `oauth/presets/`, listed in their registry. It
 * turns the merged options and variables of one provider into its spec.
 */
export interface ProviderPreset {
  /** The preset's name, also the id it is configured under by default (`github`). */
  readonly name: string;
  readonly label: string;
  readonly kind: ProviderKind;
  /**
   * The provider's endpoints and scopes from its options.
   * @returns the spec's preset-specific part, or a sentence saying what is missing
   */
  resolve(options: OAuthProviderOptions): PresetResolution | string;
}

/** What a preset contributes to a {@link ProviderSpec}. */
export type PresetResolution = Pick<
  ProviderSpec,
  "issuer" | "endpoints" | "scopes" | "readIdentity" | "tokenAuth"
>;
