/**
 * Property-based fuzzing of every JSON endpoint, driven by `/openapi.json`: bodies shaped by
 * each route's schema (and bent out of it), random path parameters, with and without a
 * signed-in caller. Whatever arrives: never a 5xx, every refusal is problem+json (the OAuth
 * endpoints' RFC 6749 errors carry the problem members in `application/json`), a body never
 * carries a stack trace or SQL, and a 4xx changes nothing in the auth tables.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { registerAccount, TEST_ORIGIN, type TestAccount } from "../helpers/passkeys.ts";
import { authSnapshot } from "../helpers/snapshot.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox } from "../passwords/helpers.ts";

type Schema = Record<string, unknown>;
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly body: Schema | undefined;
}

/**
 * The OAuth endpoints answer their `oauth.*` refusals as RFC 6749 §5.2 `application/json`, with
 * the problem members (docs/clients.md#errors).
 */
const OAUTH_ENDPOINTS = new Set([
  "/auth/oauth/token",
  "/auth/oauth/introspect",
  "/auth/oauth/revoke",
]);

/** Routes that end the caller's own sign-in when they succeed: fuzzed without a caller. */
const SELF_ENDING = new Set(["/auth/logout", "/auth/logout-all", "/auth/devices/revoke-others"]);
const LEAKS =
  /\bat [\w.<>]+ \(|\.ts:\d+|\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|SQLITE_|syntax error/;

/** An arbitrary that follows `schema` most of the time and strays from it now and then. */
function arbitraryFor(schema: Schema | undefined, doc: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (schema === undefined || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  const ref = schema.$ref as string | undefined;
  if (ref !== undefined) {
    const name = ref.replace("#/components/schemas/", "");
    const components = (doc.components as { schemas: Record<string, Schema> }).schemas;
    return arbitraryFor(components[name], doc, depth + 1);
  }
  const shaped = shapedFor(schema, doc, depth);
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: fc.jsonValue() });
}

function shapedFor(schema: Schema, doc: Schema, depth: number): fc.Arbitrary<unknown> {
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (options !== undefined)
    return fc.oneof(...options.map((s) => arbitraryFor(s, doc, depth + 1)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const shape = Object.fromEntries(
        Object.entries(properties).map(([key, s]) => [key, arbitraryFor(s, doc, depth + 1)]),
      );
      return fc.record(shape, { requiredKeys: [] });
    }
    case "array":
      return fc.array(arbitraryFor(schema.items as Schema | undefined, doc, depth + 1), {
        maxLength: 4,
      });
    case "string":
      return fc.oneof(
        fc.string({ maxLength: Number(schema.maxLength ?? 40) + 2 }),
        fc.string({ unit: "grapheme", maxLength: 20 }),
        fc.constantFrom(
          "",
          "a@b.co",
          "x".repeat(70),
          "\u0000",
          "' OR 1=1 --",
          "eyJhbGciOiJub25lIn0.e30.",
        ),
      );
    case "integer":
    case "number":
      return fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 53));
    case "boolean":
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

describe.each(dialects.filter((d) => d.name === "sqlite"))(
  "fuzzing the API on $name",
  (dialect) => {
    const suite = useSuite(dialect, { passwordAuthEnabled: true, mailer: mailbox() });
    let doc: Schema;
    let operations: Operation[];
    let account: TestAccount;

    beforeAll(async () => {
      doc = (await (await suite.app.request("/openapi.json")).json()) as Schema;
      operations = Object.entries(doc.paths as Record<string, Record<string, Schema>>).flatMap(
        ([path, methods]) =>
          Object.entries(methods).map(([method, op]) => ({
            method: method.toUpperCase(),
            path,
            body: (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
              ?.content?.["application/json"]?.schema,
          })),
      );
      account = await registerAccount(
        suite.app,
        new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
      );
      await account.stepUp();
    });

    const digest = () => authSnapshot(suite.app);

    it("covers every JSON route of the OpenAPI document", () => {
      expect(operations.filter((o) => o.body !== undefined).length).toBeGreaterThan(15);
    });

    it("never answers 5xx, leaks nothing, and writes nothing on a 4xx", async () => {
      for (const operation of operations) {
        const signedIn = !SELF_ENDING.has(operation.path);
        const input = fc.record({
          body: arbitraryFor(operation.body, doc),
          id: fc.string({ minLength: 1, maxLength: 80 }),
          withCaller: fc.boolean(),
        });
        await fc.assert(
          fc.asyncProperty(input, async ({ body, id, withCaller }) => {
            const path = operation.path.replace("{id}", encodeURIComponent(id));
            const headers: Record<string, string> = { "content-type": "application/json" };
            if (withCaller && signedIn) Object.assign(headers, await account.auth());
            const before = await digest();
            const res = await suite.app.request(path, {
              method: operation.method,
              headers,
              ...(operation.method === "GET" ? {} : { body: JSON.stringify(body) }),
            });
            const text = await res.text();
            const where = `${operation.method} ${path} → ${res.status} ${text.slice(0, 200)}`;
            expect(res.status, where).toBeLessThan(500);
            expect(text, where).not.toMatch(LEAKS);
            if (res.status >= 400) {
              const type = OAUTH_ENDPOINTS.has(operation.path)
                ? /^application\/(problem\+)?json/
                : /application\/problem\+json/;
              expect(res.headers.get("content-type"), where).toMatch(type);
              expect(JSON.parse(text).code, where).toEqual(expect.any(String));
              expect(await digest(), where).toBe(before);
            }
          }),
          { numRuns: 25, seed: 1234 },
        );
      }
    }, 120_000);
  },
);
