/**
 * `keyship/testing`: helpers for an app's own tests. Create a signed-in user with a role and
 * scopes, then call protected routes through `app.request()` with the headers a real client
 * sends (a device-signed token, or a session's access token). For tests only: it writes
 * straight to the database, skipping the passkey ceremony.
 * @example
 * import { createTestUser } from "keyship/testing";
 *
 * const admin = await createTestUser(app.keyship, { role: "admin" });
 * const response = await app.request("/api/admin/stats", { headers: await admin.deviceHeaders() });
 * @module
 */
export {
  createTestUser,
  type TestUser,
  type TestUserHost,
  type TestUserOptions,
} from "./users.ts";
