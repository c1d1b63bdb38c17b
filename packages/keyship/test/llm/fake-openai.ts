/**
 * A real HTTP server on 127.0.0.1 that speaks the chat completions protocol, for tests.
 * Each request takes the next scripted reply; every request is recorded.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type Llm, type LlmOptions, llm } from "../../src/llm/index.ts";

/** A request the fake server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: the chat completions body, as the SDK sent it
  readonly body: any;
  /** Settles when the connection of this request closes (answered or dropped by the client). */
  readonly closed: Promise<void>;
}

/** Writes the answer to one request. */
export type Reply = (res: ServerResponse, req: RecordedRequest) => void;

export interface FakeOpenAI {
  /** The base URL to give `llm({ baseURL })`, ending in `/v1`. */
  readonly baseURL: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queues replies for the next requests, in order. */
  reply(...replies: Reply[]): void;
  /** Forgets requests and queued replies. */
  reset(): void;
  close(): Promise<void>;
}

const TOKENS = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } as const;
export const FAKE_MODEL = "fake-model-1";

/** Starts the server on an ephemeral port. */
export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  let replies: Reply[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (part: string) => {
      raw += part;
    });
    req.on("end", () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
        closed: new Promise((resolve) => res.once("close", () => resolve())),
      };
      requests.push(recorded);
      if (recorded.method !== "POST" || recorded.url !== "/v1/chat/completions") {
        return sendError(res, 404, "unknown route");
      }
      const next = replies.shift();
      if (!next) return sendError(res, 500, "no reply scripted");
      next(res, recorded);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    reply(...next) {
      replies.push(...next);
    },
    reset() {
      requests.length = 0;
      replies = [];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, headers = {}): void {
  sendJson(res, status, { error: { message, type: "test_error", code: null } }, headers);
}

function chunk(model: string, choices: unknown[], usage?: unknown): string {
  const body = { id: "chatcmpl-test", object: "chat.completion.chunk", created: 1, model, choices };
  return `data: ${JSON.stringify(usage ? { ...body, usage } : body)}\n\n`;
}

function writeDeltas(res: ServerResponse, parts: readonly string[]): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(chunk(FAKE_MODEL, [{ index: 0, delta: { role: "assistant", content: "" } }]));
  for (const content of parts) {
    res.write(chunk(FAKE_MODEL, [{ index: 0, delta: { content }, finish_reason: null }]));
  }
}

function writeChunks(res: ServerResponse, req: RecordedRequest, parts: readonly string[]): void {
  writeDeltas(res, parts);
  res.write(chunk(FAKE_MODEL, [{ index: 0, delta: {}, finish_reason: "stop" }]));
  // Like OpenAI: the usage chunk comes only when asked for, with no choices.
  if (req.body?.stream_options?.include_usage === true) res.write(chunk(FAKE_MODEL, [], TOKENS));
}

/**
 * Answers `parts` joined: as one JSON completion, or, when the request asks to stream, as
 * one chunk per part, a finish chunk, the usage chunk (if asked for) and `[DONE]`.
 */
export function answer(...parts: string[]): Reply {
  return (res, req) => {
    if (req.body?.stream === true) {
      writeChunks(res, req, parts);
      res.end("data: [DONE]\n\n");
      return;
    }
    sendJson(res, 200, {
      id: "chatcmpl-test",
      object: "chat.completion",
      created: 1,
      model: FAKE_MODEL,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: parts.join(""), refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: TOKENS,
    });
  };
}

/** Answers an OpenAI-style error; `retry-after-ms: 1` keeps the SDK's backoff short. */
export function failWith(status: number): Reply {
  return (res) => sendError(res, status, `status ${status}`, { "retry-after-ms": "1" });
}

/** Never answers. */
export function hang(): Reply {
  return () => {};
}

/** Streams `parts`, then stays silent with the connection open. */
export function stallAfter(...parts: string[]): Reply {
  return (res) => writeDeltas(res, parts);
}

/** Streams `parts`, then an error event, as OpenAI does when generation fails mid-way. */
export function breakAfter(...parts: string[]): Reply {
  return (res) => {
    writeDeltas(res, parts);
    res.end(
      `data: ${JSON.stringify({ error: { message: "overloaded", type: "server_error" } })}\n\n`,
    );
  };
}

/** Starts one fake server for the calling test file and resets it after each test. */
export function useFakeOpenAI(): () => FakeOpenAI {
  let fake: FakeOpenAI | undefined;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterEach(() => fake?.reset());
  afterAll(() => fake?.close());
  return () => {
    if (!fake) throw new Error("the fake server is not started");
    return fake;
  };
}

/** A client pointed at the fake server, with an empty environment and no retries. */
export function fakeClient(fake: FakeOpenAI, options: LlmOptions = {}): Llm {
  return llm({ apiKey: "sk-test", baseURL: fake.baseURL, env: {}, maxRetries: 0, ...options });
}
