/**
 * "Lost your passkey?": the account's email and one recovery code, or the emailed recovery link
 * (`/recover#token=…`, with KEYSHIP_RECOVERY_EMAIL_ENABLED). Either way the browser then
 * creates a new passkey and this device is signed in; every other device and session is
 * signed out.
 */
import { type FormEvent, useState } from "react";
import { Link, Notice } from "../components.tsx";
import { keyship, recoveryEmailEnabled } from "../keyship.ts";
import { useLinkToken, useSubmit } from "../router.ts";

export function Recover(props: { onRecovered: () => Promise<void> }) {
  const token = useLinkToken();
  return (
    <section className="card narrow">
      <h1>Lost your passkey?</h1>
      {token === "" ? <WithCode {...props} /> : <WithLink token={token} {...props} />}
      <p className="muted center">
        Found it? <Link to="/signin">Sign in</Link>
      </p>
    </section>
  );
}

/** The emailed link's page: one button, and the new passkey. */
function WithLink(props: { token: string; onRecovered: () => Promise<void> }) {
  const { busy, error, run } = useSubmit();
  const recover = () =>
    run(async () => {
      await keyship.recoverAccount({ token: props.token });
      window.history.replaceState(null, "", "/recover");
      await props.onRecovered();
    });
  return (
    <div className="stack">
      <p className="muted">
        Your device creates a new passkey for your account, and every other device is signed out.
      </p>
      <button type="button" className="primary" onClick={recover} disabled={busy}>
        Create a new passkey
      </button>
      <Notice>{error}</Notice>
    </div>
  );
}

/** An email and a recovery code; or, when offered, a recovery link by email. */
function WithCode(props: { onRecovered: () => Promise<void> }) {
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");
  const [sent, setSent] = useState("");
  const { busy, error, run } = useSubmit();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await keyship.recoverAccount({ email, code });
      await props.onRecovered();
    });
  };
  const sendLink = () =>
    run(async () => {
      setSent("");
      await keyship.requestRecoveryEmail(email);
      setSent(`If ${email} belongs to an account, we sent it a recovery link.`);
    });

  return (
    <>
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
        {recoveryEmailEnabled && (
          <button
            type="button"
            className="secondary"
            disabled={busy || email === ""}
            onClick={sendLink}
          >
            No codes? Email me a recovery link
          </button>
        )}
      </form>
      <Notice kind="success">{sent}</Notice>
      <Notice>{error}</Notice>
    </>
  );
}
