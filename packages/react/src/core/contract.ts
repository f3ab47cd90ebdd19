// The browser side of the @otpkit/bff HTTP contract (docs/http-contract.md): types only, so nothing here reaches a
// bundle. @otpkit/bff declares the same types for its side; a type test in bff fails when the two drift, so change
// them together.

/** The channel the provider reported for the delivery. */
export type Channel = 'sms' | 'whatsapp' | 'email' | 'voice';

/**
 * The language of the message template, as a BCP 47 language tag: `'en'`, `'zh-CN'`, `'zh-HK'`, `'ja'`, `'th'`,
 * `'es'`, `'pt-BR'`, … Provider-neutral: the server maps it to its provider's template languages (and still
 * accepts the older underscore spellings such as `zh_CN`).
 */
export type Locale = string;

/** The contract's error codes, plus `network_error` (the request never got an answer; client side only). */
export type OtpErrorCode =
  | 'invalid_request'
  | 'invalid_phone'
  | 'forbidden'
  | 'bot_check_failed'
  | 'not_found'
  | 'method_not_allowed'
  | 'already_verified'
  | 'expired'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'undeliverable'
  | 'channel_unavailable'
  | 'too_many_attempts'
  | 'rate_limited'
  | 'internal_error'
  | 'provider_error'
  | 'provider_unavailable'
  | 'network_error';

/** Body of `POST …/send`. */
export interface SendRequest {
  /** E.164 phone number or e-mail address. */
  to: string;
  locale?: Locale;
  /** What the verification is for (`sign-in`, `change-phone`, …): one of the purposes the server declares. The
   * server's proof carries it. Unset: the server's `default` purpose. */
  purpose?: string;
  /** The bot-check widget's token (Turnstile, hCaptcha, reCAPTCHA), where the server runs a bot check: single use,
   * so every send and resend carries a fresh one. Ignored by a server without one. */
  botToken?: string;
  /** Ask for this channel instead of the server's default ("Send by WhatsApp", "Call me"); one the provider cannot
   * be asked for is 422 channel_unavailable. Unset: the provider's default. */
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
  /** Masked by the server, e.g. `+86*******5678`. */
  to: string;
  channel: Channel;
  /** ISO 8601, on the SERVER's clock. */
  expiresAt: string;
  /** ISO 8601, on the SERVER's clock. */
  resendAt: string;
  attemptsLeft: number;
  codeLength: number;
}

/** Body of `POST …/status`. */
export interface StatusRequest {
  verificationId: string;
}

/**
 * What the provider's delivery reports said about the code's message: `pending` before any report, `sent`
 * (accepted by the carrier), `delivered`, `failed` (try another channel); `unknown` where the server does not read
 * delivery reports (nothing more will be known).
 */
export type Delivery = 'pending' | 'sent' | 'delivered' | 'failed' | 'unknown';

/** 200 body of `POST …/status`. */
export interface StatusResponse {
  delivery: Delivery;
}

/** 200 body of `POST …/verify`. */
export type VerifyResponse = { verified: true; proof: string } | { verified: false; attemptsLeft: number };

/** Body of every non-2xx answer. `code` is a string, not `OtpErrorCode`: a newer server may know more codes. */
export type ErrorBody = { error: { code: string; message: string; retryAfter?: number } };
