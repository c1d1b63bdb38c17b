/**
 * The security page's email address: the current one, and a change confirmed from the new
 * mailbox (the link opens /confirm-email). The request needs a fresh passkey proof.
 */
import type { Me } from "@keyship/client";
import { type FormEvent, useState } from "react";
import { Notice } from "../components.tsx";
import { keyship, sensitive } from "../keyship.ts";
import { useSubmit } from "../router.ts";

export function EmailAddress(props: { me: Me }) {
  const [newEmail, setNewEmail] = useState("");
  const [sent, setSent] = useState("");
  const { busy, error, run } = useSubmit();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      setSent("");
      await sensitive(() => keyship.changeEmail(newEmail));
      setSent(`We sent a link to ${newEmail}. Open it to switch to the new address.`);
      setNewEmail("");
    });
  };

  return (
    <section className="card" aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      <p className="muted" data-testid="current-email">
        {props.me.email ?? "No email address yet."}
      </p>
      <form onSubmit={onSubmit} className="email-form">
        <label>
          New email
          <input
            type="email"
            name="newEmail"
            required
            autoComplete="email"
            value={newEmail}
            onChange={(e) => setNewEmail(e.target.value)}
          />
        </label>
        <button type="submit" className="secondary small" disabled={busy}>
          Change email
        </button>
      </form>
      <Notice kind="success">{sent}</Notice>
      <Notice>{error}</Notice>
    </section>
  );
}
