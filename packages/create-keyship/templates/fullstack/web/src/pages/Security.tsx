/**
 * Security: the user's passkeys (add, rename, remove), recovery codes, and signed-in devices
 * (sign out).
 */
import type { Device, Me, Passkey } from "@keyship/client";
import { useCallback, useEffect, useState } from "react";
import { Notice, when } from "../components.tsx";
import { keyship, messageOf, sensitive } from "../keyship.ts";
import { RecoveryCodes } from "./RecoveryCodes.tsx";

export function Security(props: { me: Me; onSignedOut: () => Promise<void> }) {
  const [passkeys, setPasskeys] = useState<readonly Passkey[]>([]);
  const [devices, setDevices] = useState<readonly Device[]>([]);
  const [error, setError] = useState("");
  const [success, setSuccess] = useState("");

  const load = useCallback(async () => {
    const [p, d] = await Promise.all([keyship.listPasskeys(), keyship.listDevices()]);
    setPasskeys(p.filter((k) => k.revokedAt === null));
    setDevices(d.filter((k) => k.revokedAt === null));
  }, []);

  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, [load]);

  const act = async (action: () => Promise<unknown>, done: string) => {
    setError("");
    setSuccess("");
    try {
      await sensitive(action);
      setSuccess(done);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const addPasskey = () =>
    act(() => keyship.addPasskey({ name: `Passkey ${passkeys.length + 1}` }), "Passkey added.");
  const rename = (passkey: Passkey) => {
    const name = window.prompt("Name this passkey", passkey.name ?? "");
    if (name) void act(() => keyship.renamePasskey(passkey.id, name), "Passkey renamed.");
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
              <div>
                <strong>{p.name ?? "Passkey"}</strong>
                {p.backedUp && <span className="badge">synced</span>}
                <div className="muted small">
                  Added {when(p.createdAt)} · last used {when(p.lastUsedAt)}
                </div>
              </div>
              <div className="actions">
                <button type="button" className="ghost small" onClick={() => rename(p)}>
                  Rename
                </button>
                <button
                  type="button"
                  className="danger small"
                  onClick={() => act(() => keyship.revokePasskey(p.id), "Passkey removed.")}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      </section>

      <RecoveryCodes />

      <section className="card" aria-labelledby="devices-title">
        <div className="card-head">
          <h2 id="devices-title">Devices</h2>
          {devices.length > 1 && (
            <button
              type="button"
              className="ghost small"
              onClick={() => act(() => keyship.revokeOtherDevices(), "Other devices signed out.")}
            >
              Sign out other devices
            </button>
          )}
        </div>
        <ul className="list" aria-label="devices">
          {devices.map((d) => (
            <li key={d.id} data-testid="device">
              <div>
                <strong>{d.label ?? shortAgent(d.userAgent)}</strong>
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
    </div>
  );
}

function shortAgent(userAgent: string | null): string {
  if (userAgent === null) return "Unknown browser";
  const browser = /(Firefox|Edg|Chrome|Safari)\/[\d.]+/.exec(userAgent)?.[1] ?? "Browser";
  const os = /(Windows|Mac OS X|Android|iPhone|Linux)/.exec(userAgent)?.[1] ?? "";
  return `${browser === "Edg" ? "Edge" : browser}${os ? ` on ${os.replace("Mac OS X", "macOS")}` : ""}`;
}
