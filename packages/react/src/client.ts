// Framework-free client of the @otpkit/bff contract. No React here: `no-react.test.ts` proves it.
// Written for size (it ships in every app that uses the kit, see bench/react-size.mjs): plain functions, one
// lookup list, optional chaining instead of type-guard helpers.
import type { Locale, OtpErrorCode, SendResult, VerifyResponse } from './types.js';

export interface OtpClientOptions {
  /** Base path where the BFF handler is mounted. @defaultValue '/api/otp' */
  endpoint?: string;
  /** @defaultValue globalThis.fetch (looked up at call time) */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

export interface OtpClient {
  send(to: string, locale?: Locale, signal?: AbortSignal): Promise<SendResult>;
  verify(verificationId: string, code: string, signal?: AbortSignal): Promise<VerifyResponse>;
  resend(verificationId: string, signal?: AbortSignal): Promise<SendResult>;
}

/** The one error the client throws: a contract error, `network_error`, or an unreadable answer. */
export class OtpClientError extends Error {
  override readonly name = 'OtpClientError';
  declare readonly code: OtpErrorCode;
  /** HTTP status; 0 when no response arrived. */
  declare readonly status: number;
  /** Seconds, on `rate_limited` (and `too_many_attempts` when the server gives one). */
  declare readonly retryAfter?: number;

  constructor(code: OtpErrorCode, status: number, message: string, retryAfter?: number, options?: { cause?: unknown }) {
    super(message, options);
    Object.assign(this, { code, status, retryAfter });
  }
}

/** Error codes that are a flow status of their own (the machine's `status`); the others are status `error`. */
export const STATUS_CODES: OtpErrorCode[] = ['already_verified', 'expired', 'rate_limited', 'too_many_attempts'];
// The contract's error codes (shared/spec/http-contract.md). Anything else in an error body is not our handler.
const CODES: string[] = [
  ...STATUS_CODES,
  ...'invalid_request invalid_phone forbidden not_found method_not_allowed payload_too_large unsupported_media_type undeliverable internal_error provider_error provider_unavailable'.split(
    ' ',
  ),
];

// Bodies are read loosely (`any`): each field the kit relies on is checked below, the rest is passed through.
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked field by field
type Body = any;

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/** A send/resend body the flow can run on: an id, a masked recipient, a known channel, real times, counts. */
const isSendResponse = (b: Body) =>
  typeof b?.verificationId === 'string' &&
  b.verificationId &&
  typeof b.to === 'string' &&
  ['sms', 'whatsapp', 'email', 'voice'].includes(b.channel) &&
  Date.parse(b.expiresAt) &&
  Date.parse(b.resendAt) &&
  isCount(b.attemptsLeft) &&
  isCount(b.codeLength) &&
  b.codeLength;

const isVerifyResponse = (b: Body) =>
  b?.verified === true ? typeof b.proof === 'string' && b.proof : b?.verified === false && isCount(b.attemptsLeft);

export function createOtpClient({ endpoint = '/api/otp', fetch }: OtpClientOptions = {}): OtpClient {
  endpoint = endpoint.replace(/\/+$/, '');

  async function post(route: 'send' | 'verify' | 'resend', payload: object, signal?: AbortSignal): Promise<Body> {
    const url = `${endpoint}/${route}`;
    let response: Response;
    let body: Body;
    try {
      // Looked up at call time and called unbound: calling window.fetch as a method of another object throws
      // "TypeError: Illegal invocation" in browsers, and tests may replace globalThis.fetch after the client exists.
      // (credentials: fetch's default, 'same-origin', is what the handler expects.)
      response = await (fetch ?? globalThis.fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal,
      } as RequestInit);
      body = await response.text();
    } catch (cause) {
      throw new OtpClientError('network_error', 0, `POST ${url}: no response`, undefined, { cause });
    }
    try {
      body = JSON.parse(body);
    } catch {}
    const verify = route === 'verify';
    if (response.ok && (verify ? isVerifyResponse : isSendResponse)(body)) {
      // send/resend: the server's clock from the `Date` header (null when absent, or hidden by CORS).
      const date = Date.parse(response.headers.get('date') as string);
      return verify ? body : { ...body, serverNow: date || null };
    }

    const error = body?.error;
    if (!response.ok && CODES.includes(error?.code)) {
      throw new OtpClientError(
        error.code,
        response.status,
        typeof error.message === 'string' ? error.message : error.code,
        // The body's retryAfter, else the Retry-After header (seconds; parseInt of a missing header is NaN).
        [error.retryAfter, parseInt(response.headers.get('retry-after') as string, 10)].find(isCount),
      );
    }
    // A proxy's HTML error page, or a dev server's SPA fallback answering 200 with index.html: say where to look.
    throw new OtpClientError(
      'internal_error',
      response.status,
      `POST ${url} answered HTTP ${response.status} ${response.headers.get('content-type')}, not otpkit JSON: is the handler mounted there?`,
    );
  }

  return {
    send: (to, locale, signal) => post('send', { to, locale }, signal),
    resend: (verificationId, signal) => post('resend', { verificationId }, signal),
    verify: (verificationId, code, signal) => post('verify', { verificationId, code }, signal),
  };
}
