/** Admin: numbers only admins may see (`GET /api/admin/stats`, guarded by requireAdmin()). */
import { useEffect, useState } from "react";
import { Notice } from "../components.tsx";
import { getJson, messageOf } from "../keyship.ts";

interface Stats {
  readonly users: number;
  readonly passkeys: number;
  readonly devices: number;
}

export function Admin() {
  const [stats, setStats] = useState<Stats>();
  const [error, setError] = useState("");

  useEffect(() => {
    getJson<Stats>("/api/admin/stats").then(
      ({ status, body }) => (status === 200 ? setStats(body) : setError("Admins only.")),
      (e) => setError(messageOf(e)),
    );
  }, []);

  return (
    <div className="stack-lg">
      <section className="hero">
        <p className="eyebrow">Admin</p>
        <h1>Overview</h1>
      </section>
      <Notice>{error}</Notice>
      {stats !== undefined && (
        <div className="stats">
          {(["users", "passkeys", "devices"] as const).map((key) => (
            <div className="card stat" key={key}>
              <span className="stat-value">{stats[key]}</span>
              <span className="muted">{key}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
