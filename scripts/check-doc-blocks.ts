/**
 * Type-checks the TypeScript code blocks of README.md and docs/*.md (STYLE 19).
 *
 * Every ```ts block is written to `.doc-blocks/` as its own module and compiled with tsc
 * against the workspace packages. A block that is a fragment on purpose (it uses names it does
 * not define) says so in its info string: ```ts fragment — it is not checked.
 *
 *   node --conditions=keyship-source scripts/check-doc-blocks.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, ".doc-blocks");
const sources = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const origins = new Map<string, string>();
let count = 0;
for (const source of sources) {
  const lines = readFileSync(join(root, source), "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const info = /^```(ts|typescript)(\s.*)?$/.exec(lines[i] ?? "");
    if (info === null) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== "```") end++;
    i = end;
    if ((info[2] ?? "").includes("fragment")) continue;
    // `<!-- prelude: … -->` on the line before the fence declares what the block assumes
    // (e.g. `declare const app: KeyshipApp;`); it is compiled, not shown.
    const prelude = /^<!-- prelude: (.*) -->$/.exec(lines[start - 2] ?? "")?.[1] ?? "";
    const name = `${source.replace(/[/.]/g, "_")}_${start + 1}.ts`;
    // One line of prelude keeps block line numbers one off, corrected in the error map below.
    // `export {}` makes each block its own module, so top-level await and names stay local.
    writeFileSync(
      join(outDir, name),
      `${prelude}\n${lines.slice(start, end).join("\n")}\nexport {};\n`,
    );
    origins.set(name, `${source}:${start + 1}`);
    count++;
  }
}
writeFileSync(
  join(outDir, "tsconfig.json"),
  JSON.stringify({
    extends: "../tsconfig.base.json",
    compilerOptions: {
      noEmit: true,
      lib: ["ES2023", "DOM", "DOM.Iterable"],
      types: ["node"],
      noUnusedLocals: false,
    },
    include: ["*.ts"],
  }),
);
try {
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", outDir], { stdio: "pipe" });
  console.log(`doc blocks: ${count} checked, all type-check`);
} catch (error) {
  const out = String((error as { stdout?: Buffer }).stdout ?? error);
  // Point each error at the Markdown file and line it came from.
  const mapped = out.replace(
    /\.doc-blocks\/(\S+?\.ts)\((\d+),(\d+)\)/g,
    (_m, file: string, line: string) => {
      const [doc, first] = (origins.get(file) ?? `${file}:1`).split(":");
      return `${doc}:${Number(first) + Number(line) - 2}`;
    },
  );
  console.error(mapped);
  process.exitCode = 1;
}
