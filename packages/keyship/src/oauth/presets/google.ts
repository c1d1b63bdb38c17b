/**
 * Google: OpenID Connect, discovered at `https://accounts.google.com`. Google asserts
 * `email_verified`.
 * @module
 */
import type { ProviderPreset } from "../model.ts";
import { oidcResolution } from "./common.ts";

/** The Google preset (`KEYSHIP_OAUTH_GOOGLE_CLIENT_ID` / `_CLIENT_SECRET`). */
export const google: ProviderPreset = {
  name: "google",
  label: "Google",
  kind: "oidc",
  resolve: (options) => oidcResolution("https://accounts.google.com", options),
};
