// The helpers a provider module needs, public as `@otpkit/bff/provider-kit`, so a third provider is one file:
// posts with a timeout that never retry, error-table mapping, unreadable-answer handling, Basic auth and locale
// matching. See "Write a provider" in the package README.
import type { ErrorCode, Locale } from '../contract.js';
import { toBase64, utf8 } from '../crypto.js';
import { OtpError } from '../errors.js';

export type { Channel, ErrorCode, Locale } from '../contract.js';
export { OtpError } from '../errors.js';
export type * from './types.js';

/** A fetch-style function: the providers call one, tests pass a simulator's. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * One row of a provider's error table: the contract code, what the provider code means (for the operator's log),
 * and the wait for a `rate_limited` whose provider gives none (the contract promises `retryAfter` on every 429).
 */
export type ErrorRow = readonly [code: ErrorCode, meaning: string, retryAfter?: number];

export interface UpstreamReply {
  status: number;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
}

/**
 * The platform fetch, looked up at call time: a detached `window.fetch` throws "Illegal invocation" in browsers
 * when called with another `this`, and a test may install its own global after the provider was created.
 */
export const platformFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

export interface PostOptions {
  /** The provider's name, for messages: 'UniMTX error 105300: …'. */
  provider: string;
  fetch: FetchLike;
  url: string;
  headers?: Record<string, string>;
  signal: AbortSignal;
}

/**
 * A provider's API never redirects, and a redirected POST would carry its signed body elsewhere: a redirect is never
 * followed. 'error' makes it a network failure; with `window: null` as well, Node's fetch (undici) also skips the
 * copy it makes of every request that could follow one (a tee of the body stream: about 2% of a verify's CPU,
 * profiled). Cloudflare's workerd supports only 'follow' and 'manual' (and no `window`): there a redirect is
 * answered as it is, a 3xx the provider code reads as unreadable.
 */
const NO_REDIRECT: RequestInit =
  (globalThis.navigator as { userAgent?: string } | undefined)?.userAgent === 'Cloudflare-Workers'
    ? { redirect: 'manual' }
    : { redirect: 'error', window: null };

/**
 * POSTs once (never retried: without an idempotency key a retried send can deliver a second SMS and a retried
 * verify burns the code) and reads the answer as JSON. A timeout, an abort or a network failure is
 * `provider_unavailable`; the same signal bounds reading the body, which can hang too.
 */
async function post(options: PostOptions, contentType: string, body: string): Promise<UpstreamReply> {
  const { provider, fetch, url, headers, signal } = options;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/json', ...headers },
      body,
      signal,
      ...NO_REDIRECT,
    });
    text = await response.text();
  } catch (cause) {
    // A timeout may come after the provider acted; a failure to connect comes before it sent anything.
    const message = signal.aborted
      ? `${provider} did not answer in time.`
      : `${provider} could not be reached (network failure).`;
    const outcome = signal.aborted
      ? new CallOutcome('timeout', true, cause)
      : new CallOutcome('network', !failedToConnect(cause), cause);
    throw new OtpError('provider_unavailable', { message, cause: outcome });
  }
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: undefined };
  }
}

/** POSTs a JSON body. */
export const postJson = (options: PostOptions & { body: unknown }): Promise<UpstreamReply> =>
  post(options, 'application/json', JSON.stringify(options.body));

/** POSTs an `application/x-www-form-urlencoded` body (Twilio-style APIs). */
export const postForm = (options: PostOptions & { body: Record<string, string> }): Promise<UpstreamReply> =>
  post(options, 'application/x-www-form-urlencoded', new URLSearchParams(options.body).toString());

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
  // The provider answered with its own error code: it says it did not do what was asked.
  const cause = new CallOutcome('refused', false);
  const row = table[String(code)];
  if (row) {
    return new OtpError(row[0], { message: `${provider} error ${code}: ${row[1]}.`, retryAfter: row[2], cause });
  }
  // Not in the table: a 5xx is most likely transient, anything else we cannot act on.
  return httpStatus >= 500
    ? new OtpError('provider_unavailable', { message: `${provider} error ${code} (HTTP ${httpStatus}).`, cause })
    : new OtpError('provider_error', {
        message: `${provider} error ${code}: undocumented (HTTP ${httpStatus}).`,
        cause,
      });
}

/** For a reply that is not the provider's documented JSON (an HTML error page, a proxy's 502, garbage). */
export function unreadable(provider: string, httpStatus: number): OtpError {
  // A 2xx we cannot read may well have sent the message; so may a bare 500 or 502/504 from a proxy whose upstream
  // acted. A 503 (no upstream) and a 4xx (refused at the door) did not get that far.
  const cause = new CallOutcome('unreadable', httpStatus < 300 || (httpStatus >= 500 && httpStatus !== 503));
  return httpStatus >= 500
    ? new OtpError('provider_unavailable', { message: `${provider} failed with HTTP ${httpStatus}.`, cause })
    : new OtpError('provider_error', {
        message: `${provider} answered something that is not its documented JSON (HTTP ${httpStatus}).`,
        cause,
      });
}

/**
 * Attached as the `cause` of the errors above: how a provider call ended, and whether the provider may have acted
 * on it (a message sent) although the call failed. `failover()` reads it through `mayHaveGoneOut`. Holds no
 * request data.
 */
export class CallOutcome extends Error {
  override readonly name = 'CallOutcome';
  constructor(
    readonly kind: 'timeout' | 'network' | 'refused' | 'unreadable',
    readonly mayHaveGoneOut: boolean,
    cause?: unknown,
  ) {
    super(
      kind === 'refused'
        ? 'the provider refused the request'
        : `${kind}${mayHaveGoneOut ? ': the provider may have acted on the request' : ': nothing was sent'}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** Error codes of a connection that was never made (Node's fetch puts them on `cause`, or deeper). */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** True when the failure happened before the request could be written (refused, DNS, unreachable). */
function failedToConnect(error: unknown): boolean {
  for (let current = error, depth = 0; isObject(current) && depth < 5; depth++) {
    if (typeof current.code === 'string' && NOT_CONNECTED.has(current.code)) return true;
    const errors = current.errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every(failedToConnect)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Whether a failed send may still have delivered a message. A provider's own refusal (an error code, a
 * `rate_limited`, `undeliverable`…) did not; a timeout or an unreadable success may have. An error that says
 * neither (a provider not written with this kit) counts as "may have" when it is a `provider_unavailable` or not an
 * OtpError at all: a second message is worse than a failure the user can retry.
 */
export function mayHaveGoneOut(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const flag = (current as { mayHaveGoneOut?: unknown }).mayHaveGoneOut;
    if (typeof flag === 'boolean') return flag;
    current = current.cause;
  }
  return !(error instanceof OtpError) || error.code === 'provider_unavailable';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** HTTP Basic auth over the UTF-8 bytes (btoa alone throws on non-Latin-1 characters). */
export function basicAuth(user: string, password: string): string {
  return `Basic ${toBase64(utf8(`${user}:${password}`))}`;
}

/**
 * The provider's language for a BCP 47 tag, from a table keyed by lower-case tags: the whole tag first, then
 * shorter prefixes (`zh-Hant-TW` -> `zh-hant-tw`, `zh-hant`, `zh`). Undefined when nothing matches, so the
 * provider falls back to its default. Old underscore spellings (`zh_CN`) are read as hyphens.
 */
export function matchLocale<T>(locale: Locale | undefined, table: Readonly<Record<string, T>>): T | undefined {
  if (!locale) return undefined;
  const parts = locale.replace(/_/g, '-').toLowerCase().split('-');
  for (let n = parts.length; n > 0; n--) {
    const hit = table[parts.slice(0, n).join('-')];
    if (hit !== undefined) return hit;
  }
  return undefined;
}
