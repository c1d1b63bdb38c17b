/**
 * Zod schemas of the DBSC endpoints: the browser's headers and the session instructions.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { SESSION_ID } from "./challenge.ts";

const proof = z.string().min(1).max(8192).openapi({
  description:
    "The browser's `dbsc+jwt`: `{ alg, typ: dbsc+jwt, jwk }` (registration) or `{ alg, typ }` (refresh) over `{ jti: <challenge> }`.",
});

/** The registration request's headers. */
export const RegistrationHeaders = z.object({ "secure-session-response": proof });

/** The refresh request's headers. */
export const RefreshHeaders = z.object({
  "sec-secure-session-id": z
    .string()
    .regex(SESSION_ID)
    .openapi({ description: "The DBSC session identifier: the keyship session id." }),
  "secure-session-response": proof.optional(),
});

/** The session instructions (DBSC session configuration). */
export const DbscSessionConfigSchema = z
  .object({
    session_identifier: z.string(),
    refresh_url: z.string().url(),
    scope: z.object({
      origin: z.string(),
      include_site: z.boolean(),
      scope_specification: z.array(
        z.object({
          type: z.enum(["include", "exclude"]),
          domain: z.string(),
          path: z.string(),
        }),
      ),
    }),
    credentials: z.array(
      z.object({ type: z.literal("cookie"), name: z.string(), attributes: z.string() }),
    ),
  })
  .openapi("DbscSessionConfig");

/** The answer that ends the browser's DBSC session. */
export const DbscSessionEndedSchema = z
  .object({ session_identifier: z.string(), continue: z.literal(false) })
  .openapi("DbscSessionEnded");

/** The session configuration a browser keeps for a DBSC session. */
export type DbscSessionConfig = z.infer<typeof DbscSessionConfigSchema>;
