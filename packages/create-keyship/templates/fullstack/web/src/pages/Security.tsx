/**
 * Security: the user's passkeys (add, rename, remove), recovery codes, the email address
 * (change), the linked sign-in providers (link, remove), signed-in devices (sign out), and
 * deleting the account. Back from a provider (a link, or a step-up through one), it says how
 * that went.
 */
import type { Device, Me, Passkey } from "@keyship/client";
import { useCallback, useEffect, useState } from "react";
import { Notice, when } from "../components.tsx";
import { ConfirmButton, InlineRename } from "../inline.tsx";
import { keyship, messageOf, providerReturn, sensitive } from "../keyship.ts";
import { DeleteAccount } from "./DeleteAccount.tsx";
import { EmailAddress } from "./EmailAddress.tsx";
import { LinkedAccounts } from "./LinkedAccounts.tsx";
import { RecoveryCodes } from "./RecoveryCodes.tsx";

export function Security(props: { me: Me; onSignedOut: () => Promise<void> }) {
  const [passkeys, setPasskeys] = useState<readonly Passkey[]>([]);
  const [devices, setDevices] = useState<readonly Device[]>([]);
  const [error, setError] = useState("");
  const [success, setSuccess] = useState("");
  const [renaming, setRenaming] = useState<string | undefined>();
  const [version, setVersion] = useState(0);

  const load = useCallback(async () => {
    const [p, d] = await Promise.all([keyship.listPasskeys(), keyship.listDevices()]);
    setPasskeys(p.filter((k) => k.revokedAt === null));
    setDevices(d.filter((k) => k.revokedAt === null));
  }, []);

  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, [load]);

  useEffect(() => {
    providerReturn.then(
      (outcome) => {
        if (outcome?.kind === "linked") setSuccess("Provider linked: you can sign in with it.");
        if (outcome?.kind === "stepped_up") setSuccess("Confirmed. You can make the change now.");
      },
      (e: unknown) => setError(messageOf(e)),
    );
  }, []);

  const act = async (action: () => Promise<unknown>, done: string) => {
    setError("");
    setSuccess("");
    try {
      await sensitive(action);
      setSuccess(done);
      await load();
      setVersion((v) => v + 1);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  // The server names a new passkey after its provider (iCloud Keychain, Google Password Manager…).
  const addPasskey = () => act(() => keyship.addPasskey(), "Passkey added.");
  const rename = async (passkey: Passkey, name: string) => {
    setRenaming(undefined);
    await act(() => keyship.renamePasskey(passkey.id, name), "Passkey renamed.");
  };
  const revokeDevice = async (device: Device) => {
    if (device.current) return props.onSignedOut();
    await act(() => keyship.revokeDevice(device.id), "Device signed out.");
  };

  return (
    <div className="stack-lg">
      <section className="hero">
        <p className="eyebrow">Security</p>
        <h1>Passkeys and devices</h1>
        <p className="muted">Signed in as {props.me.email}</p>
      </section>
      <Notice>{error}</Notice>
      <Notice kind="success">{success}</Notice>

      <section className="card" aria-labelledby="passkeys-title">
        <div className="card-head">
          <h2 id="passkeys-title">Passkeys</h2>
          <button type="button" className="primary small" onClick={addPasskey}>
            Add a passkey
          </button>
        </div>
        <ul className="list" aria-label="passkeys">
          {passkeys.map((p) => (
            <li key={p.id} data-testid="passkey">
              {renaming === p.id ? (
                <InlineRename
                  value={p.name ?? ""}
                  label="Passkey name"
                  maxLength={64}
                  onSave={(name) => rename(p, name)}
                  onCancel={() => setRenaming(undefined)}
                />
              ) : (
                <div>
                  <strong>{p.name ?? "Passkey"}</strong>
                  {p.backedUp && <span className="badge">synced</span>}
                  <div className="muted small">
                    Added {when(p.createdAt)} · last used {when(p.lastUsedAt)}
                  </div>
                </div>
              )}
              <div className="actions">
                {renaming !== p.id && (
                  <button type="button" className="ghost small" onClick={() => setRenaming(p.id)}>
                    Rename
                  </button>
                )}
                <ConfirmButton
                  label="Remove"
                  question={`Remove ${p.name ?? "this passkey"}? It will no longer sign you in.`}
                  confirm="Remove passkey"
                  className="danger small"
                  onConfirm={() => act(() => keyship.revokePasskey(p.id), "Passkey removed.")}
                />
              </div>
            </li>
          ))}
        </ul>
      </section>

      <RecoveryCodes />

      <EmailAddress me={props.me} />

      <LinkedAccounts key={version} act={act} />

      <section className="card" aria-labelledby="devices-title">
        <div className="card-head">
          <h2 id="devices-title">Devices</h2>
          {devices.length > 1 && (
            <ConfirmButton
              label="Sign out other devices"
              question="Sign out every other device?"
              confirm="Sign them out"
              className="ghost small"
              onConfirm={() => act(() => keyship.revokeOtherDevices(), "Other devices signed out.")}
            />
          )}
        </div>
        <ul className="list" aria-label="devices">
          {devices.map((d) => (
            <li key={d.id} data-testid="device">
              <div>
                <strong>{d.label ?? "Browser"}</strong>
                {d.current && <span className="badge badge-accent">this device</span>}
                <div className="muted small">
                  Signed in {when(d.createdAt)} · last seen {when(d.lastSeenAt)}
                </div>
              </div>
              <div className="actions">
                <button type="button" className="danger small" onClick={() => revokeDevice(d)}>
                  Sign out
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>

      <DeleteAccount onDeleted={props.onSignedOut} />
    </div>
  );
}
