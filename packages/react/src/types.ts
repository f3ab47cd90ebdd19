// The browser side of the @otpkit/bff contract (shared/spec/http-contract.md) and the state the hook exposes.
// Declared here rather than imported from @otpkit/bff so the client bundle never pulls server code.

/** Every status the verification flow can be in. */
export type OtpStatus =
  | 'idle'
  | 'sending'
  | 'code_sent'
  | 'verifying'
  | 'verified'
  | 'invalid_code'
  | 'expired'
  | 'already_verified'
  | 'too_many_attempts'
  | 'rate_limited'
  | 'error';

/** The contract's error codes, plus `network_error` (the request never got an answer; client side only). */
export type OtpErrorCode =
  | 'invalid_request'
  | 'invalid_phone'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'already_verified'
  | 'expired'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'undeliverable'
  | 'too_many_attempts'
  | 'rate_limited'
  | 'internal_error'
  | 'provider_error'
  | 'provider_unavailable'
  | 'network_error';

/** The channel the provider reported for the delivery. */
export type Channel = 'sms' | 'whatsapp' | 'email' | 'voice';

/** EngageLab's template languages: the `locale` of a send. */
export type Locale = 'default' | 'zh_CN' | 'zh_HK' | 'en' | 'ja' | 'th' | 'es';

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

/** 200 body of `POST …/verify`. */
export type VerifyResponse = { verified: true; proof: string } | { verified: false; attemptsLeft: number };

/** What `createOtpClient().send/resend` resolve: the body, plus the server's clock when the response said it. */
export interface SendResult extends SendResponse {
  /** Epoch ms from the response's `Date` header (1 s resolution), or null when absent or unreadable. */
  serverNow: number | null;
}

export interface OtpStateError {
  code: OtpErrorCode;
  /** Plain English for developers (from the server, or the client's own); show localized text to users. */
  message: string;
}

/** The state of one verification flow. Deadlines are epoch ms on the CLIENT's clock. */
export interface OtpState {
  status: OtpStatus;
  /** The open verification (opaque, from the server); null before a send and after a 404. */
  verificationId: string | null;
  /** Masked recipient, from the server. */
  to: string | null;
  channel: Channel | null;
  /** When the code expires (client clock). */
  expiresAt: number | null;
  /** When a resend is allowed (client clock). */
  resendAt: number | null;
  /** `rate_limited` / `too_many_attempts`: when to try again (client clock), from the server's `retryAfter`. */
  retryAt: number | null;
  attemptsLeft: number | null;
  /** Digits in the code; 6 until the server says otherwise. */
  codeLength: number;
  /** Signed token from a successful verify, for the app's server (`otp.verifyProof(proof)`). */
  proof: string | null;
  error: OtpStateError | null;
  /** Bumps on each wrong code (the input clears and refocuses). */
  wrongCodes: number;
}
