/**
 * The databases every database suite runs on: SQLite always, PostgreSQL when
 * KEYSHIP_TEST_POSTGRES_URL is set. Under CI=true a missing URL fails the run instead of
 * skipping it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

const postgresUrl = process.env.KEYSHIP_TEST_POSTGRES_URL;

if (process.env.CI === "true" && (postgresUrl === undefined || postgresUrl === "")) {
  throw new Error(
    "CI=true but KEYSHIP_TEST_POSTGRES_URL is not set: the PostgreSQL suite must run.",
  );
}

/** A database for one suite, and how to drop it afterwards. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A dialect the suites run on. */
export interface TestDialect {
  readonly name: "sqlite" | "postgres";
  /** Creates an empty database for one suite. */
  create(): Promise<TestDatabase>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const sqlite: TestDialect = {
  name: "sqlite",
  create: async () => ({ url: "sqlite::memory:", drop: async () => {} }),
};

const postgres: TestDialect = {
  name: "postgres",
  async create() {
    const name = `keyship_t_${randomBytes(6).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(postgresUrl as string);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  },
};

/** SQLite, plus PostgreSQL when configured: use with `describe.each(dialects)`. */
export const dialects: readonly TestDialect[] =
  postgresUrl === undefined || postgresUrl === "" ? [sqlite] : [sqlite, postgres];
