/** Sign up: email and name, then the browser creates a passkey. No password to remember. */
import { type FormEvent, useState } from "react";
import { Link, Notice } from "../components.tsx";
import { keyship, passwordsEnabled } from "../keyship.ts";
import { useSubmit } from "../router.ts";

export function SignUp(props: { onSignedIn: () => Promise<void> }) {
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const submit = useSubmit();
  const { busy, error } = submit;

  const run = (ceremony: () => Promise<unknown>) =>
    submit.run(async () => {
      await ceremony();
      await props.onSignedIn();
    });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run(() => keyship.register({ email, displayName }));
  };

  return (
    <section className="card narrow">
      <h1>Create your account</h1>
      <p className="muted">
        Your device creates a passkey: sign in with your face, fingerprint or screen lock.
      </p>
      <form onSubmit={onSubmit} className="stack">
        <label>
          Email
          <input
            type="email"
            required
            autoComplete="username"
            placeholder="you@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Name
          <input
            required
            autoComplete="name"
            placeholder="Ada Lovelace"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Sign up with a passkey
        </button>
        {passwordsEnabled && (
          <details>
            <summary>Use a password instead</summary>
            <label>
              Password
              <input
                type="password"
                autoComplete="new-password"
                minLength={12}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() =>
                void run(() => keyship.registerWithPassword({ email, password, displayName }))
              }
            >
              Sign up with a password
            </button>
          </details>
        )}
      </form>
      <Notice>{error}</Notice>
      <p className="muted center">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}
