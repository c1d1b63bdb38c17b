/**
 * Shared OpenAPI pieces: the Problem schema and response entries built from the catalogue.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { PROBLEM_CATALOG, type ProblemCode } from "../errors.ts";
import { PROBLEM_CONTENT_TYPE } from "./problem.ts";

/** The RFC 9457 problem body every error response has. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:keyship:error:validation.failed" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(PROBLEM_CATALOG) as [ProblemCode, ...ProblemCode[]]),
    trace_id: z.string().openapi({ example: "4bf92f3577b34da6a3ce929d0e0e4736" }),
  })
  .passthrough()
  .openapi("Problem");

/** OpenAPI `responses` entries keyed by status, each a problem+json body. */
export type ProblemResponses = Record<
  number,
  { description: string; content: Record<string, { schema: typeof ProblemSchema }> }
>;

/**
 * OpenAPI `responses` entries for the given problem codes, grouped by status, with
 * `validation.failed` (400) always among them.
 * @example responses: { 200: …, ...problemResponses("passkey.last_passkey") }
 */
export function problemResponses(...codes: ProblemCode[]): ProblemResponses {
  return responsesOf(["validation.failed", ...codes]);
}

/**
 * OpenAPI `responses` entries for exactly the given problem codes, grouped by status.
 * @example responsesOf(["auth.unauthenticated", "auth.forbidden"])
 */
export function responsesOf(codes: readonly ProblemCode[]): ProblemResponses {
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const status = PROBLEM_CATALOG[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      {
        description: `Problem: ${[...new Set(list)].join(", ")}`,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  );
}
