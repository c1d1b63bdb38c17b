import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { formatEnvValue, setEnvVariable } from "../../src/cli/envfile.ts";

const FILE = [
  "# Production settings — keep out of git",
  "KEYSHIP_RP_ID=example.com",
  "",
  "export KEYSHIP_SESSION_SECRET=old-secret   # rotated 2025",
  'KEYSHIP_ORIGIN="https://app.example.com"',
  'MULTI="-----BEGIN PRIVATE KEY-----',
  "abc",
  '-----END PRIVATE KEY-----"',
  "TAIL=1",
].join("\n");

describe("setEnvVariable", () => {
  it("replaces one variable and keeps every other line byte for byte", () => {
    const { text, update } = setEnvVariable(FILE, "KEYSHIP_SESSION_SECRET", "new");
    expect(update).toBe("replaced");
    expect(text).toBe(
      FILE.replace(
        "export KEYSHIP_SESSION_SECRET=old-secret   # rotated 2025",
        "KEYSHIP_SESSION_SECRET=new",
      ),
    );
  });

  it("replaces a multi-line quoted value as a whole", () => {
    const { text } = setEnvVariable(FILE, "MULTI", "x");
    expect(text.split("\n")).toEqual([...FILE.split("\n").slice(0, 5), "MULTI=x", "TAIL=1"]);
  });

  it("appends a new variable, adding the missing final newline first", () => {
    expect(setEnvVariable(FILE, "NEW", "v").text).toBe(`${FILE}\nNEW=v\n`);
    expect(setEnvVariable("", "NEW", "v").text).toBe("NEW=v\n");
  });

  it("keeps CRLF line endings", () => {
    const crlf = "# c\r\nA=1\r\nB=2\r\n";
    expect(setEnvVariable(crlf, "A", "9").text).toBe("# c\r\nA=9\r\nB=2\r\n");
    expect(setEnvVariable(crlf, "C", "3").text).toBe(`${crlf}C=3\r\n`);
  });

  it("does not touch variables whose name only starts the same", () => {
    expect(setEnvVariable("AB=1\nA=2\n", "A", "3").text).toBe("AB=1\nA=3\n");
  });

  it("drops later duplicates so the new value wins", () => {
    expect(setEnvVariable("A=1\nB=2\nA=3\n", "A", "9").text).toBe("A=9\nB=2\n");
  });

  it.each([
    "plain-base64url_value",
    '{"kty":"EC","crv":"P-256","d":"x"}',
    "-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----",
    "has spaces and # hash",
  ])("writes %j so that parseEnv reads it back", (value) => {
    expect(parseEnv(setEnvVariable("", "K", value).text).K).toBe(value);
    expect(formatEnvValue(value)).not.toContain("\n");
  });

  it("refuses an invalid name", () => {
    expect(() => setEnvVariable("", "1BAD", "x")).toThrow(TypeError);
  });
});
