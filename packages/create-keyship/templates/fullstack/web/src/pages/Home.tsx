/** Home: data from the protected API, and what the scoped route answers for this user. */
import type { Me } from "@keyship/client";
import { useEffect, useState } from "react";
import { Link, Notice } from "../components.tsx";
import { getJson, messageOf } from "../keyship.ts";

interface Hello {
  readonly message: string;
  readonly role: string;
  readonly scopes: readonly string[];
  readonly serverTime: string;
}

interface Reports {
  readonly reports: ReadonlyArray<{ id: string; title: string; total: number }>;
}

export function Home(props: { me: Me }) {
  const [hello, setHello] = useState<Hello>();
  const [reports, setReports] = useState<Reports | "forbidden">();
  const [error, setError] = useState("");

  useEffect(() => {
    getJson<Hello>("/api/hello").then(
      ({ body }) => setHello(body),
      (e) => setError(messageOf(e)),
    );
    getJson<Reports>("/api/reports").then(
      ({ status, body }) => setReports(status === 200 ? body : "forbidden"),
      (e) => setError(messageOf(e)),
    );
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
