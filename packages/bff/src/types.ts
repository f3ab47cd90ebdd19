/** EngageLab's template languages; the contract's `locale`. */
export const LOCALES = ['default', 'zh_CN', 'zh_HK', 'en', 'ja', 'th', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** The channel the provider reported for the first delivery attempt. */
export type Channel = 'sms' | 'whatsapp' | 'email' | 'voice';

// ---------------------------------------------------------------------------------------------------------------
// Browser-facing bodies (the contract). @otpkit/react declares the same shapes on its side.

export interface SendResponse {
  verificationId: string;
  /** Masked, e.g. `+86*******5678`. */
  to: string;
  channel: Channel;
  expiresAt: string;
  resendAt: string;
  attemptsLeft: number;
  codeLength: number;
}

export type VerifyResponse = { verified: true; proof: string } | { verified: false; attemptsLeft: number };

// ---------------------------------------------------------------------------------------------------------------
// Providers

export interface ProviderSendInput {
  /** E.164 number or e-mail address, already validated. */
  to: string;
  locale?: Locale | undefined;
  /** Set when `codeSource` is 'local': the code the BFF generated, to deliver as is. */
  code?: string | undefined;
  /** Code lifetime the BFF assumes, for providers that take one per request (UniMTX). */
  ttlSeconds: number;
  codeLength: number;
  signal: AbortSignal;
}

export interface ProviderSendResult {
  /** The provider's message id. Server-side only: never sent to the browser or logged. */
  messageId: string;
  channel: Channel;
}

export interface ProviderVerifyInput {
  messageId: string;
  to: string;
  code: string;
  ttlSeconds: number;
  signal: AbortSignal;
}

/**
 * One OTP provider. Implementations map every provider error code to an `OtpError` of the contract
 * (see each module's table) and never retry on their own: a retried send can deliver a second SMS and a retried
 * verify burns an attempt or hits EngageLab's 3003.
 */
export interface OtpProvider {
  readonly name: string;
  /** 'provider': the platform generates and checks the code. 'local': the BFF generates, hashes and checks it. */
  readonly codeSource: 'provider' | 'local';
  /**
   * True when the provider refuses a second send to the same recipient while a code is still valid
   * (EngageLab 3004: "For the same template and the same target user, delivery cannot be made again within the
   * verification code validity period"). The BFF then never promises a `resendAt` before the code expires.
   */
  readonly blocksResendWhileValid: boolean;
  /** Code length, when the provider decides it (template setting) or the BFF does (custom mode). */
  readonly codeLength: number;
  send(input: ProviderSendInput): Promise<ProviderSendResult>;
  /** Absent when `codeSource` is 'local'. Resolves true/false for right/wrong; throws `OtpError` otherwise
   * (`expired` for EngageLab 3003: the handler decides from its own record whether that is expired or
   * already verified). */
  verify?(input: ProviderVerifyInput): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------------------------
// Store

/** One open verification, keyed by its opaque `id` (the browser's `verificationId`). Times are epoch ms. */
export interface VerificationRecord {
  id: string;
  /** Full recipient (needed for UniMTX verify and for per-number limits). Never logged unmasked. */
  to: string;
  channel: Channel;
  /** The locale of the first send, reused by resends (the resend body carries only the verification id). */
  locale?: Locale | undefined;
  /** Provider message id ('provider' mode). */
  messageId?: string | undefined;
  /** Keyed hash of the code ('local' mode); the code itself is never stored. */
  codeHash?: string | undefined;
  codeLength: number;
  createdAt: number;
  expiresAt: number;
  resendAt: number;
  /** How many resends led to this record (0 for a first send); the cooldown doubles with each. */
  resendCount: number;
  /** Verify attempts reserved so far. */
  attempts: number;
  maxAttempts: number;
  verified: boolean;
}

export type ReserveResult =
  | { status: 'reserved'; record: VerificationRecord; failures: number }
  | { status: 'not_found' }
  | { status: 'expired'; record: VerificationRecord }
  | { status: 'already_verified'; record: VerificationRecord }
  | { status: 'exhausted'; record: VerificationRecord };

/** A fixed-window counter: at most `limit` hits per `windowMs` for `key`. */
export interface LimitRule {
  key: string;
  limit: number;
  windowMs: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number; key: string };

/**
 * Where verifications and counters live. Every method that guards security is ATOMIC (one Lua script in Redis,
 * synchronous in memory), so concurrent requests on several server instances cannot overspend a budget.
 * Records and counters expire on their own (`ttlMs`); a store that is down throws, and the handler answers 503.
 */
export interface OtpStore {
  /** Saves a new record; it disappears `ttlMs` after `now`. */
  create(record: VerificationRecord, ttlMs: number): Promise<void>;
  get(id: string): Promise<VerificationRecord | null>;
  /** Removes a record (a resend cancels the old verification). Returns whether it existed. */
  delete(id: string): Promise<boolean>;
  /**
   * Atomically checks the record (exists, not verified, not expired at `now`, attempts < maxAttempts) and the
   * number's failure count (< `maxFailures` under the key `failurePrefix + record.to`), and if all pass reserves
   * one attempt. The store builds the failure key from the record itself because the caller only knows the
   * verification id: reading the record first and reserving second would be two calls, and not atomic.
   */
  reserveAttempt(id: string, now: number, failurePrefix: string, maxFailures: number): Promise<ReserveResult>;
  /**
   * Finishes a reserved attempt. `ok`: marks the record verified (atomically; false if it already was).
   * Not ok: adds one to the number's failure count under `failureKey`, kept for `failureTtlMs`.
   */
  finishAttempt(id: string, ok: boolean, failureKey: string, failureTtlMs: number): Promise<boolean>;
  /** The failure count under `failureKey` (0 if none). */
  failures(failureKey: string): Promise<number>;
  /** Atomically: if every rule still has room at `now`, counts one hit on each and returns ok; else nothing is
   * counted and the longest wait is returned. */
  take(rules: LimitRule[], now: number): Promise<TakeResult>;
  /** Hits counted by `take` under `key` in its current window at `now` (0 once the window has ended). */
  hits(key: string, now: number): Promise<number>;
  /** Forgets the given limit counters (reopens the resend gate when the provider refused to deliver). */
  release(keys: string[]): Promise<void>;
}

/** Optional structured logger. It never receives secrets, codes, message ids or unmasked numbers. */
export interface OtpLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

// ---------------------------------------------------------------------------------------------------------------
// Handler

export interface OtpHandlerOptions {
  provider: OtpProvider;
  /** Server key for verification ids, proofs and code hashes. At least 32 bytes; never sent anywhere. */
  secret: string | Uint8Array;
  /** @defaultValue memoryStore() */
  store?: OtpStore;
  /** Code lifetime the BFF assumes; must match the provider template's. @defaultValue 300 */
  codeTtlSeconds?: number;
  /** Wrong codes allowed per verification. @defaultValue 5 */
  maxAttempts?: number;
  /** Wrong codes allowed per number across resends within `failureWindowSeconds`. @defaultValue 10 */
  maxFailuresPerNumber?: number;
  /** @defaultValue 3600 */
  failureWindowSeconds?: number;
  /** First resend cooldown; doubles on each resend to the same number. @defaultValue 60 */
  resendCooldownSeconds?: number;
  /** Sends (send + resend) per number. @defaultValue { limit: 5, windowSeconds: 600 } */
  numberLimit?: { limit: number; windowSeconds: number };
  /** Sends per client IP. @defaultValue { limit: 20, windowSeconds: 3600 } */
  ipLimit?: { limit: number; windowSeconds: number };
  /** Trust X-Forwarded-For / a platform header for the client IP. @defaultValue false (socket address only) */
  trustProxy?: boolean | ((request: Request) => string | undefined);
  /** ISO calling-code prefixes allowed, e.g. ['+1', '+44']. Unset: all. */
  allowedCountries?: string[];
  /** Origins allowed besides the request's own. */
  allowedOrigins?: string[];
  /** Accept e-mail addresses in `to`. @defaultValue false */
  allowEmail?: boolean;
  /** Upstream timeout in ms. @defaultValue 8000 */
  timeoutMs?: number;
  /** Proof lifetime in seconds. @defaultValue 600 */
  proofTtlSeconds?: number;
  /** Runs after a successful verify, before the response. */
  onVerified?: (event: { to: string; request: Request }) => void | Promise<void>;
  logger?: OtpLogger;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

export interface VerifiedProof {
  /** The verified recipient (full, server-side). */
  to: string;
  verificationId: string;
  /** Epoch ms. */
  verifiedAt: number;
  expiresAt: number;
}

export interface OtpHandler {
  /** `context.clientIp` is the socket address, given by the adapter (a Web Request does not carry it). */
  handle(request: Request, context?: HandlerContext): Promise<Response>;
  /** Checks a proof from a successful verify. Resolves the claims, or null when tampered, malformed or expired. */
  verifyProof(proof: string): Promise<VerifiedProof | null>;
}

export interface HandlerContext {
  clientIp?: string | undefined;
}
