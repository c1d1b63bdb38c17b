import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createApp, KeyshipConfigError, listen } from "../../src/index.ts";
import { createLogger } from "../../src/observability/index.ts";

let held: Server | undefined;
afterEach(() => new Promise((resolve) => (held ? held.close(resolve) : resolve(undefined))));

describe("listen() on a port another program holds", () => {
  it("refuses with a config error naming KEYSHIP_PORT, not an EADDRINUSE stack", async () => {
    held = createServer();
    await new Promise<void>((resolve) => held!.listen(0, "127.0.0.1", resolve));
    const { port } = held.address() as { port: number };
    const app = createApp({
      databaseUrl: "sqlite::memory:",
      envFile: false,
      processEnv: {},
      logger: createLogger("silent"),
    });
    const error = await listen(app, { port, handleSignals: false }).catch((e: unknown) => e);
    await app.keyship.close();
    expect(error).toBeInstanceOf(KeyshipConfigError);
    expect((error as KeyshipConfigError).problems).toEqual([
      `KEYSHIP_PORT: port ${port} on 127.0.0.1 is already in use by another program; stop it, or set another port (e.g. KEYSHIP_PORT=${port + 1}).`,
    ]);
  });
});
