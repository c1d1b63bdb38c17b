/**
 * The served document passes Redocly's recommended rules with no error: linted with
 * `@redocly/openapi-core`, the engine `@redocly/cli lint` runs, against the demo's API (the
 * fullstack template's `createApi()`, with its own `/api` routes) plus app routes of every
 * guard kind. Any error fails; warnings are printed (the known ones, listed below, are the
 * document's license, which is the app's to choose, and the JWKS route, which has no failure to
 * describe), so that a route added elsewhere with a warning does not break the build.
 */
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { afterAll, describe, expect, it } from "vitest";
import { createApi } from "../../../create-keyship/templates/fullstack/api/src/app.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { addExampleRoutes } from "./example-routes.ts";

/** Warnings left on purpose. */
const KNOWN_WARNINGS = [
  "info-license #/info",
  "operation-4xx-response #/paths/~1.well-known~1jwks.json/get/responses",
];

describe("Redocly lint of the served document", () => {
  const app = addExampleRoutes(
    createApi({
      databaseUrl: "sqlite::memory:",
      envFile: false,
      processEnv: {},
      logger: createLogger("silent"),
      masterToken: "m".repeat(48),
    }),
  );
  afterAll(() => app.keyship.close());

  it("reports no error with the recommended rules", async () => {
    const source = await (await app.request("/openapi.json")).text();
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source, absoluteRef: "/openapi.json", config });
    const describe = (p: (typeof problems)[number]) =>
      `${p.ruleId} ${p.location[0]?.pointer ?? ""}`;
    expect(problems.filter((p) => p.severity === "error").map(describe)).toEqual([]);
    const unknown = problems.map(describe).filter((p) => !KNOWN_WARNINGS.includes(p));
    if (unknown.length > 0) console.warn(`Redocly warnings:\n${unknown.join("\n")}`);
    expect(problems.length).toBeGreaterThan(0); // the lint ran over a document: it warns
    expect(problems.filter((p) => p.severity === "warn").map(describe)).toEqual(
      expect.arrayContaining(KNOWN_WARNINGS),
    );
  });
});
