// OpenTelemetry through `@opentelemetry/api`, an optional peer: a span per send, resend and verify, and a counter
// of lifecycle events, reported to whatever SDK the app registered. No API package, or no SDK registered: nothing
// happens (the API's own no-op). The package is loaded at run time by a name bundlers do not follow, so an edge
// bundle without it still builds. Attributes never hold a recipient, a code or an id.

interface Span {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}
interface OtelApi {
  trace: { getTracer(name: string): { startActiveSpan<T>(name: string, run: (span: Span) => T): T } };
  metrics: {
    getMeter(name: string): {
      createCounter(
        name: string,
        options?: { description?: string },
      ): { add(n: number, attributes?: Record<string, string>): void };
    };
  };
}

/** The API's SpanStatusCode.ERROR. */
const ERROR = 2;

let loading: Promise<OtelApi | undefined> | undefined;
let events: { add(n: number, attributes?: Record<string, string>): void } | undefined;

/** The OpenTelemetry API, or undefined when the app does not have it (loaded once). */
function otel(): Promise<OtelApi | undefined> {
  const name = '@opentelemetry/api';
  loading ??= (import(/* webpackIgnore: true */ /* @vite-ignore */ name) as Promise<OtelApi>).then(
    (api) => {
      events = api.metrics
        .getMeter('otpkit')
        .createCounter('otpkit.events', { description: 'Verification lifecycle events, by type and reason.' });
      return api;
    },
    () => undefined,
  );
  return loading;
}

/** Runs one flow step in a span named `otpkit.<step>`; a refusal marks the span with its contract code. */
export async function traced<T>(step: string, run: () => Promise<T>, describe: (result: T) => string): Promise<T> {
  const api = await otel();
  if (!api) return run();
  return api.trace.getTracer('otpkit').startActiveSpan(`otpkit.${step}`, async (span) => {
    try {
      const result = await run();
      span.setAttribute('otpkit.outcome', describe(result));
      return result;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      span.setAttribute('otpkit.outcome', typeof code === 'string' ? code : 'internal_error');
      span.setStatus({ code: ERROR, message: typeof code === 'string' ? code : 'internal_error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Counts an event on `otpkit.events` (type, and reason / status / purpose / provider where the event has them). */
export function countEvent(event: {
  type: string;
  reason?: string;
  status?: string;
  purpose?: string;
  provider?: string;
}): void {
  if (!events) return;
  const attributes: Record<string, string> = { type: event.type };
  for (const key of ['reason', 'status', 'purpose', 'provider'] as const) {
    const value = event[key];
    if (value !== undefined) attributes[key] = value;
  }
  events.add(1, attributes);
}
