/**
 * A streamed answer: an async iterable of text deltas that also settles the final result.
 * @module
 */
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { LlmError, LlmUpstreamError, toLlmError } from "./errors.ts";
import { type LlmFinishReason, type LlmUsage, toLlmUsage } from "./request.ts";

/** What a finished stream produced. */
export interface LlmStreamResult {
  /** All deltas joined. */
  readonly text: string;
  /** Token counts from the last chunk, or `undefined` when the provider sent none. */
  readonly usage: LlmUsage | undefined;
  /** The model that answered, as the provider names it. */
  readonly model: string;
  /** Why the model stopped. */
  readonly finishReason: LlmFinishReason;
}

/** Opens the provider's chunk stream; aborting `signal` must end it. */
export type OpenChunkStream = (signal: AbortSignal) => Promise<AsyncIterable<ChatCompletionChunk>>;

/** Options of {@link LlmStream}. */
export interface LlmStreamOptions {
  /** Fail with `llm.timeout` when no chunk arrives for this many milliseconds. */
  readonly idleTimeoutMs: number;
  /** The caller's abort signal; when it fires the stream fails with `llm.aborted`. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A streamed answer, returned by `ai.stream()`. Nothing is sent until you iterate it or
 * call `final()`. Iterate it once with `for await`: it yields the text deltas in order.
 * `usage` and `final()` settle when the stream ends; if the stream fails or you `break`
 * out early (which aborts the upstream request), they reject with the same {@link LlmError}.
 *
 * @example
 * const answer = ai.stream({ user: "Write a haiku" });
 * for await (const delta of answer) process.stdout.write(delta);
 * const { usage } = await answer.final();
 * @throws LlmUpstreamError from iteration, `usage` and `final()` (`llm.timeout`,
 *   `llm.rate_limited`, `llm.unavailable`, `llm.auth_failed`, `llm.bad_request`,
 *   `llm.upstream_error`, `llm.aborted`)
 */
export class LlmStream implements AsyncIterable<string> {
  /** The token counts, once the stream has ended (`undefined` if the provider sent none). */
  readonly usage: Promise<LlmUsage | undefined>;

  readonly #open: OpenChunkStream;
  readonly #idleTimeoutMs: number;
  readonly #controller = new AbortController();
  readonly #result: Promise<LlmStreamResult>;
  #resolve!: (result: LlmStreamResult) => void;
  #reject!: (error: LlmError) => void;
  #isSettled = false;
  #isIterated = false;
  #deltas: AsyncGenerator<string, void, undefined> | undefined;
  #forgetSignal: () => void = () => {};

  /**
   * Created by `ai.stream()`; you do not call this yourself.
   * @param open opens the provider's chunk stream
   * @param options the idle timeout and the caller's signal
   */
  constructor(open: OpenChunkStream, options: LlmStreamOptions) {
    this.#open = open;
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#result = new Promise<LlmStreamResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.usage = this.#result.then((result) => result.usage);
    // A failure nobody asked about is not an unhandled rejection; awaiting still throws.
    this.#result.catch(() => {});
    this.usage.catch(() => {});
    const signal = options.signal;
    if (signal?.aborted) this.abort();
    else if (signal) {
      const onAbort = () => this.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      // A long-lived caller signal must not collect one listener per finished stream.
      this.#forgetSignal = () => signal.removeEventListener("abort", onAbort);
    }
  }

  /**
   * Iterates the text deltas, in order. A stream can be iterated only once.
   * @throws TypeError when iterated a second time
   */
  [Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.#isIterated) throw new TypeError("keyship/llm: a stream can be iterated only once.");
    this.#isIterated = true;
    return this.#getDeltas();
  }

  /**
   * Reads whatever is left of the stream and returns the whole answer.
   * @returns the joined text, usage, model and finish reason
   * @example
   * const { text, usage } = await ai.stream({ user: "Hi" }).final();
   * @throws LlmUpstreamError as described on {@link LlmStream}
   */
  async final(): Promise<LlmStreamResult> {
    this.#isIterated = true;
    for await (const _delta of this.#getDeltas()) {
      // drain
    }
    return this.#result;
  }

  /** Stops the stream and the upstream request; pending reads end with `llm.aborted`. */
  abort(): void {
    this.#controller.abort();
  }

  #getDeltas(): AsyncGenerator<string, void, undefined> {
    this.#deltas ??= this.#run();
    return this.#deltas;
  }

  #settle(outcome: LlmStreamResult | LlmError): void {
    if (this.#isSettled) return;
    this.#isSettled = true;
    this.#forgetSignal();
    if (outcome instanceof LlmError) this.#reject(outcome);
    else this.#resolve(outcome);
  }

  async *#run(): AsyncGenerator<string, void, undefined> {
    const signal = this.#controller.signal;
    let chunks: AsyncIterator<ChatCompletionChunk> | undefined;
    let text = "";
    let usage: LlmUsage | undefined;
    let model = "";
    let finishReason: LlmFinishReason = null;
    try {
      if (signal.aborted) throw aborted();
      chunks = (await this.#open(signal))[Symbol.asyncIterator]();
      for (;;) {
        const step = await this.#nextWithin(chunks);
        // The SDK ends a stream silently when it is aborted, so ask the signal.
        if (signal.aborted) throw aborted();
        if (step.done) break;
        const chunk = step.value;
        if (chunk.model) model = chunk.model;
        usage = toLlmUsage(chunk.usage) ?? usage;
        const choice = chunk.choices[0];
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        const delta = choice?.delta?.content;
        if (delta) {
          text += delta;
          yield delta;
        }
      }
      this.#settle({ text, usage, model, finishReason });
    } catch (error) {
      const failure = toLlmError(error);
      this.#settle(failure);
      throw failure;
    } finally {
      if (!this.#isSettled) {
        // The consumer left early (`break`): stop the upstream request.
        this.#controller.abort();
        this.#settle(aborted());
      }
      // Let the SDK release the connection; never wait on it.
      if (signal.aborted) chunks?.return?.().catch(() => undefined);
    }
  }

  async #nextWithin(
    chunks: AsyncIterator<ChatCompletionChunk>,
  ): Promise<IteratorResult<ChatCompletionChunk>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(
          new LlmUpstreamError(
            "llm.timeout",
            `The model provider sent nothing for ${this.#idleTimeoutMs} ms.`,
          ),
        );
        this.#controller.abort();
      }, this.#idleTimeoutMs);
    });
    try {
      return await Promise.race([chunks.next(), idle]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function aborted(): LlmUpstreamError {
  return new LlmUpstreamError("llm.aborted", "The stream was aborted before it ended.");
}
