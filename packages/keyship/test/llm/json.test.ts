import { describe, expect, it } from "vitest";
import * as z from "zod";
import { LlmResponseError } from "../../src/llm/index.ts";
import { answer, fakeClient, useFakeOpenAI } from "./fake-openai.ts";

const fake = useFakeOpenAI();

const Verdict = z.object({ spam: z.boolean(), score: z.number().min(0).max(1) });

describe("json()", () => {
  it("returns the validated object", async () => {
    fake().reply(answer('{"spam": true, "score": 0.9}'));
    const result = await fakeClient(fake()).json(Verdict, { user: "WIN $$$" });
    expect(result.data).toEqual({ spam: true, score: 0.9 });
    expect(result.usage?.totalTokens).toBe(12);
  });

  it("asks for a JSON object and describes the schema", async () => {
    fake().reply(answer('{"spam": false, "score": 0}'));
    await fakeClient(fake()).json(Verdict, { system: "You classify mail.", user: "Hello" });
    const body = fake().requests[0]?.body;
    expect(body.response_format).toEqual({ type: "json_object" });
    const system: string = body.messages[0].content;
    expect(system.startsWith("You classify mail.")).toBe(true);
    expect(system).toContain("JSON");
    expect(system).toContain('"score"');
  });

  it("accepts JSON wrapped in a Markdown fence", async () => {
    fake().reply(answer('```json\n{"spam": false, "score": 0.1}\n```'));
    const { data } = await fakeClient(fake()).json(Verdict, { user: "Hello" });
    expect(data.score).toBe(0.1);
  });

  it.each([
    ["not JSON", "Sure! Here it is: {spam: yes}", "llm.invalid_json"],
    ["cut-off JSON", '{"spam": true, "sc', "llm.invalid_json"],
    ["an empty answer", "", "llm.empty_response"],
  ])("throws on %s", async (_name, text, code) => {
    fake().reply(answer(text));
    const failure = await fakeClient(fake())
      .json(Verdict, { user: "Hello" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmResponseError);
    expect(failure).toMatchObject({ code, text });
  });

  it("throws llm.schema_mismatch with the zod issues", async () => {
    fake().reply(answer('{"spam": "yes", "score": 7}'));
    const failure = await fakeClient(fake())
      .json(Verdict, { user: "Hello" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmResponseError);
    const { code, issues } = failure as LlmResponseError;
    expect(code).toBe("llm.schema_mismatch");
    expect(issues.map((issue) => issue.path.join("."))).toEqual(["spam", "score"]);
  });
});
