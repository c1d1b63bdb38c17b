/**
 * Recovery codes on the security page: how many are left, and a new set shown once. A user who
 * loses every passkey gets back in with one of them ("Lost your passkey?" on the sign-in page).
 */
import type { RecoveryCodesLeft } from "@keyship/client";
import { useCallback, useEffect, useState } from "react";
import { Notice } from "../components.tsx";
import { keyship, messageOf, sensitive } from "../keyship.ts";

export function RecoveryCodes() {
  const [left, setLeft] = useState<RecoveryCodesLeft | undefined>(undefined);
  const [codes, setCodes] = useState<readonly string[]>([]);
  const [error, setError] = useState("");

  const load = useCallback(async () => setLeft(await keyship.recoveryCodesLeft()), []);
  useEffect(() => {
    load().catch((e) => setError(messageOf(e)));
  }, [load]);

  const create = async () => {
    setError("");
    try {
      setCodes((await sensitive(() => keyship.createRecoveryCodes())).codes);
      await load();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const none = left !== undefined && left.remaining === 0;
  return (
    <section className="card" aria-labelledby="recovery-title">
      <div className="card-head">
        <h2 id="recovery-title">Recovery codes</h2>
        <button type="button" className={none ? "primary small" : "ghost small"} onClick={create}>
          {none ? "Create recovery codes" : "Make new codes"}
        </button>
      </div>
      {none && codes.length === 0 && (
        <p className="notice notice-error" data-testid="recovery-offer">
          If you lose this device and your passkeys, a recovery code is your way back in. Create
          your codes now and keep them somewhere safe.
        </p>
      )}
      {left !== undefined && !none && (
        <p className="muted" data-testid="recovery-left">
          {left.remaining} of 10 codes left. Making new codes replaces them all.
        </p>
      )}
      {codes.length > 0 && (
        <div className="stack">
          <p className="muted">
            Save these codes now: they are shown only once. Each one works once.
          </p>
          <ul className="codes" aria-label="recovery codes">
            {codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
          <button type="button" className="secondary small" onClick={() => setCodes([])}>
            I saved them
          </button>
        </div>
      )}
      <Notice>{error}</Notice>
    </section>
  );
}
