/**
 * Sign-in with a provider (Google, GitHub, an OpenID provider…): the methods of a
 * `KeyshipClient` that send the browser to the provider, finish the sign-in on the return
 * page (the `#keyship_oauth=` one-time code), and manage the linked accounts.
 * @module
 */

import type { SignIn } from "./client-context.ts";
import { KeyshipError, type KeyshipErrorCode } from "./errors.ts";
import type { ApiCall } from "./http.ts";
import type { LinkedAccount, OAuthProvider, OAuthSignIn } from "./types.ts";

/** What the return page's fragment said, once {@link OAuthMethods.completeOAuth} read it. */
export type OAuthOutcome =
  | ({ readonly kind: "signed_in" } & OAuthSignIn)
  | { readonly kind: "linked"; readonly provider: string }
  | { readonly kind: "stepped_up"; readonly provider: string };

/** The provider methods of a `KeyshipClient`. */
export interface OAuthMethods {
  /** The providers the server offers, for sign-in buttons. */
  listProviders(): Promise<readonly OAuthProvider[]>;
  /**
   * Sends the browser to the provider. It comes back to `returnTo` (a path of this app, default
   * the current page), where {@link completeOAuth} finishes.
   */
  signInWith(provider: string, options?: { readonly returnTo?: string }): void;
  /**
   * On the return page: reads the fragment and clears it; exchanges a one-time code for a
   * sign-in with a new device key. Resolves null when the page has no keyship fragment.
   * @throws {KeyshipError} the fragment's error (`oauth.access_denied`,
   *   `oauth.verification_failed`, …), `oauth.code_invalid`, `oauth.account_link_required`
   */
  completeOAuth(): Promise<OAuthOutcome | null>;
  /**
   * Links a provider to the signed-in account: asks the server for the provider URL (after a
   * step-up, which the client runs when asked) and sends the browser there; it comes back to
   * `returnTo` with `#keyship_oauth_linked=`, which {@link completeOAuth} reads.
   */
  linkAccount(provider: string, options?: { readonly returnTo?: string }): Promise<void>;
  /**
   * Steps up by signing in at a linked provider again, for an account that signs in through
   * providers only (one with a passkey or password steps up with `stepUp()`): sends the
   * browser to the provider; it comes back to `returnTo` with `#keyship_oauth_stepped_up=`,
   * which {@link completeOAuth} reads, and this device may then perform sensitive actions.
   * @throws {KeyshipError} `oauth.provider_unknown`, `oauth.return_to_invalid`
   */
  stepUpWith(provider: string, options?: { readonly returnTo?: string }): Promise<void>;
  /** The provider accounts linked to the signed-in user. */
  listAccounts(): Promise<readonly LinkedAccount[]>;
  /**
   * Unlinks a provider account (never the last way to sign in; needs a step-up).
   * @throws {KeyshipError} `oauth.last_sign_in_method`, `resource.not_found`
   */
  unlinkAccount(id: string): Promise<void>;
}

/** What the provider methods are built from. */
export interface OAuthDependencies {
  readonly baseUrl: string;
  readonly call: ApiCall;
  readonly signedCall: ApiCall;
  readonly deviceLabel: string | undefined;
  /** Generates a device key, lets `finish` bind it, then keeps it as this browser's. */
  readonly signIn: SignIn;
}

/** The current page's path, query included: where the provider sends the browser back. */
function currentPath(): string {
  return `${location.pathname}${location.search}`;
}

/** The keyship parameters of the fragment, cleared from the address bar once read. */
function takeFragment(): URLSearchParams | null {
  const params = new URLSearchParams(location.hash.slice(1));
  if (![...params.keys()].some((key) => key.startsWith("keyship_oauth"))) return null;
  history.replaceState(history.state, "", currentPath());
  return params;
}

/**
 * The provider methods.
 * @param deps the client's base URL, callers and sign-in step
 */
export function oauthMethods(deps: OAuthDependencies): OAuthMethods {
  const { call, signedCall } = deps;
  /** Starts a flow of the signed-in user and sends the browser to the provider. */
  const goToProvider = async (
    purpose: "link" | "step-up",
    provider: string,
    returnTo: string | undefined,
  ): Promise<void> => {
    const { url } = await signedCall<{ url: string }>(
      "POST",
      `/auth/oauth/${encodeURIComponent(provider)}/${purpose}`,
      { returnTo: returnTo ?? currentPath() },
    );
    location.assign(url);
  };
  return {
    async listProviders() {
      return (await call<{ providers: OAuthProvider[] }>("GET", "/auth/oauth/providers")).providers;
    },
    signInWith(provider, options = {}) {
      const returnTo = encodeURIComponent(options.returnTo ?? currentPath());
      location.assign(
        `${deps.baseUrl}/auth/oauth/${encodeURIComponent(provider)}/start?returnTo=${returnTo}`,
      );
    },
    async completeOAuth() {
      const params = takeFragment();
      if (params === null) return null;
      const error = params.get("keyship_oauth_error");
      if (error !== null) throw new KeyshipError({ code: error as KeyshipErrorCode });
      const linked = params.get("keyship_oauth_linked");
      if (linked !== null) return { kind: "linked", provider: linked };
      const steppedUp = params.get("keyship_oauth_stepped_up");
      if (steppedUp !== null) return { kind: "stepped_up", provider: steppedUp };
      const code = params.get("keyship_oauth") ?? "";
      const result = await deps.signIn<OAuthSignIn>("/auth/oauth/exchange", {
        code,
        deviceLabel: deps.deviceLabel,
      });
      return { kind: "signed_in", ...result };
    },
    linkAccount: (provider, options = {}) => goToProvider("link", provider, options.returnTo),
    stepUpWith: (provider, options = {}) => goToProvider("step-up", provider, options.returnTo),
    async listAccounts() {
      return (await signedCall<{ accounts: LinkedAccount[] }>("GET", "/auth/accounts")).accounts;
    },
    async unlinkAccount(id) {
      await signedCall<unknown>("POST", `/auth/accounts/${encodeURIComponent(id)}/unlink`);
    },
  };
}
