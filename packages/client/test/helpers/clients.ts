/**
 * Shared setup for client tests: a client signed in through the password route of a
 * {@link TestServer}.
 */

import { createKeyshipClient, type KeyshipClientOptions, memoryKeyStore } from "../../src/index.ts";
import type { TestServer } from "./test-server.ts";

/** Adds `POST /auth/login` that binds the device key, like the real server. */
export function addPasswordLogin(server: TestServer): void {
  server.route("POST", "/auth/login", (request) => ({
    json: { userId: "u1", deviceId: server.bindDevice(request) },
  }));
}

/** A client with an in-memory key store, signed in through `POST /auth/login`. */
export async function signedInClient(
  server: TestServer,
  options: Partial<KeyshipClientOptions> = {},
) {
  addPasswordLogin(server);
  const keyStore = options.keyStore ?? memoryKeyStore();
  const client = createKeyshipClient({ baseUrl: server.url, keyStore, ...options });
  const signIn = await client.loginWithPassword({ email: "a@example.com", password: "pw" });
  server.requests.length = 0;
  return { client, keyStore, signIn };
}
