/**
 * Discord: plain OAuth 2 (no ID token). The identity comes from `/users/@me`: the snowflake id,
 * and the email with Discord's `verified` flag.
 * @module
 */
import type { ProviderPreset } from "../model.ts";
import { identityOf, scopesOf, stringField } from "./common.ts";

/** The Discord preset (`KEYSHIP_OAUTH_DISCORD_CLIENT_ID` / `_CLIENT_SECRET`). */
export const discord: ProviderPreset = {
  name: "discord",
  label: "Discord",
  kind: "oauth2",
  resolve(options) {
    const endpoints = {
      authorization: "https://discord.com/oauth2/authorize",
      token: "https://discord.com/api/oauth2/token",
      user: "https://discord.com/api/users/@me",
      ...options.endpoints,
    };
    return {
      issuer: options.issuer ?? "https://discord.com",
      endpoints,
      scopes: scopesOf(options, ["identify", "email"]),
      tokenAuth: "post",
      async readIdentity(fetchJson) {
        const user = await fetchJson(endpoints.user);
        const verified =
          typeof user === "object" && user !== null && (user as { verified?: unknown }).verified;
        return identityOf({
          subject: stringField(user, "id"),
          email: stringField(user, "email"),
          emailVerified: verified === true,
          displayName: stringField(user, "global_name") ?? stringField(user, "username"),
        });
      },
    };
  },
};
