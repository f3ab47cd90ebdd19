import { multiInstanceReason } from './platform.js';
import {
  type FailureBudget,
  type OtpStore,
  type ReserveResult,
  recipientKey,
  type TakeResult,
  type VerificationRecord,
} from './types.js';

export interface MemoryStoreOptions {
  /**
   * Promise that one process serves the handler. The memory store refuses to start where the platform runs several
   * instances or isolates (serverless, edge, a production server with several workers): each would keep its own
   * verifications and limits, so a verify reaching another instance answers 404 and every limit multiplies with the
   * instance count. @defaultValue false
   */
  singleInstance?: boolean;
  /** How often the background sweep drops expired entries. @defaultValue 60000 */
  sweepIntervalMs?: number;
  /**
   * At most this many records (open or finished verifications). When full, expired records go first, then
   * verified ones (finished: forgetting one only turns a replayed verify's 409 into a 404); an OPEN verification is
   * never evicted, so nobody can push other users' codes out by sending many of their own. If only open ones are
   * left, a new send fails (503, logged): fail closed. The default send budgets (1,000 sends an hour) keep far fewer
   * open at once. @defaultValue 100000
   */
  maxRecords?: number;
  /**
   * At most this many limit counters. When full, counters whose window has ended go first; a live counter is never
   * evicted (that would reopen a limit), so if none has ended the call fails (503, logged). @defaultValue 1000000
   */
  maxCounters?: number;
}

/** What a full store throws (the flow answers 503 and logs it). */
export class MemoryStoreFullError extends Error {
  override readonly name = 'MemoryStoreFullError';
}

/** A stored record plus the moment it disappears; kept flat so 100,000 open verifications stay small. */
type Stored = VerificationRecord & { until: number };

/**
 * The in-memory store for one server process (and for Storybook in the browser). Every method does its work
 * synchronously before its promise resolves, so no other request can interleave: that is what makes
 * `reserveAttempt`, `markVerified` and `take` atomic here. Not shared between instances: use the Redis store
 * when more than one process serves the handler.
 *
 * It has no clock of its own: records and windows are judged by the `now` of each call, and the background sweep
 * uses the `now` of the latest call (so a test clock, ahead or behind, decides what is expired; an idle store sweeps
 * nothing new until its next call).
 */
export function memoryStore(options: MemoryStoreOptions = {}): OtpStore {
  const reason = options.singleInstance ? undefined : multiInstanceReason();
  if (reason) {
    throw new Error(
      `otpkit: the memory store cannot hold on ${reason}: verifications and limits would live per instance (a verify ` +
        'reaching another one answers 404, and limits multiply). Use a shared store: redisStore({ client }) from ' +
        "'@otpkit/bff/redis' (ioredis, node-redis, or @upstash/redis over HTTPS on serverless and edge), or " +
        "postgresStore from '@otpkit/bff/postgres'. If one process really serves it: memoryStore({ singleInstance: true }).",
    );
  }
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const maxRecords = options.maxRecords ?? 100_000;
  const maxCounters = options.maxCounters ?? 1_000_000;
  const records = new Map<string, Stored>();
  const counters = windowCounters();
  /** The `now` of the latest call: the sweep's clock. */
  let latest = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setInterval> | undefined;

  const sweep = () => {
    for (const [id, s] of records) if (s.until <= latest) records.delete(id);
    counters.sweep(latest);
    // The timer only lives while there is something to expire, so an idle store (a finished test, a browser tab)
    // holds no timer at all.
    if (records.size === 0 && counters.size() === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const arm = () => {
    if (timer !== undefined) return;
    timer = setInterval(sweep, sweepIntervalMs);
    // Node: never keep the process alive for a sweep. Browsers return a number and have nothing to unref.
    (timer as { unref?: () => void }).unref?.();
  };
  /** Every method starts here: the sweep judges by the latest `now` it was given. */
  const at = (now: number) => {
    latest = now;
    return now;
  };
  const live = (id: string, now: number): Stored | undefined => {
    const s = records.get(id);
    if (s && s.until <= now) {
      records.delete(id);
      return undefined;
    }
    return s;
  };
  /** Room for one more record: expired ones, then finished (verified) ones, oldest first; never an open one. */
  const roomForRecord = (id: string) => {
    if (records.size < maxRecords || records.has(id)) return;
    for (const [key, s] of records) if (s.until <= latest) records.delete(key);
    for (const [key, s] of records) {
      if (records.size < maxRecords) return;
      if (s.verified) records.delete(key);
    }
    if (records.size >= maxRecords)
      throw new MemoryStoreFullError(`otpkit memory store: ${maxRecords} open verifications (maxRecords)`);
  };
  /** Room for `n` more counters: ended windows go; a live counter never (it would reopen its limit). */
  const roomForCounters = (n: number) => {
    if (counters.size() + n <= maxCounters) return;
    counters.sweep(latest);
    if (counters.size() + n > maxCounters)
      throw new MemoryStoreFullError(`otpkit memory store: ${maxCounters} live limit counters (maxCounters)`);
  };
  /** How many of `keys` have no live counter yet (each would need room). */
  const fresh = (keys: readonly string[], now: number) => keys.filter((key) => hits(key, now) === 0).length;
  const { hits, hit, forget } = counters;
  const refund = (s: Stored, budgets: readonly FailureBudget[], now: number) => {
    for (const b of budgets) counters.unhit(b.prefix + recipientKey(s.to), now);
  };
  // Callers get copies: a record is changed only through the store's methods.
  const copy = (s: Stored): VerificationRecord => {
    const { until: _until, ...record } = s;
    return record;
  };

  return {
    async create({ record, ttlMs, now }) {
      at(now);
      roomForRecord(record.id);
      records.set(record.id, stored(record, now + ttlMs));
      arm();
    },

    async get({ id, now }) {
      const s = live(id, at(now));
      return s ? copy(s) : null;
    },

    async delete({ id, now }) {
      return live(id, at(now)) !== undefined && records.delete(id);
    },

    async reserveAttempt({ id, budgets, now, codeHash }): Promise<ReserveResult> {
      const s = live(id, at(now));
      if (!s) return { status: 'not_found' };
      if (s.verified) return { status: 'already_verified', record: copy(s) };
      if (now >= s.expiresAt) return { status: 'expired', record: copy(s) };
      const to = recipientKey(s.to);
      let failuresLeft = Number.POSITIVE_INFINITY;
      let retryAfterMs = 0;
      for (const b of budgets) {
        const n = hits(b.prefix + to, now);
        failuresLeft = Math.min(failuresLeft, b.limit - n);
        if (n >= b.limit)
          retryAfterMs = Math.max(retryAfterMs, n > 0 ? counters.resetOf(b.prefix + to) - now : b.windowMs);
      }
      if (s.attempts >= s.maxAttempts || failuresLeft <= 0) {
        return { status: 'exhausted', record: copy(s), failuresLeft: Math.max(0, failuresLeft), retryAfterMs };
      }
      const right = codeHash !== undefined && s.codeHash === codeHash;
      // Room for the failure counters first, so a full store refuses before anything is counted.
      if (!right)
        roomForCounters(
          fresh(
            budgets.map((b) => b.prefix + to),
            now,
          ),
        );
      s.attempts += 1;
      if (right) {
        s.verified = true;
        return { status: 'verified', record: copy(s) };
      }
      for (const b of budgets) hit(b.prefix + to, now, b.windowMs, b.sliding);
      arm();
      return { status: 'reserved', record: copy(s), failuresLeft: failuresLeft - 1 };
    },

    async markVerified({ id, budgets, now }) {
      const s = live(id, at(now));
      if (!s || s.verified) return false;
      s.verified = true;
      refund(s, budgets, now);
      return true;
    },

    async refundAttempt({ id, budgets, now }) {
      const s = live(id, at(now));
      if (s) refund(s, budgets, now);
    },

    async take({ rules, now }): Promise<TakeResult> {
      at(now);
      let refused: { retryAfterMs: number; key: string } | undefined;
      for (const rule of rules) {
        if (rule.windowMs <= 0) continue;
        const n = hits(rule.key, now);
        if (rule.limit <= 0 || n >= rule.limit) {
          const wait = n > 0 ? counters.resetOf(rule.key) - now : rule.windowMs;
          if (!refused || wait > refused.retryAfterMs) refused = { retryAfterMs: wait, key: rule.key };
        }
      }
      if (refused) return { ok: false, ...refused };
      // All or nothing: room for every new counter is made (or refused) before any is counted.
      const counted = rules.filter((rule) => rule.windowMs > 0);
      roomForCounters(
        fresh(
          counted.map((rule) => rule.key),
          now,
        ),
      );
      for (const rule of counted) hit(rule.key, now, rule.windowMs, false);
      arm();
      return { ok: true };
    },

    async hits({ key, now }) {
      return hits(key, at(now));
    },

    async release({ keys, now }) {
      at(now);
      for (const key of keys) forget(key);
    },
  };
}

/**
 * Fixed-window counters, as small as V8 allows (100,000 open verifications must fit in 64 MB, and each send counts
 * under two per-number keys): when each window ends, one plain number per key, and the count only for the keys hit
 * more than once. An object per counter cost 93 bytes, a number 39 (measured on Node 20).
 */
function windowCounters() {
  const resets = new Map<string, number>();
  const counts = new Map<string, number>();
  const forget = (key: string) => {
    resets.delete(key);
    counts.delete(key);
  };
  /** Hits under `key` in its current window (0 once the window has ended). */
  const hits = (key: string, now: number): number => {
    const reset = resets.get(key);
    if (reset === undefined) return 0;
    if (reset <= now) {
      forget(key);
      return 0;
    }
    return counts.get(key) ?? 1;
  };
  return {
    hits,
    forget,
    /** One hit; a new window starts at the first hit, and later hits extend it only when `sliding`. */
    hit(key: string, now: number, windowMs: number, sliding: boolean) {
      const n = hits(key, now);
      if (n === 0 || sliding) resets.set(key, now + windowMs);
      if (n > 0) counts.set(key, n + 1);
    },
    /** One hit taken back (a refund), never below 0; the window is left as it is. */
    unhit(key: string, now: number) {
      const n = hits(key, now);
      if (n <= 1) forget(key);
      else if (n === 2) counts.delete(key);
      else counts.set(key, n - 1);
    },
    /** When the window of a counter with hits ends. */
    resetOf: (key: string) => resets.get(key) ?? 0,
    sweep(now: number) {
      for (const [key, reset] of resets) if (reset <= now) forget(key);
    },
    size: () => resets.size,
  };
}

/**
 * The stored copy of a record. Spelled out rather than `{ ...r, until }`: V8 turns a spread-then-extended object
 * into a dictionary-mode object, which doubled the heap per record (measured: 100,000 records 96 MB with the spread,
 * 46 MB here). It is also the copy that keeps the caller's object out of the store.
 */
function stored(r: VerificationRecord, until: number): Stored {
  return {
    id: r.id,
    to: r.to,
    channel: r.channel,
    locale: r.locale,
    purpose: r.purpose,
    messageId: r.messageId,
    codeHash: r.codeHash,
    codeLength: r.codeLength,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    resendAt: r.resendAt,
    resendCount: r.resendCount,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    verified: r.verified,
    until,
  };
}
