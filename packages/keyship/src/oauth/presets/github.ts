/**
 * GitHub: plain OAuth 2 (no ID token). The identity comes from the REST API: the numeric user
 * id from `/user`, the email from `/user/emails` — only the primary one, and only if GitHub
 * has verified it. GitHub Enterprise sets the endpoints by option.
 * @module
 */
import type { ProviderPreset } from "../model.ts";
import { identityOf, scopesOf, stringField } from "./common.ts";

/** The primary email of a `/user/emails` answer, when it is verified. */
function primaryVerified(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const primary = emails.find(
    (e) => typeof e === "object" && e !== null && e.primary === true && e.verified === true,
  );
  return stringField(primary, "email");
}

/** The GitHub preset (`KEYSHIP_OAUTH_GITHUB_CLIENT_ID` / `_CLIENT_SECRET`). */
export const github: ProviderPreset = {
  name: "github",
  label: "GitHub",
  kind: "oauth2",
  resolve(options) {
    const endpoints = {
      authorization: "https://github.com/login/oauth/authorize",
      token: "https://github.com/login/oauth/access_token",
      user: "https://api.github.com/user",
      emails: "https://api.github.com/user/emails",
      ...options.endpoints,
    };
    return {
      issuer: options.issuer ?? "https://github.com",
      endpoints,
      scopes: scopesOf(options, ["read:user", "user:email"]),
      tokenAuth: "post",
      async readIdentity(fetchJson) {
        const user = await fetchJson(endpoints.user);
        const email = primaryVerified(await fetchJson(endpoints.emails));
        return identityOf({
          subject: stringField(user, "id"),
          email,
          emailVerified: email !== null,
          displayName: stringField(user, "name") ?? stringField(user, "login"),
        });
      },
    };
  },
};
