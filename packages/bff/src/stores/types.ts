import type { Channel } from '../contract.js';

/** One open verification, keyed by its opaque `id` (the browser's `verificationId`). Times are epoch ms. */
export interface VerificationRecord {
  id: string;
  /** Full recipient (needed for provider verify by number and for per-recipient limits). Never logged unmasked. */
  to: string;
  channel: Channel;
  /** The BCP 47 locale of the first send, reused by resends (the resend body carries only the verification id). */
  locale?: string | undefined;
  /** What the verification is for (the handler's purposes); absent: `default`. Carried into the proof. */
  purpose?: string | undefined;
  /** Provider message id (provider-checked codes). */
  messageId?: string | undefined;
  /** Keyed hash of the code (locally checked codes); the code itself is never stored. */
  codeHash?: string | undefined;
  codeLength: number;
  createdAt: number;
  expiresAt: number;
  resendAt: number;
  /** How many sends to this recipient led up to this record (0 for a first send); the cooldown doubles with each. */
  resendCount: number;
  /** Verify attempts reserved so far. */
  attempts: number;
  maxAttempts: number;
  verified: boolean;
}

/** `failures`: the recipient's failure count (under `failurePrefix + record.to`) when the attempt was judged. */
export type ReserveResult =
  | { status: 'reserved'; record: VerificationRecord; failures: number }
  | { status: 'exhausted'; record: VerificationRecord; failures: number }
  | { status: 'expired'; record: VerificationRecord }
  | { status: 'already_verified'; record: VerificationRecord }
  | { status: 'not_found' };

/** A fixed-window counter: at most `limit` hits per `windowMs` for `key`. */
export interface LimitRule {
  key: string;
  limit: number;
  windowMs: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number; key: string };

/**
 * Where verifications and counters live.
 *
 * - Every method takes one object, and every one of them carries `now` (epoch ms, the handler's clock): a store
 *   judges records and windows by the caller's time, never by a clock of its own, so tests move time without
 *   sleeping and several instances agree on a window.
 * - Every method that guards security is ATOMIC (one Lua script in Redis, synchronous in memory), so concurrent
 *   requests on several server instances cannot overspend a budget.
 * - Records and counters also expire on their own (`ttlMs`, `windowMs`): nothing needs a cleanup job.
 * - A store that is down throws (anything: the flow logs the cause and answers 503).
 *
 * Prove a store with the published conformance suite: `describeStore` from `@otpkit/bff/store-conformance`.
 */
export interface OtpStore {
  /** Saves a new record (replacing one with the same id); it disappears `ttlMs` after `now`. */
  create(input: { record: VerificationRecord; ttlMs: number; now: number }): Promise<void>;
  /** The record, or null when unknown or gone. */
  get(input: { id: string; now: number }): Promise<VerificationRecord | null>;
  /** Removes a record (a resend cancels the old verification). Resolves whether it existed. */
  delete(input: { id: string; now: number }): Promise<boolean>;
  /**
   * Atomically checks the record (exists, not verified, not expired at `now`, attempts < maxAttempts) and the
   * recipient's failure counter (hits < `maxFailures` under `failurePrefix + record.to`), and if all pass reserves
   * one attempt. The failure key is built from the record because the caller knows only the verification id:
   * reading the record first and reserving second would be two calls, and not atomic.
   */
  reserveAttempt(input: {
    id: string;
    failurePrefix: string;
    maxFailures: number;
    now: number;
  }): Promise<ReserveResult>;
  /** Marks the record verified. Resolves true for the one call that did it; false if it already was, or is gone. */
  markVerified(input: { id: string; now: number }): Promise<boolean>;
  /** Counts one hit on the counter `key`, whose window (starting at its first hit) lasts `windowMs`. */
  addFailure(input: { key: string; windowMs: number; now: number }): Promise<void>;
  /**
   * Atomically: if every rule still has room at `now`, counts one hit on each and resolves ok; else nothing is
   * counted and the longest wait is returned (with the key of the rule that imposes it).
   */
  take(input: { rules: readonly LimitRule[]; now: number }): Promise<TakeResult>;
  /** Hits on the counter `key` in its current window at `now` (0 once the window has ended). Counters written by
   * `take` and by `addFailure` are the same kind of counter. */
  hits(input: { key: string; now: number }): Promise<number>;
  /** Forgets the given counters (reopens the resend gate when the provider refused to deliver). */
  release(input: { keys: readonly string[]; now: number }): Promise<void>;
}
