import { type ErrorCode, OtpError } from '../errors.js';

/** The `fetch` the providers call; tests pass a simulator's. */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** One row of a provider's error table: the contract code, and what the provider code means (for our message). */
export type ErrorRow = readonly [code: ErrorCode, meaning: string];

export interface UpstreamReply {
  status: number;
  /** The parsed body, or undefined when it was not JSON. */
  body: unknown;
}

/**
 * The platform fetch, looked up at call time: a detached `window.fetch` throws "Illegal invocation" in browsers
 * when called with another `this`, and a test may install its own global after the provider was created.
 */
export const platformFetch: FetchFn = (input, init) => globalThis.fetch(input, init);

/**
 * POSTs JSON once (never retried: neither provider has an idempotency key, so a retried send can deliver a second
 * SMS and a retried verify burns the code). A timeout, an abort or a network failure is `provider_unavailable`.
 */
export async function postJson(
  provider: string,
  fetch: FetchFn,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
): Promise<UpstreamReply> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    });
    // Reading the body can hang too; the same signal bounds it.
    text = await response.text();
  } catch (cause) {
    const message = signal.aborted
      ? `${provider} did not answer in time.`
      : `${provider} could not be reached (network failure).`;
    throw new OtpError('provider_unavailable', message, {}, { cause });
  }
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: undefined };
  }
}

/**
 * The OtpError for a provider error code. The message names the provider and its code (so an operator can look it
 * up) but never the provider's own `message`, which may echo the request (number, code, message id).
 */
export function providerError(
  provider: string,
  table: Readonly<Record<string, ErrorRow>>,
  code: string | number,
  httpStatus: number,
): OtpError {
  const row = table[String(code)];
  if (row) return new OtpError(row[0], `${provider} error ${code}: ${row[1]}.`);
  // Not in our table: a 5xx is most likely transient, anything else we cannot act on.
  return httpStatus >= 500
    ? new OtpError('provider_unavailable', `${provider} error ${code} (HTTP ${httpStatus}).`)
    : new OtpError('provider_error', `${provider} error ${code}: undocumented (HTTP ${httpStatus}).`);
}

/** For a reply that is not the provider's documented JSON (an HTML error page, a proxy's 502, garbage). */
export function unreadable(provider: string, httpStatus: number): OtpError {
  return httpStatus >= 500
    ? new OtpError('provider_unavailable', `${provider} failed with HTTP ${httpStatus}.`)
    : new OtpError(
        'provider_error',
        `${provider} answered something that is not its documented JSON (HTTP ${httpStatus}).`,
      );
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
