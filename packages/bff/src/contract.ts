// The browser-facing contract (docs/http-contract.md): the one source of its types on the server side.
// @otpkit/react declares the same shapes in packages/react/src/core/contract.ts (no runtime import of server code
// from the browser bundle); contract.test-d.ts fails the typecheck when the two drift.

/** The contract's error vocabulary, each with its HTTP status. */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_phone: 400,
  forbidden: 403,
  bot_check_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_verified: 409,
  expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  undeliverable: 422,
  channel_unavailable: 422,
  too_many_attempts: 429,
  rate_limited: 429,
  internal_error: 500,
  provider_error: 502,
  provider_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The channel the provider reported for the first delivery attempt. */
export type Channel = 'sms' | 'whatsapp' | 'email' | 'voice';

/**
 * A BCP 47 language tag (`en`, `zh-CN`, `pt-BR`): the language the message should be in. Provider-neutral: each
 * provider maps it to the languages it has, and falls back to its default for the rest.
 */
export type Locale = string;

/** The routes, by the last path segment. */
export const ROUTES = ['send', 'verify', 'resend', 'status'] as const;
export type Route = (typeof ROUTES)[number];

/** Body of `POST …/send`. */
export interface SendRequest {
  /** An E.164 number, or an e-mail address where the server allows e-mail. */
  to: string;
  locale?: Locale;
  /** What the verification is for (`sign-in`, `change-phone`, …): one of the purposes the server declares, else
   * 400 invalid_request. The proof carries it. Unset: the purpose `default`. */
  purpose?: string;
  /** The bot-check widget's token (Turnstile, hCaptcha, reCAPTCHA), where the server runs a bot check: single use,
   * so every send and resend carries a fresh one. Ignored by a server without one. */
  botToken?: string;
  /** Ask for this channel instead of the server's default (the drop-in's "Send by WhatsApp" / "Call me"). A
   * channel the provider cannot be asked for: 422 channel_unavailable. Unset: the provider's default. */
  channel?: Channel;
}

/** Body of `POST …/verify`. */
export interface VerifyRequest {
  verificationId: string;
  code: string;
}

/** Body of `POST …/resend`. */
export interface ResendRequest {
  verificationId: string;
  /** A fresh bot-check token (see `SendRequest.botToken`). */
  botToken?: string;
  /** As on send: the new code goes by this channel. */
  channel?: Channel;
}

/** 200 body of `POST …/send` and `POST …/resend`. */
export interface SendResponse {
  verificationId: string;
  /** Masked, e.g. `+86*******5678`. */
  to: string;
  channel: Channel;
  /** ISO 8601, on the server's clock. */
  expiresAt: string;
  /** ISO 8601, on the server's clock. */
  resendAt: string;
  attemptsLeft: number;
  codeLength: number;
}

/** Body of `POST …/status`. */
export interface StatusRequest {
  verificationId: string;
}

/**
 * What the provider's delivery reports said about a verification's message: `pending` before any report, `sent`
 * (accepted by the carrier), `delivered`, `failed`; `unknown` where the server does not read delivery reports.
 */
export type Delivery = 'pending' | 'sent' | 'delivered' | 'failed' | 'unknown';

/** 200 body of `POST …/status`. */
export interface StatusResponse {
  delivery: Delivery;
}

/** 200 body of `POST …/verify`. */
export type VerifyResponse = { verified: true; proof: string } | { verified: false; attemptsLeft: number };

/** Every non-200 body. `retryAfter` (seconds, also sent as `Retry-After`) is on every 429. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; retryAfter?: number };
}
