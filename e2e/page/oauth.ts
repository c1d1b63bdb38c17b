/**
 * The test page's provider sign-in: the SDK's OAuth methods for `window.e2e`, and a row of
 * buttons (one sign-in and one link button per provider of `GET /auth/oauth/providers`) that
 * send the browser to the provider the way an app's sign-in page does. A button that fails
 * before leaving the page writes the error code to `#oauth[data-error]`.
 * @module
 */

import { isKeyshipError, type KeyshipClient } from "@keyship/client";

/** Where the provider sends the browser back: the test page itself. */
const RETURN_TO = "/";

function button(label: string, data: string, id: string, onClick: () => Promise<void>) {
  const node = document.createElement("button");
  node.type = "button";
  node.textContent = label;
  node.dataset[data] = id;
  node.addEventListener("click", () => {
    onClick().catch((error: unknown) => {
      const holder = document.querySelector<HTMLElement>("#oauth");
      if (holder !== null)
        holder.dataset.error = isKeyshipError(error) ? error.code : String(error);
    });
  });
  return node;
}

/**
 * The OAuth part of the page's API.
 * @param ks the page's client
 */
export function oauthPageApi(ks: KeyshipClient) {
  return {
    listProviders: () => ks.listProviders(),
    /** Reads and clears the `#keyship_oauth…` fragment the provider round trip came back with. */
    completeOAuth: () => ks.completeOAuth(),
    listAccounts: () => ks.listAccounts(),
    unlinkAccount: (id: string) => ks.unlinkAccount(id),
    /** Shows `[data-sign-in-with=<id>]` and `[data-link=<id>]` buttons; returns the ids. */
    showProviderButtons: async (): Promise<string[]> => {
      const providers = await ks.listProviders();
      const holder = document.createElement("nav");
      holder.id = "oauth";
      for (const { id, label } of providers) {
        holder.append(
          button(`Sign in with ${label}`, "signInWith", id, async () =>
            ks.signInWith(id, { returnTo: RETURN_TO }),
          ),
          button(`Link ${label}`, "link", id, () => ks.linkAccount(id, { returnTo: RETURN_TO })),
        );
      }
      document.querySelector("#oauth")?.remove();
      document.body.append(holder);
      return providers.map((provider) => provider.id);
    },
  };
}
