/**
 * The page of the email-change link (`/confirm-email#token=…`, mailed to the new address): one
 * click switches the account to it. It works signed in or not, in any browser; sessions stay.
 */
import { useState } from "react";
import { Link, Notice } from "../components.tsx";
import { keyship } from "../keyship.ts";
import { useLinkToken, useSubmit } from "../router.ts";

export function ConfirmEmail(props: { onConfirmed: () => Promise<void> }) {
  const token = useLinkToken();
  const [email, setEmail] = useState("");
  const { busy, error, run } = useSubmit();

  // A click, not an effect: the token works once, and a page that spent it on load would
  // spend it for any preview that opens the link.
  const confirm = () =>
    run(async () => {
      setEmail((await keyship.confirmEmailChange(token)).email);
      window.history.replaceState(null, "", "/confirm-email");
      await props.onConfirmed();
    });

  return (
    <section className="card narrow">
      <h1>Confirm your new email</h1>
      {email !== "" ? (
        <Notice kind="success">Your account now uses {email}.</Notice>
      ) : token === "" ? (
        <Notice>This page needs the link from the email. Open it from there.</Notice>
      ) : (
        <div className="stack">
          <p className="muted">Use this address to sign in and to recover your account.</p>
          <button type="button" className="primary" onClick={confirm} disabled={busy}>
            Confirm my new email
          </button>
        </div>
      )}
      <Notice>{error}</Notice>
      <p className="muted center">
        <Link to="/">Continue</Link>
      </p>
    </section>
  );
}
