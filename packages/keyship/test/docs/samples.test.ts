/**
 * Keeps what the docs show true: the doctor's sample output in docs/cli.md is what the doctor
 * prints for the `.env` shown above it, the `WWW-Authenticate` claims of docs/device-tokens.md
 * hold, and every claim that a package is (or is not) a dependency matches the package.json
 * files.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";

const root = join(import.meta.dirname, "../../../..");
const run = promisify(execFile);
const BIN = join(root, "packages/keyship/bin/keyship.js");
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** The body of the first fenced code block that contains `marker`. */
function blockWith(text: string, marker: string): string {
  const blocks = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.trimEnd());
  const block = blocks.find((body) => body.includes(marker));
  if (block === undefined) throw new Error(`no code block holds '${marker}'`);
  return block;
}

describe("docs/cli.md's doctor sample", () => {
  it("is what keyship doctor prints for the .env shown with it", async () => {
    const cli = read("docs/cli.md");
    const env = blockWith(cli, "KEYSHIP_RP_ID=example.com")
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").replace("=…", `=${"s".repeat(43)}`))
      .join("\n");
    const sample = blockWith(cli, "$ npx keyship doctor").split("\n");
    expect(sample[0]).toBe("$ npx keyship doctor");

    // The real command in a directory of its own, stdout and stderr in the order printed.
    const cwd = await mkdtemp(join(tmpdir(), "keyship-doctor-sample-"));
    await writeFile(join(cwd, ".env"), `${env}\n`);
    const keyship = (command: string) =>
      run("sh", ["-c", `"${process.execPath}" "${BIN}" ${command} 2>&1`], { cwd }).then(
        (r) => r.stdout,
        (error: { stdout: string }) => error.stdout,
      );
    await keyship("migrate");
    const printed = (await keyship("doctor")).trimEnd().split("\n");
    // The number of migrations grows with every release; the sample's is only an example.
    const count = (lines: string[]) => lines.map((l) => l.replace(/\(\d+\)$/, "(N)"));
    expect(count(printed)).toEqual(count(sample.slice(1)));
  }, 60_000);
});

describe("docs/device-tokens.md's WWW-Authenticate claims", () => {
  const app = testApp("sqlite::memory:");
  afterAll(() => app.keyship.close());
  const doc = read("docs/device-tokens.md").replace(/\s+/g, " ");

  it('a refused token gets Bearer error="invalid_token"', async () => {
    expect(doc).toContain(
      'A refused token\'s 401 carries `WWW-Authenticate: Bearer error="invalid_token"`',
    );
    const response = await app.request("/auth/me", {
      headers: { authorization: "Bearer not.a.token" },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });

  it("no token at all gets the bare Bearer challenge", async () => {
    expect(doc).toContain("a 401 without any token carries the bare `WWW-Authenticate: Bearer`");
    const response = await app.request("/auth/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
  });
});

describe("claims about dependencies", () => {
  const manifests = [
    "package.json",
    ...readdirSync(join(root, "packages")).map((p) => `packages/${p}/package.json`),
  ]
    .filter((path) => {
      try {
        read(path);
        return true;
      } catch {
        return false;
      }
    })
    .map((path) => JSON.parse(read(path)) as Record<string, Record<string, string> | undefined>);
  const declared = new Set(
    manifests.flatMap((m) => [
      ...Object.keys(m.dependencies ?? {}),
      ...Object.keys(m.devDependencies ?? {}),
    ]),
  );
  const docs = [
    "README.md",
    ...readdirSync(join(root, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];
  /** "React is not a dependency of this repository", "react and react-dom are devDependencies of this repository". */
  const CLAIM =
    /`?([@\w][\w@/.-]*)`?(?: and `?([@\w][\w@/.-]*)`?)? (is|are) (not )?(?:an? )?(?:dev)?dependenc(?:y|ies) of this repository\b/gi;
  const claims = docs.flatMap((path) =>
    [...read(path).replace(/\s+/g, " ").matchAll(CLAIM)].flatMap((m) =>
      [m[1], m[2]]
        .filter((name): name is string => name !== undefined)
        .map((name) => ({
          path,
          name: name.toLowerCase(),
          negated: m[4] !== undefined,
          text: m[0],
        })),
    ),
  );

  it("finds the claims the docs make", () => {
    expect(claims.map((c) => c.name)).toEqual(expect.arrayContaining(["react", "react-dom"]));
  });

  it.each(claims)("$path: $text", ({ name, negated }) => {
    expect(declared.has(name)).toBe(!negated);
  });
});
