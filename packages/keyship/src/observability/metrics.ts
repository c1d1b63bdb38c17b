/**
 * keyship's metrics: a tiny in-process registry of counters and histograms, rendered in the
 * Prometheus text exposition format (version 0.0.4). No dependency, no Hono.
 *
 * Other modules record through {@link recordSignIn} and {@link recordTokenFailure}; the request
 * middleware records request latency. Recording is a map lookup and an addition, so it is on
 * whether or not `/metrics` is served.
 * @module
 */

/** Content type of the Prometheus text format. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * Upper bounds (seconds) of the request latency histogram: 5 ms to 10 s, which covers a cached
 * read as well as an argon2id password check on a slow machine.
 */
export const HTTP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/**
 * The most label combinations one metric keeps. Labels come from code (route patterns, codes,
 * methods), never from raw input, so this is a backstop: beyond it new series are dropped and
 * counted in `keyship_metrics_dropped_series_total`.
 */
export const MAX_SERIES_PER_METRIC = 1000;

/** Whether a sign-in attempt succeeded. */
export type SignInResult = "success" | "failure";

type Labels = readonly string[];

/** Prometheus label values escape backslash, double quote and newline. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return Number.isNaN(value) ? "NaN" : String(value);
}

function formatLabels(names: readonly string[], values: Labels, extra?: string): string {
  const pairs = names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? "")}"`);
  if (extra !== undefined) pairs.push(extra);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

let droppedSeries = 0;

/** A family of series keyed by label values, with the cardinality backstop. */
abstract class Metric<S> {
  readonly #series = new Map<string, { readonly labels: Labels; readonly state: S }>();
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];

  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  protected abstract newState(): S;
  protected abstract renderSeries(labels: Labels, state: S): string[];
  abstract readonly type: "counter" | "histogram";

  protected series(labels: Labels): S | undefined {
    const key = labels.join("\u0000");
    const found = this.#series.get(key);
    if (found !== undefined) return found.state;
    if (this.#series.size >= MAX_SERIES_PER_METRIC) {
      droppedSeries += 1;
      return undefined;
    }
    const state = this.newState();
    this.#series.set(key, { labels: [...labels], state });
    return state;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, state } of this.#series.values()) {
      lines.push(...this.renderSeries(labels, state));
    }
    return lines.join("\n");
  }
}

class Counter extends Metric<{ value: number }> {
  readonly type = "counter";

  protected newState(): { value: number } {
    return { value: 0 };
  }

  inc(labels: Labels, by = 1): void {
    const state = this.series(labels);
    if (state !== undefined) state.value += by;
  }

  protected renderSeries(labels: Labels, state: { value: number }): string[] {
    return [`${this.name}${formatLabels(this.labelNames, labels)} ${formatValue(state.value)}`];
  }
}

interface HistogramState {
  readonly counts: number[];
  sum: number;
  count: number;
}

class Histogram extends Metric<HistogramState> {
  readonly type = "histogram";
  readonly buckets: readonly number[];

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ) {
    super(name, help, labelNames);
    this.buckets = buckets;
  }

  protected newState(): HistogramState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }

  observe(labels: Labels, value: number): void {
    const state = this.series(labels);
    if (state === undefined) return;
    // Buckets are rendered cumulatively; here each observation lands in its first bucket.
    const index = this.buckets.findIndex((bound) => value <= bound);
    if (index >= 0) state.counts[index] = (state.counts[index] ?? 0) + 1;
    state.sum += value;
    state.count += 1;
  }

  protected renderSeries(labels: Labels, state: HistogramState): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    this.buckets.forEach((bound, i) => {
      cumulative += state.counts[i] ?? 0;
      const le = `le="${formatValue(bound)}"`;
      lines.push(`${this.name}_bucket${formatLabels(this.labelNames, labels, le)} ${cumulative}`);
    });
    const inf = formatLabels(this.labelNames, labels, 'le="+Inf"');
    lines.push(`${this.name}_bucket${inf} ${state.count}`);
    lines.push(
      `${this.name}_sum${formatLabels(this.labelNames, labels)} ${formatValue(state.sum)}`,
    );
    lines.push(`${this.name}_count${formatLabels(this.labelNames, labels)} ${state.count}`);
    return lines;
  }
}

const signIns = new Counter("keyship_signin_total", "Sign-in attempts by method and result.", [
  "method",
  "result",
]);

const tokenFailures = new Counter(
  "keyship_token_verification_failures_total",
  "Refused token verifications by error code.",
  ["code"],
);

const requestDuration = new Histogram(
  "keyship_http_request_duration_seconds",
  "HTTP request latency in seconds, by method, route pattern and status.",
  ["method", "route", "status"],
  HTTP_DURATION_BUCKETS,
);

const METRICS: readonly { render(): string }[] = [signIns, tokenFailures, requestDuration];

const LABEL_TOKEN = /^[a-z][a-z0-9_.-]{0,63}$/;

/** Keeps a code-supplied label value to a short token; anything else is `other`. */
function boundedLabel(value: string): string {
  const lowered = value.trim().toLowerCase();
  return LABEL_TOKEN.test(lowered) ? lowered : "other";
}

/**
 * Counts one sign-in attempt in `keyship_signin_total{method,result}`.
 * @param method how the user signed in: a short lowercase token such as `passkey`,
 *   `password`, `magic_link` or `oauth` (anything else is counted as `other`)
 * @param result `success` or `failure`
 * @example
 * recordSignIn("passkey", "success");
 */
export function recordSignIn(method: string, result: SignInResult): void {
  signIns.inc([boundedLabel(method), result === "success" ? "success" : "failure"]);
}

/**
 * Counts one refused token in `keyship_token_verification_failures_total{code}`.
 * @param code the stable error code, e.g. `token.expired` or `token.invalid`
 * @example
 * recordTokenFailure(error.code); // in the one place token errors are translated
 */
export function recordTokenFailure(code: string): void {
  tokenFailures.inc([boundedLabel(code)]);
}

/**
 * Records one HTTP request in `keyship_http_request_duration_seconds`. The request middleware
 * calls this; `route` must be the route pattern (`/users/:id`), never the raw path.
 * @param method the HTTP method (already normalised)
 * @param route the matched route pattern
 * @param status the response status
 * @param seconds how long the request took
 */
export function observeHttpRequest(
  method: string,
  route: string,
  status: number,
  seconds: number,
): void {
  requestDuration.observe([method, route, String(status)], seconds);
}

/**
 * Renders every metric in the Prometheus text exposition format.
 * @returns the body of a `/metrics` response (serve it as {@link PROMETHEUS_CONTENT_TYPE})
 * @example
 * app.get("/internal/metrics", (c) => c.body(renderMetrics(), 200, { "Content-Type": PROMETHEUS_CONTENT_TYPE }));
 */
export function renderMetrics(): string {
  const dropped = [
    "# HELP keyship_metrics_dropped_series_total Series dropped by the cardinality limit.",
    "# TYPE keyship_metrics_dropped_series_total counter",
    `keyship_metrics_dropped_series_total ${droppedSeries}`,
  ].join("\n");
  return `${[...METRICS.map((metric) => metric.render()), dropped].join("\n")}\n`;
}
