/**
 * "Lost your passkey?": the account's email and one recovery code; the browser then creates a
 * new passkey and this device is signed in. Every other device and session is signed out.
 */
import { type FormEvent, useState } from "react";
import { Link, Notice } from "../components.tsx";
import { keyship, messageOf } from "../keyship.ts";

export function Recover(props: { onRecovered: () => Promise<void> }) {
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      await keyship.recoverAccount({ email, code });
      await props.onRecovered();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card narrow">
      <h1>Lost your passkey?</h1>
      <p className="muted">
        Enter your email and one of your recovery codes. Your device then creates a new passkey, and
        every other device is signed out.
      </p>
      <form onSubmit={onSubmit} className="stack">
        <label>
          Email
          <input
            type="email"
            name="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label>
          Recovery code
          <input
            name="code"
            autoComplete="off"
            spellCheck={false}
            placeholder="xxxx-xxxx-xxxx-xxxx"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Recover my account
        </button>
      </form>
      <Notice>{error}</Notice>
      <p className="muted center">
        Found it? <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}
