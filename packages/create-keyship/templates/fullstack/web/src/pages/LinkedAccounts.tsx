/**
 * Sign-in providers on the security page: the provider accounts linked to this account (each
 * can be removed, never the last way to sign in) and a "Link …" button for each configured
 * provider not linked yet. Both are sensitive actions: the page's `act` asks for a fresh proof.
 * Nothing shows when the API has no provider configured. The page remounts it (a new `key`)
 * after each of its actions, so the list is fresh.
 */
import type { LinkedAccount, OAuthProvider } from "@keyship/client";
import { useEffect, useState } from "react";
import { when } from "../components.tsx";
import { ConfirmButton } from "../inline.tsx";
import { keyship } from "../keyship.ts";

export function LinkedAccounts(props: {
  /** Runs a sensitive action and reports it (Security's `act`). */
  act: (action: () => Promise<unknown>, done: string) => Promise<void>;
}) {
  const [providers, setProviders] = useState<readonly OAuthProvider[]>([]);
  const [accounts, setAccounts] = useState<readonly LinkedAccount[]>([]);

  useEffect(() => {
    keyship.listProviders().then(setProviders, () => setProviders([]));
    keyship.listAccounts().then(setAccounts, () => setAccounts([]));
  }, []);

  if (providers.length === 0 && accounts.length === 0) return null;
  const unlinked = providers.filter((p) => !accounts.some((a) => a.provider === p.id));

  return (
    <section className="card" aria-labelledby="providers-title">
      <div className="card-head">
        <h2 id="providers-title">Sign-in providers</h2>
      </div>
      <ul className="list" aria-label="linked accounts">
        {accounts.map((a) => (
          <li key={a.id} data-testid="linked-account">
            <div>
              <strong>{a.label}</strong>
              {a.email !== null && <span className="muted"> · {a.email}</span>}
              <div className="muted small">
                Linked {when(a.createdAt)} · last used {when(a.lastUsedAt)}
              </div>
            </div>
            <div className="actions">
              <ConfirmButton
                label="Remove"
                question={`Stop signing in with ${a.label}?`}
                confirm={`Remove ${a.label}`}
                className="danger small"
                onConfirm={() =>
                  props.act(() => keyship.unlinkAccount(a.id), `${a.label} removed.`)
                }
              />
            </div>
          </li>
        ))}
      </ul>
      {unlinked.length > 0 && (
        <div className="actions">
          {unlinked.map((p) => (
            <button
              key={p.id}
              type="button"
              className="ghost small"
              onClick={() => props.act(() => keyship.linkAccount(p.id), "")}
            >
              Link {p.label}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
