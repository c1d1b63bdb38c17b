/** Home: data from the protected API, and what the scoped route answers for this user. */
import type { Me } from "@keyship/client";
import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "react";
import { api } from "../api.ts";
import { Link, Notice } from "../components.tsx";
import { keyship, messageOf } from "../keyship.ts";

type Hello = InferResponseType<typeof api.hello.$get, 200>;
type Reports = InferResponseType<typeof api.reports.$get, 200>;

export function Home(props: { me: Me }) {
  const [hello, setHello] = useState<Hello>();
  const [reports, setReports] = useState<Reports | "forbidden">();
  const [error, setError] = useState("");
  const [needsCodes, setNeedsCodes] = useState(false);

  useEffect(() => {
    // A new account has no recovery codes yet: offer them (a lost device needs one).
    keyship.recoveryCodesLeft().then(
      (left) => setNeedsCodes(left.remaining === 0),
      () => setNeedsCodes(false),
    );
    api.hello
      .$get()
      .then(async (response) => {
        if (response.ok) setHello(await response.json());
        else setError(`The API answered ${response.status}.`);
      })
      .catch((e) => setError(messageOf(e)));
    api.reports
      .$get({ query: {} })
      .then(async (response) => setReports(response.ok ? await response.json() : "forbidden"))
      .catch((e) => setError(messageOf(e)));
  }, []);

  const name = props.me.displayName ?? props.me.email ?? "there";
  return (
    <div className="stack-lg">
      <section className="hero">
        <p className="eyebrow">Signed in with a passkey</p>
        <h1>Hi, {name}</h1>
        <p className="muted">
          Every request below is signed by a key that never leaves this browser.{" "}
          <Link to="/security">Manage passkeys and devices</Link>
        </p>
      </section>
      <Notice>{error}</Notice>
      {needsCodes && (
        <p className="notice notice-success" data-testid="recovery-offer">
          Save recovery codes now: if you lose this device, one of them gets you back in.{" "}
          <Link to="/security">Create recovery codes</Link>
        </p>
      )}
      <div className="grid">
        <section className="card" aria-labelledby="api-title">
          <h2 id="api-title">
            Protected API <code>GET /api/hello</code>
          </h2>
          {hello === undefined ? (
            <p className="muted">Loading…</p>
          ) : (
            <>
              <p data-testid="api-message">{hello.message}</p>
              <dl className="facts">
                <dt>Role</dt>
                <dd>
                  <span className={`badge ${hello.role === "admin" ? "badge-accent" : ""}`}>
                    {hello.role}
                  </span>
                </dd>
                <dt>Scopes</dt>
                <dd>{hello.scopes.length === 0 ? "none" : hello.scopes.join(", ")}</dd>
                <dt>Server time</dt>
                <dd>{new Date(hello.serverTime).toLocaleTimeString()}</dd>
              </dl>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="reports-title">
          <h2 id="reports-title">
            Scoped API <code>GET /api/reports</code>
          </h2>
          {reports === undefined ? (
            <p className="muted">Loading…</p>
          ) : reports === "forbidden" ? (
            <p className="muted">
              Needs the <code>reports:read</code> scope. Grant it from the api folder:{" "}
              <code>npx keyship users scopes add {props.me.email ?? "<email>"} reports:read</code>
            </p>
          ) : (
            <ul className="list">
              {reports.reports.map((r) => (
                <li key={r.id}>
                  <span>{r.title}</span>
                  <strong>{r.total.toLocaleString()}</strong>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
