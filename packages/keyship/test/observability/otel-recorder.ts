/**
 * A minimal OpenTelemetry SDK for tests, written against the public API only: a TracerProvider
 * that records finished spans, and an AsyncLocalStorage context manager. Registered through
 * `trace.setGlobalTracerProvider` / `context.setGlobalContextManager`, exactly as the Node SDK
 * registers itself, so keyship's code under test is unchanged.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import {
  type Attributes,
  type AttributeValue,
  type Context,
  type ContextManager,
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";

/** A finished span as the recorder saw it. */
export interface RecordedSpan {
  readonly scope: string;
  name: string;
  readonly kind: SpanKind;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: Record<string, AttributeValue | undefined>;
  status: SpanStatus;
  ended: boolean;
}

class RecordingSpan implements Span {
  readonly #context: SpanContext;
  readonly record: RecordedSpan;
  readonly #onEnd: (span: RecordedSpan) => void;

  constructor(record: RecordedSpan, spanContext: SpanContext, onEnd: (span: RecordedSpan) => void) {
    this.record = record;
    this.#context = spanContext;
    this.#onEnd = onEnd;
  }

  spanContext(): SpanContext {
    return this.#context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.record.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.record.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.record.status = status;
    return this;
  }
  updateName(name: string): this {
    this.record.name = name;
    return this;
  }
  end(): void {
    if (this.record.ended) return;
    this.record.ended = true;
    this.#onEnd(this.record);
  }
  isRecording(): boolean {
    return !this.record.ended;
  }
  recordException(): void {}
}

class RecordingTracer implements Tracer {
  readonly #scope: string;
  readonly #spans: RecordedSpan[];

  constructor(scope: string, spans: RecordedSpan[]) {
    this.#scope = scope;
    this.#spans = spans;
  }

  startSpan(name: string, options: SpanOptions = {}, parentContext?: Context): Span {
    const parent = trace.getSpanContext(parentContext ?? context.active());
    const hasParent = parent !== undefined && isSpanContextValid(parent);
    const spanContext: SpanContext = {
      traceId: hasParent ? parent.traceId : randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      traceFlags: TraceFlags.SAMPLED,
    };
    const record: RecordedSpan = {
      scope: this.#scope,
      name,
      kind: options.kind ?? SpanKind.INTERNAL,
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      parentSpanId: hasParent ? parent.spanId : undefined,
      attributes: { ...options.attributes },
      status: { code: SpanStatusCode.UNSET },
      ended: false,
    };
    return new RecordingSpan(record, spanContext, (span) => this.#spans.push(span));
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    parentContext: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : {};
    const parent = rest.length > 2 ? (rest[1] as Context) : context.active();
    const span = this.startSpan(name, options, parent);
    return context.with(trace.setSpan(parent, span), () => fn(span)) as ReturnType<F>;
  }
}

/** Records every span ended through any tracer it hands out. */
export class RecordingTracerProvider implements TracerProvider {
  readonly spans: RecordedSpan[] = [];

  getTracer(name: string): Tracer {
    return new RecordingTracer(name, this.spans);
  }

  /** The finished spans named `name`. */
  named(name: string): RecordedSpan[] {
    return this.spans.filter((span) => span.name === name);
  }
}

/** A context manager over AsyncLocalStorage, as `@opentelemetry/context-async-hooks` does. */
class AsyncLocalContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

/**
 * Registers a fresh recorder and context manager globally (after removing any previous ones).
 * @returns the provider, and `unregister()` for `afterAll`
 */
export function registerRecorder(): { provider: RecordingTracerProvider; unregister(): void } {
  trace.disable();
  context.disable();
  const provider = new RecordingTracerProvider();
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalContextManager());
  return {
    provider,
    unregister() {
      trace.disable();
      context.disable();
    },
  };
}
