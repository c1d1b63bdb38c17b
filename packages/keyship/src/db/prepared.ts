/**
 * Queries built and compiled once, then run with new values. On the hot paths (a refresh, a
 * passkey sign-in, every audit row) building a query with Kysely's builder and compiling it to
 * SQL costs about as much CPU as SQLite running it; a prepared query does both once per
 * dialect and afterwards only substitutes its parameters (docs/architecture.md, "Decision:
 * prepared hot queries").
 * @module
 */
import { type Compilable, type CompiledQuery, createQueryId, type QueryResult } from "kysely";
import type { Database, DB } from "./schema.ts";

/** Stands for one named value while the query is compiled. */
class Slot {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/** The compiled SQL and, per parameter, the value's name or a constant of the query. */
interface Template {
  readonly query: CompiledQuery["query"];
  readonly sql: string;
  readonly parameters: ReadonlyArray<unknown>;
}

function compileTemplate<P extends object>(
  db: DB,
  build: (db: DB, values: P) => Compilable<unknown>,
): Template {
  const used = new Set<string>();
  const slots = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (typeof name !== "string") return undefined;
        used.add(name);
        return new Slot(name);
      },
    },
  ) as P;
  const compiled = build(db, slots).compile();
  const bound = new Set(
    compiled.parameters.filter((p): p is Slot => p instanceof Slot).map((p) => p.name),
  );
  const lost = [...used].filter((name) => !bound.has(name));
  // A value the dialect inlined into the SQL (or read by the builder itself) would be frozen
  // into every later run: refuse it instead.
  if (lost.length > 0) {
    throw new Error(`prepared query: ${lost.join(", ")} did not become parameters`);
  }
  return { query: compiled.query, sql: compiled.sql, parameters: compiled.parameters };
}

/**
 * Prepares a query: `build` runs once per dialect with stand-ins for the values, and each call
 * runs the compiled SQL with the values given. `build` must use each value only as a value
 * (a comparison's operand, a column's new value), never branch on it or hand it to `sql.lit`:
 * a value that does not end up as a bound parameter is refused when the query is compiled.
 * An optional value is passed as `null` (an insert's column list does not shrink).
 *
 * @param build the query, from the database (or transaction) and the named values
 * @returns a function running the query on a database or transaction with the values given
 * @example
 * const findEmail = prepared((db, v: { id: string }) =>
 *   db.selectFrom("users").select("email").where("id", "=", v.id),
 * );
 * const { rows } = await findEmail(db, { id: userId });
 */
export function prepared<P extends object, R>(
  build: (db: DB, values: P) => Compilable<R>,
): (db: DB, values: P) => Promise<QueryResult<R>> {
  // Per dialect adapter, which a database shares with its transactions.
  const templates = new WeakMap<object, Template>();
  return async (db, values) => {
    const executor = db.getExecutor();
    // Plugins rewrite each query's tree before it is compiled: build it every time then.
    if (executor.plugins.length > 0) return db.executeQuery<R>(build(db, values));
    const adapter = executor.adapter;
    let template = templates.get(adapter);
    if (template === undefined) {
      template = compileTemplate(db, build);
      templates.set(adapter, template);
    }
    const parameters = template.parameters.map((p) =>
      p instanceof Slot ? (values as Record<string, unknown>)[p.name] : p,
    );
    return db.executeQuery<R>({
      query: template.query,
      queryId: createQueryId(),
      sql: template.sql,
      parameters,
    });
  };
}

/**
 * A prepared insert of one row of `table`: every column of `columns` is bound, an absent or
 * undefined value as null (so list every column the row type has, and none with a database
 * default the row may leave out).
 * @param table the table
 * @param columns the columns, in the insert's order
 * @example
 * const insertDevice = preparedInsert("devices", ["id", "user_id", "public_jwk", ...]);
 * await insertDevice(trx, row);
 */
export function preparedInsert<T extends keyof Database & string>(
  table: T,
  columns: ReadonlyArray<keyof Database[T] & string>,
): (db: DB, row: Database[T]) => Promise<void> {
  const insert = prepared((db, v: Database[T]) =>
    db.insertInto(table).values(Object.fromEntries(columns.map((c) => [c, v[c]])) as never),
  );
  return async (db, row) => {
    await insert(db, row);
  };
}
