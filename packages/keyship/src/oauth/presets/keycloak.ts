/**
 * Keycloak: OpenID Connect discovered at the realm URL
 * (`https://sso.example.com/realms/<realm>`, the realm's issuer).
 * @module
 */
import type { ProviderPreset } from "../model.ts";
import { oidcResolution } from "./common.ts";

/** The Keycloak preset (`KEYSHIP_OAUTH_KEYCLOAK_REALM_URL`, `_CLIENT_ID`, `_CLIENT_SECRET`). */
export const keycloak: ProviderPreset = {
  name: "keycloak",
  label: "Keycloak",
  kind: "oidc",
  resolve(options) {
    const realm = options.realmUrl ?? options.issuer;
    if (realm === undefined) return "the realm URL is missing";
    return oidcResolution(realm.replace(/\/+$/, ""), options);
  },
};
