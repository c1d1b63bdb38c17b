/**
 * Structured answers: ask for one JSON object and validate it with a zod schema.
 * A malformed or off-schema answer always throws; it is never returned.
 * @module
 */
import type OpenAI from "openai";
import * as z from "zod";
import { type LlmChatResult, sendChat } from "./chat.ts";
import { LlmResponseError } from "./errors.ts";
import type { LlmChatRequest } from "./request.ts";

/** A `json()` call: like `chat()`, but the response format is always a JSON object. */
export type LlmJsonRequest = Omit<LlmChatRequest, "responseFormat">;

/** The answer of `json()`: the validated value, plus what `chat()` returns. */
export interface LlmJsonResult<T> extends LlmChatResult {
  /** The answer, parsed and validated by the schema (with its transforms applied). */
  readonly data: T;
}

/**
 * Adds the JSON instruction to the system prompt: JSON mode needs the word "JSON" in the
 * conversation, and the JSON Schema of `schema` tells the model the expected shape.
 *
 * @param schema the zod schema the answer must satisfy
 * @param request the call
 * @returns the call with `responseFormat: "json_object"` and the instruction appended
 * @example
 * withJsonInstruction(z.object({ ok: z.boolean() }), { user: "Is it?" }).responseFormat; // "json_object"
 * @throws never
 */
export function withJsonInstruction(
  schema: z.core.$ZodType,
  request: LlmJsonRequest,
): LlmChatRequest {
  let instruction = "Answer with one JSON object and nothing else.";
  try {
    const jsonSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
    instruction += ` It must match this JSON Schema: ${JSON.stringify(jsonSchema)}`;
  } catch {
    // Some schemas (e.g. recursive transforms) have no JSON Schema; the instruction suffices.
  }
  const system = request.system ? `${request.system}\n\n${instruction}` : instruction;
  return { ...request, system, responseFormat: "json_object" };
}

const FENCED = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/;

/**
 * Parses a model's answer as JSON and validates it with `schema`.
 *
 * @param schema the zod schema the answer must satisfy
 * @param answer the `chat()` answer
 * @returns the validated value with the answer
 * @example
 * const { data } = parseJsonAnswer(z.object({ ok: z.boolean() }), answer);
 * @throws LlmResponseError `llm.empty_response` (no text), `llm.invalid_json` (not JSON,
 *   e.g. cut off by `maxTokens`), `llm.schema_mismatch` (fails the schema; `issues` set)
 */
export function parseJsonAnswer<S extends z.core.$ZodType>(
  schema: S,
  answer: LlmChatResult,
): LlmJsonResult<z.output<S>> {
  const text = answer.text.trim();
  if (text === "") {
    throw new LlmResponseError(
      "llm.empty_response",
      `The model gave no answer (finish reason: ${answer.finishReason ?? "unknown"}).`,
      { text: answer.text },
    );
  }
  let value: unknown;
  try {
    // Some OpenAI-compatible servers wrap JSON mode answers in a Markdown fence.
    value = JSON.parse(FENCED.exec(text)?.[1] ?? text);
  } catch (cause) {
    throw new LlmResponseError(
      "llm.invalid_json",
      `The model's answer is not JSON (finish reason: ${answer.finishReason ?? "unknown"}).`,
      { text: answer.text, cause },
    );
  }
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) {
    throw new LlmResponseError(
      "llm.schema_mismatch",
      `The model's JSON does not match the schema (${parsed.error.issues.length} issue(s)).`,
      { text: answer.text, issues: parsed.error.issues, cause: parsed.error },
    );
  }
  return { ...answer, data: parsed.data };
}

/**
 * Asks for a JSON object and returns it validated.
 *
 * @param client the OpenAI SDK client
 * @param defaultModel the model used when the request names none
 * @param schema the zod schema the answer must satisfy
 * @param request the call
 * @returns the validated value with the answer
 * @example
 * const { data } = await sendJson(client, "gpt-4.1-mini", schema, { user: "Classify: …" });
 * @throws LlmResponseError (`llm.empty_response`, `llm.invalid_json`, `llm.schema_mismatch`)
 *   and the {@link LlmUpstreamError} codes of `chat()`
 */
export async function sendJson<S extends z.core.$ZodType>(
  client: OpenAI,
  defaultModel: string,
  schema: S,
  request: LlmJsonRequest,
): Promise<LlmJsonResult<z.output<S>>> {
  const answer = await sendChat(client, defaultModel, withJsonInstruction(schema, request));
  return parseJsonAnswer(schema, answer);
}
