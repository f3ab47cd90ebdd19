import type { Channel } from '../contract.js';

/** One open verification, keyed by its opaque `id` (the browser's `verificationId`). Times are epoch ms. */
export interface VerificationRecord {
  /** Begins with its recipient's `shardTag` (then 128 random bits), so a store that shards by key (Redis Cluster)
   * keeps the record beside its recipient's counters: see `recordShard`. */
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

/**
 * A budget of wrong codes per recipient: the counter `prefix + recipientKey(record.to)` (see `recipientKey`), which
 * `reserveAttempt` checks and counts in the same atomic step as the attempt itself.
 */
export interface FailureBudget {
  prefix: string;
  /** Wrong codes allowed while the window lasts. */
  limit: number;
  windowMs: number;
  /**
   * false: a fixed window that starts at the first failure (the count refills when it ends). true: every failure
   * moves the window's end to `now + windowMs`, so the count refills only after `windowMs` WITHOUT a failure: an
   * attacker who keeps guessing never gets a refill, whatever the horizon.
   */
  sliding: boolean;
}

/**
 * `failuresLeft`: the room left on the recipient's tightest budget (after this attempt's failure when reserved;
 * Infinity without budgets). `retryAfterMs` (exhausted): the wait until every full budget has room again, 0 when
 * only the verification's own attempts are spent.
 */
export type ReserveResult =
  | { status: 'reserved'; record: VerificationRecord; failuresLeft: number }
  | { status: 'verified'; record: VerificationRecord }
  | { status: 'exhausted'; record: VerificationRecord; failuresLeft: number; retryAfterMs: number }
  | { status: 'expired'; record: VerificationRecord }
  | { status: 'already_verified'; record: VerificationRecord }
  | { status: 'not_found' };

/** A fixed-window counter: at most `limit` hits per `windowMs` for `key`. */
export interface LimitRule {
  key: string;
  limit: number;
  windowMs: number;
  /** Judged like every rule, never counted: the take only reads it (the recipient's wrong-code budgets, which
   * reserveAttempt counts, so that a send is refused while they are full). */
  peek?: boolean | undefined;
  /**
   * The window grows with another rule of the same take: it is `windowsMs[n]`, `n` being the hits the rule keyed
   * `by` held before this take (the last entry for more). So the resend gate's cooldown doubles with each send of
   * the day, decided in the same atomic step that counts the send. `windowMs` is then unused.
   */
  windowBy?: { by: string; windowsMs: readonly number[] } | undefined;
}

/** A record for `take` to save when it admits the send (see OtpStore.take). */
export interface TakeCreate {
  record: VerificationRecord;
  /** It disappears `ttlMs` after the take's `now`. */
  ttlMs: number;
  /**
   * The key of the take's rule that is the resend gate: the record's `resendAt` becomes `now` plus the window that
   * rule counted with, and its `resendCount` the larger of its own and the hits its `windowBy.by` counter held
   * before (the cooldown's doublings), as the send's answer says.
   */
  resendBy: string;
}

/** The record a take saves: `create.record` with the resend fields its gate rule decided. */
export function createdBy(
  create: TakeCreate,
  rules: readonly LimitRule[],
  result: { hits: readonly number[]; windowsMs: readonly number[] },
  now: number,
): VerificationRecord {
  const i = rules.findIndex((r) => r.key === create.resendBy);
  const by = rules[i]?.windowBy?.by;
  const doublings = by === undefined ? 0 : (result.hits[rules.findIndex((r) => r.key === by)] ?? 0);
  return {
    ...create.record,
    resendAt: now + (result.windowsMs[i] ?? 0),
    resendCount: Math.max(create.record.resendCount, doublings),
  };
}

/** `hits`: what each rule's counter held before this take counted (in the order of `rules`; 0 for a rule with a
 * window of 0), and `windowsMs`: the window each rule was counted with. */
export type TakeResult =
  | { ok: true; hits: number[]; windowsMs: number[] }
  | { ok: false; retryAfterMs: number; key: string };

/** The window a rule counts with, given what every rule's counter held before the take (see `windowBy`). */
export function windowOf(rule: LimitRule, rules: readonly LimitRule[], hits: readonly number[]): number {
  if (!rule.windowBy) return rule.windowMs;
  const { by, windowsMs } = rule.windowBy;
  const n = hits[rules.findIndex((r) => r.key === by)] ?? 0;
  return windowsMs[Math.min(n, windowsMs.length - 1)] ?? rule.windowMs;
}

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
  /**
   * A store that spreads keys over nodes (Redis Cluster) sets this: the flow then splits each counter that every send
   * touches (the global and per-country send budgets) into this many pieces, each with its share of the limit (rounded
   * up), chosen by the recipient's shard, so no single key takes every send. The total stays bounded (by the limit
   * plus at most one per piece); a piece may trip a little before the whole would have. Absent: one key each.
   */
  readonly counterShards?: number;
  /** Saves a new record (replacing one with the same id); it disappears `ttlMs` after `now`. */
  create(input: { record: VerificationRecord; ttlMs: number; now: number }): Promise<void>;
  /** The record, or null when unknown or gone. */
  get(input: { id: string; now: number }): Promise<VerificationRecord | null>;
  /** Removes a record (a resend cancels the old verification). Resolves whether it existed. */
  delete(input: { id: string; now: number }): Promise<boolean>;
  /**
   * Atomically checks the record (exists, not verified, not expired at `now`, attempts < maxAttempts) and every
   * failure budget of its recipient (hits < limit), and if all pass reserves one attempt AND counts one failure on
   * each budget: a guess counts as wrong until it is proven right (`markVerified` gives it back), so no burst over
   * any number of verifications of one recipient, on any number of instances, checks more guesses than a budget
   * holds. The budget keys are built from the record because the caller knows only the verification id.
   *
   * `codeHash`: the keyed hash of the guessed code (a locally checked code). When the record has a `codeHash` and it
   * is this one, the same step marks the record verified and counts no failure (`verified`, with the attempt
   * reserved): a right local code costs one call. (A plain comparison is fine: without the key, nobody can make a
   * guess whose hash matches more of the right one.)
   *
   * `reopen`: prefixes of the recipient's counters (each `prefix + recipientKey(record.to)`, like the budgets) that
   * the same step forgets when it leaves the verification unable to take another guess: it is verified, or this
   * reservation took its last attempt (attempts reach maxAttempts, or a budget reaches its limit). The flow reopens
   * the resend gate so, without a call of its own. Only that transition forgets them: a later call on a spent
   * verification ('exhausted') does not, so it cannot reopen the gate of a newer send.
   */
  reserveAttempt(input: {
    id: string;
    budgets: readonly FailureBudget[];
    now: number;
    codeHash?: string | undefined;
    reopen?: readonly string[] | undefined;
  }): Promise<ReserveResult>;
  /**
   * Marks the record verified, and on that same call gives back the failure its attempt counted on each budget and
   * forgets the `reopen` counters. Resolves true for the one call that did it; false if it already was, or is gone.
   */
  markVerified(input: {
    id: string;
    budgets: readonly FailureBudget[];
    now: number;
    reopen?: readonly string[] | undefined;
  }): Promise<boolean>;
  /**
   * Gives back one failure on each budget of the record's recipient (never below 0; windows unchanged): the code
   * could not be checked (the provider failed), so the guess taught the caller nothing. The attempt stays spent.
   */
  refundAttempt(input: { id: string; budgets: readonly FailureBudget[]; now: number }): Promise<void>;
  /**
   * Atomically: if every rule still has room at `now`, counts one hit on each (but `peek` rules) and resolves ok with
   * what each held before; else nothing is counted and the longest wait is returned (with the key of the rule that
   * imposes it). A send's limits, its cooldown and the recipient's lock are one take: one round trip.
   *
   * `create`: a record saved in the same step when the take admits it (nothing saved when it refuses), so a send
   * whose record is whole before the provider is called (a locally checked code) costs one round trip in all.
   */
  take(input: { rules: readonly LimitRule[]; now: number; create?: TakeCreate | undefined }): Promise<TakeResult>;
  /** Hits on the counter `key` in its current window at `now` (0 once the window has ended). Counters written by
   * `take` and the failure budgets of `reserveAttempt` are the same kind of counter. */
  hits(input: { key: string; now: number }): Promise<number>;
  /** Forgets the given counters (reopens the resend gate when the provider refused to deliver). */
  release(input: { keys: readonly string[]; now: number }): Promise<void>;
}

const TAG_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** How many characters a shard tag has (the start of every verification id). */
export const SHARD_TAG_LENGTH = 4;

/**
 * A recipient's shard: 24 bits of a hash of it (FNV-1a), as 4 base64url characters. Every key about one recipient
 * (its records, failure budgets and send limits) carries it as a Redis hash tag (`{…}`), so each store call's keys
 * share one hash slot, while different recipients spread over all of them. Not a secret and not unique: only where
 * a key lives.
 */
export function shardTag(to: string): string {
  const h = shardHash(to);
  let tag = '';
  for (let shift = 18; shift >= 0; shift -= 6) tag += TAG_ALPHABET[(h >>> shift) & 63];
  return tag;
}

/** The 24 bits behind `shardTag` (FNV-1a of the recipient), as a number: which piece of a split counter a recipient
 * counts on (see `counterShards`). */
export function shardHash(to: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < to.length; i++) {
    h ^= to.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 8;
}

/** The shard tag a verification id begins with (see VerificationRecord.id). */
export const recordShard = (id: string): string => id.slice(0, SHARD_TAG_LENGTH);

/**
 * The form of a recipient inside counter keys (the failure budgets' `prefix + recipientKey(to)`, the send limits):
 * the recipient behind its shard tag as a Redis hash tag, `{tag}to`. Stores that build a budget key from a record
 * use this, so the flow's keys and theirs are the same strings.
 */
export const recipientKey = (to: string): string => `{${shardTag(to)}}${to}`;
