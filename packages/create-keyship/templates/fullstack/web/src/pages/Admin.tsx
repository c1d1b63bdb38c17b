/** Admin: numbers only admins may see (`GET /api/admin/stats`, guarded by requireAdmin()). */
import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "react";
import { api } from "../api.ts";
import { Notice } from "../components.tsx";
import { messageOf } from "../keyship.ts";

type Stats = InferResponseType<typeof api.admin.stats.$get, 200>;

export function Admin() {
  const [stats, setStats] = useState<Stats>();
  const [error, setError] = useState("");

  useEffect(() => {
    api.admin.stats
      .$get()
      .then(async (response) =>
        response.ok ? setStats(await response.json()) : setError("Admins only."),
      )
      .catch((e) => setError(messageOf(e)));
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
