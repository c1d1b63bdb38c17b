/**
 * Early refusals over a real keep-alive connection: an answer sent before the request body
 * was read (413, 415) must not leave the rest of that body to be parsed as the next request.
 * Either the connection closes (`Connection: close`) or the next request on it succeeds.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { listen, type RunningServer } from "../../src/server.ts";
import { testApp } from "../helpers/app.ts";

/** Writes `raw` on one socket and reads until the server closes it or `ms` pass. */
function exchange(port: number, raw: string, ms = 800): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.write(raw);
  });
}

const statusLines = (text: string) => text.match(/HTTP\/1\.1 \d+/g) ?? [];

describe("early refusals on a keep-alive connection", () => {
  let app: KeyshipApp;
  let server: RunningServer;
  beforeAll(async () => {
    app = testApp("sqlite::memory:", { bodyLimitBytes: 1024 });
    await app.keyship.ready;
    server = await listen(app, { port: 0, hostname: "127.0.0.1" });
  });
  afterAll(async () => {
    await server.close();
    await app.keyship.close();
  });

  const next = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";

  it.each([
    ["413, a body over the limit", "application/json", 4096, "413"],
    ["415, a body that is not JSON", "text/plain", 512, "415"],
    ["401, a guard refusing before the body is read", "application/json", 512, "401"],
  ])("answers %s, then closes or serves the next request", async (_n, type, size, status) => {
    const body = "x".repeat(size);
    const first =
      `POST /auth/${status === "401" ? "passkey/add" : "passkey/login"}/start HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\n` +
      `Content-Length: ${size}\r\nConnection: keep-alive\r\n\r\n${body}`;
    const text = await exchange(server.port, first + next);
    const lines = statusLines(text);
    expect(lines[0]).toBe(`HTTP/1.1 ${status}`);
    if (status === "413") {
      // The rest of an oversized body is unwanted: the connection ends with the answer.
      expect(text).toMatch(/\r\nconnection: close\r\n/i);
      expect(lines).toEqual(["HTTP/1.1 413"]);
    } else expect(lines).toEqual([`HTTP/1.1 ${status}`, "HTTP/1.1 200"]);
    expect(text).not.toMatch(/HTTP\/1\.1 400/);
  });
});
