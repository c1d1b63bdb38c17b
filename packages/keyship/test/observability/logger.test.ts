/** keyship's logger: email masking and pretty output in development. */
import { expect, it } from "vitest";
import { createLogger, maskEmail } from "../../src/observability/logger.ts";

it.each([
  ["alice@example.com", "a***@example.com"],
  ["  Bob.Smith+tag@mail.example.org ", "B***@mail.example.org"],
  ["not an email", "[redacted]"],
  [42, "[redacted]"],
])("masks %j as %j", (input, expected) => {
  expect(maskEmail(input)).toBe(expected);
});

it("writes human-readable lines when pretty and pino-pretty is installed", () => {
  const lines: string[] = [];
  const logger = createLogger("info", {
    pretty: true,
    destination: { write: (line) => lines.push(line) },
  });
  logger.info({ password: "hunter2", route: "/x" }, "request");
  expect(lines).toHaveLength(1);
  expect(() => JSON.parse(lines[0] ?? "")).toThrow();
  expect(lines[0]).toContain("request");
  expect(lines[0]).not.toContain("hunter2");
});

it("writes JSON lines with the service name by default", () => {
  const lines: string[] = [];
  const logger = createLogger("info", {
    service: "my-api",
    destination: { write: (line) => lines.push(line) },
  });
  logger.info({ user: { email: "carol@example.com" } }, "hello");
  expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
    service: "my-api",
    msg: "hello",
    user: { email: "c***@example.com" },
  });
});
