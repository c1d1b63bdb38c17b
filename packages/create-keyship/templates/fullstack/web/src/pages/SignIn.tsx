/** Sign in: passkey autofill in the email field, a passkey button, and (optionally) a password. */
import { isAutofillDismissal } from "@keyship/client";
import { type FormEvent, useEffect, useState } from "react";
import { Link, Notice } from "../components.tsx";
import { keyship, messageOf, passwordsEnabled } from "../keyship.ts";
import { ProviderButtons } from "../ProviderButtons.tsx";
import { useSubmit } from "../router.ts";

export function SignIn(props: { onSignedIn: () => Promise<void> }) {
  const { busy, error, setError, run } = useSubmit();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  // Offer passkeys in the email field's autofill as soon as the page shows. A request that is
  // dismissed, times out unseen, is replaced by the button's, or has no autofill to run in is
  // not an error to show (a first-time visitor has no passkey to pick).
  useEffect(() => {
    keyship.loginWithAutofill("#email").then(props.onSignedIn, (e: unknown) => {
      if (!isAutofillDismissal(e)) setError(messageOf(e));
    });
  }, [props.onSignedIn, setError]);

  const withPasskey = () =>
    run(async () => {
      await keyship.login();
      await props.onSignedIn();
    });

  const withPassword = (event: FormEvent) => {
    event.preventDefault();
    if (!passwordsEnabled) return withPasskey();
    return run(async () => {
      await keyship.loginWithPassword({ email, password });
      await props.onSignedIn();
    });
  };

  return (
    <section className="card narrow">
      <h1>Welcome back</h1>
      <p className="muted">Sign in with the passkey saved on this device or your phone.</p>
      <form onSubmit={withPassword} className="stack">
        <label>
          Email
          <input
            id="email"
            type="email"
            name="email"
            autoComplete="username webauthn"
            placeholder="you@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        {passwordsEnabled && (
          <label>
            Password
            <input
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
        )}
        {passwordsEnabled && (
          <button type="submit" className="secondary" disabled={busy}>
            Sign in with password
          </button>
        )}
      </form>
      <button type="button" className="primary" onClick={withPasskey} disabled={busy}>
        Sign in with a passkey
      </button>
      <Notice>{error}</Notice>
      <ProviderButtons />
      <p className="muted center">
        New here? <Link to="/signup">Create an account</Link>
      </p>
      <p className="muted center">
        Lost your passkey? <Link to="/recover">Use a recovery code</Link>
      </p>
    </section>
  );
}
