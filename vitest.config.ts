import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["keyship-source"] },
  ssr: { resolve: { conditions: ["keyship-source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "e2e/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // CI prints every test, so its log shows each database suite ran on SQLite and PostgreSQL.
    reporters: process.env.CI === "true" ? ["verbose"] : ["default"],
  },
});
