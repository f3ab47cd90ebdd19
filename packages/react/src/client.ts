// Framework-free client of the @otpkit/bff contract. No React here: `no-react.test.ts` proves it.
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

  constructor(
    readonly code: OtpErrorCode,
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    message: string,
    /** Seconds, on `rate_limited` (and `too_many_attempts` when the server gives one). */
    readonly retryAfter?: number,
    readonly attemptsLeft?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const CODES = new Set<string>([
  'invalid_request',
  'invalid_phone',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'already_verified',
  'expired',
  'payload_too_large',
  'unsupported_media_type',
  'undeliverable',
  'too_many_attempts',
  'rate_limited',
  'internal_error',
  'provider_error',
  'provider_unavailable',
]);
const CHANNELS = new Set<string>(['sms', 'whatsapp', 'email', 'voice']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
const isTime = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

function isSendResponse(body: unknown): body is Omit<SendResult, 'serverNow'> {
  return (
    isRecord(body) &&
    typeof body.verificationId === 'string' &&
    body.verificationId !== '' &&
    typeof body.to === 'string' &&
    typeof body.channel === 'string' &&
    CHANNELS.has(body.channel) &&
    isTime(body.expiresAt) &&
    isTime(body.resendAt) &&
    isCount(body.attemptsLeft) &&
    isCount(body.codeLength) &&
    body.codeLength > 0
  );
}

function isVerifyResponse(body: unknown): body is VerifyResponse {
  if (!isRecord(body)) return false;
  if (body.verified === true) return typeof body.proof === 'string' && body.proof !== '';
  return body.verified === false && isCount(body.attemptsLeft);
}

export function createOtpClient(options: OtpClientOptions = {}): OtpClient {
  const endpoint = (options.endpoint ?? '/api/otp').replace(/\/+$/, '');
  // Looked up at call time and called unbound: calling window.fetch as a method of another object throws
  // "TypeError: Illegal invocation" in browsers, and tests may replace globalThis.fetch after the client exists.
  const fetchImpl = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));

  async function post<T>(
    route: 'send' | 'verify' | 'resend',
    body: object,
    signal: AbortSignal | undefined,
    accept: (body: unknown) => body is T,
  ): Promise<{ body: T; response: Response }> {
    const url = `${endpoint}/${route}`;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
        ...(signal ? { signal } : {}),
      });
      text = await response.text();
    } catch (cause) {
      throw new OtpClientError('network_error', 0, `POST ${url} failed: no response`, undefined, undefined, {
        cause,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok && accept(parsed)) return { body: parsed, response };

    const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
    if (!response.ok && error && typeof error.code === 'string' && CODES.has(error.code)) {
      const retryHeader = Number(response.headers.get('retry-after'));
      const retryAfter = isCount(error.retryAfter) ? error.retryAfter : isCount(retryHeader) ? retryHeader : undefined;
      throw new OtpClientError(
        error.code as OtpErrorCode,
        response.status,
        typeof error.message === 'string' ? error.message : error.code,
        retryAfter,
        isCount(error.attemptsLeft) ? error.attemptsLeft : undefined,
      );
    }
    // A proxy's HTML error page, or a dev server's SPA fallback answering 200 with index.html: say where to look.
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new OtpClientError(
      'internal_error',
      response.status,
      `Unexpected response from POST ${url} (HTTP ${response.status}, ${type}). Is the otpkit handler mounted at "${endpoint}"?`,
    );
  }

  async function sendLike(route: 'send' | 'resend', body: object, signal?: AbortSignal): Promise<SendResult> {
    const { body: sent, response } = await post(route, body, signal, isSendResponse);
    const date = Date.parse(response.headers.get('date') ?? '');
    return { ...sent, serverNow: Number.isNaN(date) ? null : date };
  }

  return {
    send: (to, locale, signal) => sendLike('send', { to, locale }, signal),
    resend: (verificationId, signal) => sendLike('resend', { verificationId }, signal),
    verify: async (verificationId, code, signal) =>
      (await post('verify', { verificationId, code }, signal, isVerifyResponse)).body,
  };
}
