/**
 * Editing one variable of a `.env` file while keeping every other byte: comments, blank lines,
 * ordering, quoting and line endings of the rest of the file are left exactly as they were.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** What {@link setEnvVariable} did. */
export type EnvUpdate = "added" | "replaced";

/** A variable name as `.env` files and shells accept it. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Characters that need no quoting in a `.env` value. */
const PLAIN_VALUE = /^[A-Za-z0-9_\-.:/+=@,]*$/;

/**
 * Formats a value for a `.env` file so that `node:util` `parseEnv` and dotenv read it back
 * unchanged: bare when it is safe; single-quoted (taken literally) when it holds double quotes,
 * e.g. a JSON JWK; otherwise double-quoted with newlines written as `\n` (a PEM key becomes one
 * line).
 * @param value the value
 * @throws TypeError when the value cannot be written losslessly (both quote kinds, or a double
 *   quote and a newline)
 * @example formatEnvValue("abc") // "abc"; formatEnvValue('{"a":1}') // "'{\"a\":1}'"
 */
export function formatEnvValue(value: string): string {
  if (PLAIN_VALUE.test(value)) return value;
  if (value.includes('"')) {
    if (value.includes("'") || /[\r\n]/.test(value)) {
      throw new TypeError(
        "a .env value cannot hold both quote kinds, or a double quote and a newline",
      );
    }
    return `'${value}'`;
  }
  return `"${value.replace(/\r?\n/g, "\\n")}"`;
}

/** The start of an assignment line of `name`: `NAME=` or `export NAME=`, spaces allowed. */
function assignmentOf(name: string): RegExp {
  return new RegExp(`^[ \\t]*(?:export[ \\t]+)?${name}[ \\t]*=`);
}

/** Splits text into lines that keep their own terminators (`\n` or `\r\n`). */
function splitKeepingEndings(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * How many lines an assignment spans: a value opened with a quote that does not close on its
 * first line continues until the line that closes it (multi-line PEM keys).
 */
function assignmentLength(lines: readonly string[], start: number, prefix: RegExp): number {
  const first = lines[start] ?? "";
  const rest = first
    .replace(prefix, "")
    .replace(/\r?\n$/, "")
    .trimStart();
  const quote = rest[0];
  if (quote !== '"' && quote !== "'" && quote !== "`") return 1;
  if (rest.indexOf(quote, 1) !== -1) return 1;
  for (let i = start + 1; i < lines.length; i++) {
    if ((lines[i] ?? "").includes(quote)) return i - start + 1;
  }
  return 1; // an unclosed quote: touch only the first line
}

/**
 * Sets `name` to `value` in the text of a `.env` file. Every assignment of `name` is replaced in
 * place (the first keeps its position, later duplicates are dropped so the new value wins);
 * when there is none, `NAME=value` is appended. All other lines stay byte for byte.
 * @param text the file's current content ("" for a new file)
 * @param name the variable, e.g. `KEYSHIP_TOKEN_SECRET`
 * @param value the new value (quoted as needed by {@link formatEnvValue})
 * @returns the new text and whether the variable was added or replaced
 * @throws TypeError on an invalid variable name or an unwritable value
 * @example setEnvVariable("# keys\nA=1\n", "B", "2").text // "# keys\nA=1\nB=2\n"
 */
export function setEnvVariable(
  text: string,
  name: string,
  value: string,
): { readonly text: string; readonly update: EnvUpdate } {
  if (!NAME.test(name)) throw new TypeError(`'${name}' is not a valid variable name`);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const line = `${name}=${formatEnvValue(value)}`;
  const prefix = assignmentOf(name);
  const lines = splitKeepingEndings(text);
  const out: string[] = [];
  let update: EnvUpdate = "added";
  for (let i = 0; i < lines.length; ) {
    const current = lines[i] ?? "";
    if (!prefix.test(current)) {
      out.push(current);
      i++;
      continue;
    }
    const span = assignmentLength(lines, i, prefix);
    const last = lines[i + span - 1] ?? "";
    const ending = last.endsWith("\r\n") ? "\r\n" : last.endsWith("\n") ? "\n" : "";
    if (update === "added") out.push(`${line}${ending}`);
    update = "replaced";
    i += span;
  }
  if (update === "added") {
    const last = out.at(-1);
    if (last !== undefined && !last.endsWith("\n")) out.push(eol);
    out.push(`${line}${eol}`);
  }
  return { text: out.join(""), update };
}

/**
 * Sets one variable in a `.env` file on disk, creating the file when it is missing.
 * @param path the file
 * @param name the variable
 * @param value its new value
 * @returns whether the variable was added or replaced
 * @example updateEnvFile(".env.production", "KEYSHIP_TOKEN_SECRET", secret)
 */
export function updateEnvFile(path: string, name: string, value: string): EnvUpdate {
  const before = existsSync(path) ? readFileSync(path, "utf8") : "";
  const { text, update } = setEnvVariable(before, name, value);
  writeFileSync(path, text, { mode: 0o600 });
  return update;
}
