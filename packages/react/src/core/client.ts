// Framework-free client of the @otpkit/bff contract (docs/http-contract.md). No React here: `no-react.test.ts`
// proves it. Written for size (it ships in every app that uses the kit, see bench/react-size.mjs): it checks only
// what the flow runs on, and trusts the rest of a body that came from the handler.
import type {
  OtpErrorCode,
  ResendRequest,
  SendRequest,
  SendResponse,
  VerifyRequest,
  VerifyResponse,
} from './contract.js';

/** The `fetch` the client calls: the global one, or e.g. an in-process handler in tests and Storybook. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** A bot-check token (Turnstile, hCaptcha, reCAPTCHA), or a function that gets a fresh one: widget tokens are single
 * use, so the function is called for every send and resend (e.g. `() => turnstile.getResponse(widgetId)`, or
 * `() => grecaptcha.execute(siteKey, { action: 'otp' })`). Undefined or '': the request goes without one. */
export type BotTokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface OtpClientOptions {
  /** Base path where the BFF handler is mounted. @defaultValue '/api/otp' */
  endpoint?: string;
  /** @defaultValue globalThis.fetch (looked up at call time) */
  fetch?: FetchLike;
  /** The `botToken` of every send and resend that does not bring its own, where the server runs a bot check. A
   * function that throws fails the request with `bot_check_failed` (status 0). */
  botToken?: BotTokenSource;
}

/** Aborts the request (it then fails with `network_error`). */
interface Abortable {
  signal?: AbortSignal;
}

/** What `send` and `resend` resolve: the body, plus the server's clock when the response said it. */
export interface SendResult extends SendResponse {
  /** Epoch ms from the response's `Date` header (1 s resolution), or null when absent or unreadable. */
  serverNow: number | null;
}

export interface OtpClient {
  send(input: SendRequest & Abortable): Promise<SendResult>;
  verify(input: VerifyRequest & Abortable): Promise<VerifyResponse>;
  resend(input: ResendRequest & Abortable): Promise<SendResult>;
}

export interface OtpClientErrorOptions {
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** Plain English for developers (from the server, or the client's own). */
  message: string;
  /** Seconds, on `rate_limited` and `too_many_attempts` (the body's `retryAfter`). */
  retryAfter?: number;
  cause?: unknown;
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

  constructor(code: OtpErrorCode, options: OtpClientErrorOptions) {
    // (Error reads only `cause` from its options; `message` and `cause` are its own already.)
    super(options.message, options);
    Object.assign(this, options, { code });
  }
}

export function createOtpClient({ endpoint = '/api/otp', fetch, botToken }: OtpClientOptions = {}): OtpClient {
  endpoint = endpoint.replace(/\/+$/, '');

  // One route's request. `payload` is the request body: the input without its signal (an absent locale is left out
  // by JSON.stringify).
  const post =
    (route: keyof OtpClient) =>
    async ({ signal, ...payload }: Abortable & { botToken?: string }) => {
      const url = `${endpoint}/${route}`;
      // A fresh token per send and resend (asked for here, when the request goes out), unless the call brought one.
      if (route !== 'verify' && payload.botToken === undefined && botToken)
        try {
          payload.botToken = (typeof botToken === 'function' ? await botToken() : botToken) || undefined;
        } catch (cause) {
          throw new OtpClientError('bot_check_failed', { status: 0, message: 'botToken() failed', cause });
        }
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
        throw new OtpClientError('network_error', { status: 0, message: `${url}: no response`, cause });
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
      // The contract's error body as it stands (code, message, retryAfter when given), plus the HTTP status.
      if (!ok && typeof error?.code === 'string') throw new OtpClientError(error.code, { ...error, status });
      // A proxy's HTML error page, or a dev server's SPA fallback answering 200 with index.html: say where to look.
      throw new OtpClientError('internal_error', {
        status,
        message: `${url} answered HTTP ${status} ${headers.get('content-type')}, not otpkit JSON: is the handler mounted there?`,
      });
    };

  return {
    send: post('send'),
    verify: post('verify'),
    resend: post('resend'),
  };
}
