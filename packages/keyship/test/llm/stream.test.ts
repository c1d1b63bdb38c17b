import { describe, expect, it } from "vitest";
import { LlmUpstreamError } from "../../src/llm/index.ts";
import {
  answer,
  breakAfter,
  FAKE_MODEL,
  failWith,
  fakeClient,
  stallAfter,
  useFakeOpenAI,
} from "./fake-openai.ts";

const fake = useFakeOpenAI();

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of iterable) deltas.push(delta);
  return deltas;
}

describe("stream()", () => {
  it("yields the deltas in order, then settles usage and final()", async () => {
    fake().reply(answer("Hel", "lo", " there"));
    const stream = fakeClient(fake()).stream({ user: "Hi" });
    expect(await collect(stream)).toEqual(["Hel", "lo", " there"]);
    const usage = { promptTokens: 9, completionTokens: 3, totalTokens: 12 };
    await expect(stream.usage).resolves.toEqual(usage);
    await expect(stream.final()).resolves.toEqual({
      text: "Hello there",
      usage,
      model: FAKE_MODEL,
      finishReason: "stop",
    });
  });

  it("asks for a stream with the usage chunk", async () => {
    fake().reply(answer("ok"));
    await fakeClient(fake()).stream({ user: "Hi" }).final();
    expect(fake().requests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("sends nothing until it is read", async () => {
    fakeClient(fake()).stream({ user: "Hi" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake().requests).toHaveLength(0);
  });

  it("can be iterated only once", async () => {
    fake().reply(answer("ok"));
    const stream = fakeClient(fake()).stream({ user: "Hi" });
    await collect(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(TypeError);
  });

  it("throws llm.timeout when the provider stalls mid-stream", async () => {
    fake().reply(stallAfter("Hel"));
    const stream = fakeClient(fake(), { timeoutMs: 150 }).stream({ user: "Hi" });
    const deltas: string[] = [];
    const failure = await (async () => {
      for await (const delta of stream) deltas.push(delta);
    })().catch((error: unknown) => error);
    expect(deltas).toEqual(["Hel"]);
    expect(failure).toBeInstanceOf(LlmUpstreamError);
    expect(failure).toMatchObject({ code: "llm.timeout" });
    await expect(stream.usage).rejects.toMatchObject({ code: "llm.timeout" });
  });

  it("throws llm.upstream_error when the provider sends an error event", async () => {
    fake().reply(breakAfter("Hel"));
    const stream = fakeClient(fake()).stream({ user: "Hi" });
    await expect(stream.final()).rejects.toMatchObject({ code: "llm.upstream_error" });
  });

  it("throws llm.rate_limited when the provider refuses to start", async () => {
    fake().reply(failWith(429));
    const stream = fakeClient(fake()).stream({ user: "Hi" });
    await expect(collect(stream)).rejects.toMatchObject({ code: "llm.rate_limited", status: 429 });
    expect(fake().requests).toHaveLength(1);
  });

  it("aborts the upstream request when the reader breaks early", async () => {
    fake().reply(stallAfter("one", "two"));
    const stream = fakeClient(fake()).stream({ user: "Hi" });
    for await (const delta of stream) {
      expect(delta).toBe("one");
      break;
    }
    await expect(stream.final()).rejects.toMatchObject({ code: "llm.aborted" });
    await fake().requests[0]?.closed;
  });

  it("throws llm.aborted when abort() is called mid-stream", async () => {
    fake().reply(stallAfter("one"));
    const stream = fakeClient(fake()).stream({ user: "Hi" });
    const deltas: string[] = [];
    const failure = await (async () => {
      for await (const delta of stream) {
        deltas.push(delta);
        stream.abort();
      }
    })().catch((error: unknown) => error);
    expect(deltas).toEqual(["one"]);
    expect(failure).toMatchObject({ code: "llm.aborted" });
  });

  it("throws llm.aborted when the caller's signal fires mid-stream", async () => {
    fake().reply(stallAfter("one"));
    const controller = new AbortController();
    const stream = fakeClient(fake()).stream({ user: "Hi", signal: controller.signal });
    const failure = await (async () => {
      for await (const _delta of stream) controller.abort();
    })().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "llm.aborted" });
    await fake().requests[0]?.closed;
  });
});
