// Framework-free client of the @otpkit/bff contract. No React here: `no-react.test.ts` proves it.
// Written for size (it ships in every app that uses the kit, see bench/react-size.mjs): it checks only what the
// flow runs on, and trusts the rest of a body that came from the handler.
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
  /** A code of the contract, `network_error`, or (from a newer server) a code this version does not know yet. */
  declare readonly code: OtpErrorCode;
  /** HTTP status; 0 when no response arrived. */
  declare readonly status: number;
  /** Seconds, on `rate_limited` and `too_many_attempts` (the body's `retryAfter`). */
  declare readonly retryAfter?: number;

  constructor(code: OtpErrorCode, status: number, message: string, retryAfter?: number, options?: { cause?: unknown }) {
    super(message, options);
    Object.assign(this, { code, status, retryAfter });
  }
}

/** Error codes that are a flow status of their own (the machine's `status`); the others are status `error`. */
export const STATUS_CODES: OtpErrorCode[] = ['already_verified', 'expired', 'rate_limited', 'too_many_attempts'];

export function createOtpClient({ endpoint = '/api/otp', fetch }: OtpClientOptions = {}): OtpClient {
  endpoint = endpoint.replace(/\/+$/, '');

  async function post(route: 'send' | 'verify' | 'resend', payload: object, signal?: AbortSignal) {
    const url = `${endpoint}/${route}`;
    let response: Response;
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked below where the kit relies on it
    let body: any;
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
      throw new OtpClientError('network_error', 0, `${url}: no response`, undefined, { cause });
    }
    try {
      body = JSON.parse(body);
    } catch {}
    const { status, ok, headers } = response;
    const verify = route === 'verify';
    const error = body?.error;
    // Only what the flow runs on is checked: a verify answer says `verified` (with a proof, or the attempts left),
    // a send answer carries a readable deadline. A newer server's unknown error code passes through (status
    // `error`, its own message), rather than being called "not otpkit".
    if (ok && (verify ? (body?.verified ? body.proof : body?.attemptsLeft >= 0) : Date.parse(body?.expiresAt)))
      // The server's clock from the `Date` header (null when absent, or hidden by CORS): see machine.ts `sent`.
      return verify ? body : { ...body, serverNow: Date.parse(headers.get('date') as string) || null };
    if (!ok && typeof error?.code === 'string')
      throw new OtpClientError(error.code, status, error.message, error.retryAfter);
    // A proxy's HTML error page, or a dev server's SPA fallback answering 200 with index.html: say where to look.
    throw new OtpClientError(
      'internal_error',
      status,
      `${url} answered HTTP ${status} ${headers.get('content-type')}, not otpkit JSON: is the handler mounted there?`,
    );
  }

  return {
    send: (to, locale, signal) => post('send', { to, locale }, signal),
    resend: (verificationId, signal) => post('resend', { verificationId }, signal),
    verify: (verificationId, code, signal) => post('verify', { verificationId, code }, signal),
  };
}
