/**
 * The typed client of the app's own API (`api/src/routes.ts`): Hono's `hc` over the keyship
 * client's `fetch`, so every call carries this browser's device token, renews it when it
 * expires and runs the passkey step-up when a route asks for one. Paths, parameters and answers
 * are checked by TypeScript against the API's routes.
 */
import { hc } from "hono/client";
import type { ApiRoutes } from "../../api/src/routes.ts";
import { keyship } from "./keyship.ts";

export const api = hc<ApiRoutes>(`${window.location.origin}/api`, { fetch: keyship.fetch });
