/**
 * Keeps docs/ complete: every route of /openapi.json, every setting of the config schema
 * (variable, option name and default), every field of the dynamic variable groups and every
 * audit action must be documented.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "../../src/audit/model.ts";
import type { EnvGroupField } from "../../src/config/env-groups.ts";
import { ENV_GROUPS, SETTINGS } from "../../src/config/schema.ts";
import { PROBLEM_CATALOG } from "../../src/errors.ts";
import { testApp } from "../helpers/app.ts";

const docsDir = join(import.meta.dirname, "../../../../docs");
const allDocs = readdirSync(docsDir)
  .filter((f) => f.endsWith(".md"))
  .map((f) => readFileSync(join(docsDir, f), "utf8"))
  .join("\n");
const configuration = readFileSync(join(docsDir, "configuration.md"), "utf8");
const errors = readFileSync(join(docsDir, "errors.md"), "utf8");
const audit = readFileSync(join(docsDir, "audit.md"), "utf8");

describe("docs coverage", () => {
  const app = testApp("sqlite::memory:");
  afterAll(() => app.keyship.close());

  it("documents every route in /openapi.json", async () => {
    const doc = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const missing = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .map((m) => `${m.toUpperCase()} ${path}`)
        .filter(() => !allDocs.includes(path)),
    );
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(SETTINGS))(
    "documents the setting %s with its variable and default",
    (name, spec) => {
      const row = configuration.split("\n").find((line) => line.includes(`\`${spec.env}\``));
      expect(row ?? `${spec.env} missing from docs/configuration.md`).toContain(`\`${name}\``);
      if (spec.default !== undefined) expect(row).toContain(`\`${String(spec.default)}\``);
    },
  );

  it.each(
    Object.values(ENV_GROUPS).flatMap((group) =>
      Object.entries(group.fields as Record<string, EnvGroupField>).map(
        ([field, spec]) =>
          [`${group.prefix}<NAME>_${spec.suffix}`, group.option, field, spec] as const,
      ),
    ),
  )(
    "documents the group variable %s with its option and default",
    (variable, option, field, spec) => {
      const row = configuration.split("\n").find((line) => line.includes(`\`${variable}\``));
      expect(row ?? `${variable} missing from docs/configuration.md`).toContain(
        `\`${option}.<name>.${field}\``,
      );
      const fallback = spec.schema.safeParse(undefined);
      if (fallback.success && fallback.data !== undefined) {
        expect(row).toContain(`\`${String(fallback.data)}\``);
      }
    },
  );

  it("lists every error code once in docs/errors.md, with its status", () => {
    const section = errors.slice(
      errors.indexOf("## Codes"),
      errors.indexOf("## `WWW-Authenticate`"),
    );
    const rows = [...section.matchAll(/^\| `([a-z_.]+)` \| (\d{3}) \|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(rows.map(([code]) => code).sort()).toEqual(Object.keys(PROBLEM_CATALOG).sort());
    for (const [code, status] of rows) {
      expect(status, String(code)).toBe(
        PROBLEM_CATALOG[code as keyof typeof PROBLEM_CATALOG].status,
      );
    }
  });

  it("lists every audit action once in docs/audit.md's table", () => {
    const rows = [...audit.matchAll(/^\| `([a-z_.]+)` \| /gm)].map((m) => m[1]);
    const actions = rows.filter((name) => name?.includes("."));
    expect(actions.sort()).toEqual([...AUDIT_ACTIONS].sort());
  });
});
