/**
 * "Continue with …": one button per sign-in provider the server has configured
 * (`GET /auth/oauth/providers`; none, and this shows nothing). A button sends the browser to
 * the provider, which brings it back here; `providerReturn` (keyship.ts) finishes the sign-in
 * as the page loads, and a provider sign-in that failed is explained below the buttons.
 */
import type { OAuthProvider } from "@keyship/client";
import { useEffect, useState } from "react";
import { Notice } from "./components.tsx";
import { keyship, messageOf, providerReturn } from "./keyship.ts";

export function ProviderButtons() {
  const [providers, setProviders] = useState<readonly OAuthProvider[]>([]);
  const [error, setError] = useState("");

  useEffect(() => {
    keyship.listProviders().then(setProviders, () => setProviders([]));
    providerReturn.catch((e: unknown) => setError(messageOf(e)));
  }, []);

  if (providers.length === 0) return <Notice>{error}</Notice>;
  return (
    <div className="stack">
      <p className="muted center small">or continue with</p>
      {providers.map((provider) => (
        <button
          key={provider.id}
          type="button"
          className="ghost"
          onClick={() => keyship.signInWith(provider.id, { returnTo: "/" })}
        >
          {provider.label}
        </button>
      ))}
      <Notice>{error}</Notice>
    </div>
  );
}
